using Analytics.Common.Settings;
using IngestCommands = Analytics.Ingest.Cli.Commands;
using QueryCommands = Analytics.Query.Cli.Commands;

namespace Analytics.Tests.Common.Settings;

/// <summary>
/// One configuration for every program: a settings file, under ANALYTICS__Section__Key environment variables, under
/// the command line; every wrong value of every source is listed at start, named as the user gave it.
/// </summary>
public sealed class SettingsTests : IDisposable
{
    private readonly TempFolder _temp = Some.TempFolder();

    public void Dispose() => _temp.Dispose();

    private static Dictionary<string, string?> Environment(params (string Name, string Value)[] variables) => variables.ToDictionary(v => v.Name, v => (string?)v.Value);

    // The problems a program printed at start, one per line (ingest prefixes the first with "Cannot start: ").
    private static List<string> Problems(string err) =>
        [.. err.Replace("Cannot start: ", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim())];

    [Fact]
    public void Defaults_ArePinned()
    {
        var lake = new LakeSettings();
        Assert.Equal((null, null, 60, 0), (lake.Location, lake.StagingFolder, lake.LeaseSeconds, lake.WaitSeconds));
        var ingest = new IngestSettings();
        Assert.Equal((24, 512, 16, System.Environment.ProcessorCount, 1_000_000L, 60),
            (ingest.BatchMegabytes, ingest.MaxObjectMegabytes, ingest.MaxRecordMegabytes, ingest.Parallelism, ingest.IndexMaxIds, ingest.StaleTempMinutes));
        var worker = new WorkerSettings();
        Assert.Equal((60, 60, 20, 1000, 256, 0, 100_000, false),
            (worker.IntervalSeconds, worker.StatusSeconds, worker.StopGraceSeconds, worker.BatchMaxObjects, worker.BatchMaxMegabytes, worker.BufferingSeconds, worker.QueueLimit, worker.JsonLogs));
        Assert.Empty(worker.Sources);
        Assert.Empty(worker.Collect);
        var collect = new CollectSettings();
        Assert.Equal((300, 900, 3600), (collect.HealthIntervalSeconds, collect.SupportIntervalSeconds, collect.TrustedAdvisorIntervalSeconds));
        Assert.Equal("duckdb", new QuerySettings().Engine);
        var athena = new AthenaSettings();
        Assert.Equal(("analytics", "primary", null, false, 60, 5m, "s3", 10), (athena.Database, athena.Workgroup, athena.OutputLocation, athena.Fips, athena.ReuseMinutes, athena.PricePerTb, athena.Results, athena.MaxConcurrentQueries));
        var aws = new AwsSettings();
        Assert.All(new[] { aws.Region, aws.S3Endpoint, aws.StsEndpoint, aws.HealthEndpoint, aws.SupportEndpoint, aws.FirehoseEndpoint, aws.AthenaEndpoint }, Assert.Null);
    }

    [Fact]
    public void Load_CommandLineWinsOverEnvironmentWhichWinsOverTheFile_AListIsReplacedWhole()
    {
        var file = _temp.Sub("settings.json");
        File.WriteAllText(file, """{ "Lake": { "LeaseSeconds": 10, "WaitSeconds": 5, "StagingFolder": "/from/file" }, "Worker": { "Sources": ["s3://a/", "s3://b/"], "Collect": ["health"] } }""");
        var settings = SettingsLoader.Load(file, Environment(("ANALYTICS__Lake__LeaseSeconds", "20"), ("ANALYTICS__Lake__WaitSeconds", "7"), ("ANALYTICS__Worker__Collect", "support,trusted-advisor")),
            [("Lake:WaitSeconds", "9", "--wait-for-lake"), ("Worker:Sources:0", "s3://c/", "--source")], SettingsLoader.Sections);

        Assert.Empty(settings.Errors);
        var lake = settings.Get<LakeSettings>();
        Assert.Equal(("/from/file", 20, 9), (lake.StagingFolder, lake.LeaseSeconds, lake.WaitSeconds));
        Assert.Equal(["s3://c/"], settings.Get<WorkerSettings>().Sources);
        Assert.Equal(["support", "trusted-advisor"], settings.Get<WorkerSettings>().Collect);
        Assert.Equal("--wait-for-lake", settings.NameOf("Lake:WaitSeconds"));
        Assert.Equal("ANALYTICS__Lake__LeaseSeconds", settings.NameOf("Lake:LeaseSeconds"));
        Assert.Equal($"Lake:StagingFolder ({file})", settings.NameOf("Lake:StagingFolder"));
        Assert.Equal("--lake", settings.NameOf("Lake:Location"));
    }

    [Fact]
    public async Task IngestCommand_WrongValuesInFileAndEnvironment_EveryProblemAtStartNamedWhereItCameFrom()
    {
        var file = _temp.Sub("settings.json");
        await File.WriteAllTextAsync(file, """{ "Lake": { "LeaseSeconds": 2 }, "Ingest": { "BatchMegabytes": "lots", "Parallelism": 0 }, "Nope": { "X": 1 } }""");
        var context = Some.Context(Environment(("ANALYTICS__Aws__S3Endpoint", "not a url"), ("ANALYTICS__Lake__WaitSeconds", "-1"),
            ("ANALYTICS_S3_ENDPOINT", "http://127.0.0.1:9000"), ("ANALYTICS__Ingest__Batch", "3")));

        var (code, output, err) = await Some.ProgramAsync((c, i) => IngestCommands.InvokeAsync(["ingest", "--lake", _temp.Sub("lake"), "--settings", file, Some.Corpus], c, i), context);

        Assert.Equal(IngestCommands.InvalidOptions, code);
        Assert.Empty(output);
        Assert.Equal(
        [
            $"--settings: unknown section 'Nope' in '{file}'; the sections are Lake, Aws, Ingest, Worker, Collect, Alerts, Query, Athena.",
            "ANALYTICS_S3_ENDPOINT is no longer read: set ANALYTICS__Aws__S3Endpoint instead.",
            "ANALYTICS__Ingest__Batch is not a setting; settings are ANALYTICS__Section__Key, such as ANALYTICS__Lake__Location (see the README's settings table).",
            $"Ingest:BatchMegabytes ({file}) is 'lots': expected a whole number",
            $"Lake:LeaseSeconds ({file}) 2 must be between 5 and 3600.",
            "ANALYTICS__Lake__WaitSeconds -1 must be between 0 and 86400 seconds.",
            "ANALYTICS__Aws__S3Endpoint 'not a url' must be an http(s) URL.",
            $"Ingest:Parallelism ({file}) 0 must be between 1 and 64.",
        ], Problems(err));
        Assert.False(Directory.Exists(_temp.Sub("lake")));
    }

    [Fact]
    public async Task WorkerCommand_WrongValuesInFileAndEnvironment_EveryProblemAtStart()
    {
        var file = _temp.Sub("settings.json");
        await File.WriteAllTextAsync(file, """{ "Worker": { "Sources": ["/no/such/folder"], "QueueLimit": 10 }, "Collect": { "HealthIntervalSeconds": 5 } }""");
        var context = Some.Context(Environment(("ANALYTICS__Lake__Location", _temp.Sub("lake")), ("ANALYTICS__Worker__Collect", "health,weather")));

        var (code, _, err) = await Some.ProgramAsync((c, i) => IngestCommands.InvokeAsync(["worker", "--settings", file, "--batch-max-objects", "20"], c, i), context);

        Assert.Equal(IngestCommands.InvalidOptions, code);
        Assert.Equal(
        [
            "source '/no/such/folder' is not a folder.",
            "ANALYTICS__Worker__Collect 'weather' is not a source; expected health, health-org, support, trusted-advisor.",
            $"Worker:QueueLimit ({file}) 10 must be at least --batch-max-objects (20).",
            $"Collect:HealthIntervalSeconds ({file}) 5 must be between 10 and 86400.",
        ], Problems(err));
    }

    [Fact]
    public async Task QueryProgram_WrongValuesInFileAndEnvironment_EveryProblemAtStart()
    {
        var file = _temp.Sub("settings.json");
        await File.WriteAllTextAsync(file, """{ "Query": { "Engine": "athena" }, "Athena": { "Workgroup": "bad wg!", "ReuseMinutes": 99999 } }""");
        var context = Some.Context(Environment(("ANALYTICS__Athena__Fips", "maybe"), ("ANALYTICS__Aws__Region", "Europe")));

        var (code, _, err) = await Some.ProgramAsync((c, i) => QueryCommands.InvokeAsync(["run", "oom-kills", "--settings", file, "-p", "from=2026-11-02", "-p", "to=2026-11-03"], c, i), context);

        Assert.Equal(QueryCommands.InvalidArguments, code);
        Assert.Equal(
        [
            "ANALYTICS__Athena__Fips is 'maybe': expected true or false",
            "ANALYTICS__Aws__Region is 'Europe': expected a region name such as us-east-1",
            $"Athena:Workgroup ({file}) is 'bad wg!': expected 1 to 128 letters, digits, '.', '_' or '-'",
            $"Athena:ReuseMinutes ({file}) is '99999': expected 0 (no reuse) to 10080 (7 days)",
        ], Problems(err));
    }

    [Fact]
    public void Load_AListWithSomethingElseBelowIt_IsAnUnknownSettingNotACrash()
    {
        var file = _temp.Sub("nested.json");
        File.WriteAllText(file, """{ "Worker": { "Sources": { "raw": "s3://a/" } } }""");
        var settings = SettingsLoader.Load(file, Environment(), [], SettingsLoader.Sections);
        Assert.Equal([$"--settings: unknown setting 'Worker:Sources:raw' in '{file}'; Worker's settings are Sources, FirehoseStream, Collect, IntervalSeconds, StatusSeconds, StopGraceSeconds, BatchMaxObjects, BatchMaxMegabytes, BufferingSeconds, QueueLimit, HealthFile, JsonLogs."], settings.Errors);
    }

    [Fact]
    public async Task FormerNames_AreRefusedWithTheSettingTheyAreNow()
    {
        var file = _temp.Sub("old.json");
        await File.WriteAllTextAsync(file, """{ "athena_database": "ops" }""");
        // ANALYTICS_HOME was never ours: left alone.
        var context = Some.Context(Environment(("ANALYTICS_ENGINE", "athena"), ("ANALYTICS_Worker__Lake", "/lake"), ("ANALYTICS_Worker__IntervalSeconds", "30"), ("ANALYTICS_HOME", "/opt/analytics")));

        var (code, _, err) = await Some.ProgramAsync((c, i) => QueryCommands.InvokeAsync(["run", "oom-kills", "--lake", _temp.Sub("lake"), "--settings", file, "-p", "from=2026-11-02", "-p", "to=2026-11-03"], c, i), context);
        Assert.Equal(QueryCommands.InvalidArguments, code);
        Assert.Equal(
        [
            $"--settings: unknown section 'athena_database' in '{file}' (the former name of Athena:Database: {{\"Athena\": {{\"Database\": …}}}}); the sections are Lake, Aws, Ingest, Worker, Collect, Alerts, Query, Athena.",
            "ANALYTICS_ENGINE is no longer read: set ANALYTICS__Query__Engine instead.",
            "ANALYTICS_Worker__IntervalSeconds is no longer read: set ANALYTICS__Worker__IntervalSeconds instead.",
            "ANALYTICS_Worker__Lake is no longer read: set ANALYTICS__Lake__Location instead.",
        ], Problems(err));
    }

    [Fact]
    public void Docs_EverySettingIsInTheSettingsTableAndTheReadme()
    {
        var docs = File.ReadAllText(Path.Combine(Some.RepoRoot, "docs", "settings.md"));
        Assert.Contains(SettingsTable.Markdown(), docs, StringComparison.Ordinal);
        var readme = File.ReadAllLines(Path.Combine(Some.RepoRoot, "README.md"));
        foreach (var type in SettingsLoader.Sections)
        {
            var section = SettingsLoader.SectionOf(type);
            var row = Assert.Single(readme, l => l.StartsWith($"| `{section}` |", StringComparison.Ordinal));
            foreach (var (property, setting) in SettingsLoader.SettingsOf(type))
                Assert.Contains($"`{property.Name}` `{setting.Option}`", row, StringComparison.Ordinal);
        }
    }
}
