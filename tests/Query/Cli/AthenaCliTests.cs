using System.Globalization;
using System.Text;
using Analytics.Query.Cli;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Analytics.Tests.Aws;
using Apache.Arrow.Types;

namespace Analytics.Tests.Query.Cli;

/// <summary>
/// The commands with <c>--engine athena</c> against a local Athena endpoint, credentials from the environment. The
/// endpoint answers each query by running the SQL it received, with its ExecutionParameters put in place of the
/// markers as the literals they are, on DuckDB over the bundled sample lake, and serves the rows as Athena does
/// (every value a string, types in ResultSetMetadata, 1,000 rows a page, the header row first). So every output of
/// run, review and report must be the DuckDB engine's, byte for byte.
/// </summary>
public sealed class AthenaCliTests : IAsyncLifetime
{
    private const string AccessKey = S3Server.Key;
    private readonly TempFolder _temp = Some.TempFolder();
    private DuckDbEngine? _duck;
    private FakeAthena? _athena;

    private string Lake => _temp.Sub("lake");

    public async Task InitializeAsync()
    {
        await Some.IngestAsync(Lake, Path.Combine(Some.RepoRoot, "samples"));
        _duck = await DuckDbEngine.OpenAsync(Lake, CancellationToken.None);
        _athena = new FakeAthena { Execute = (sql, parameters) => DuckDbAthena.Execute(_duck, sql, parameters) };
    }

    public async Task DisposeAsync()
    {
        _athena?.Dispose();
        if (_duck is not null) await _duck.DisposeAsync();
        _temp.Dispose();
    }

    private string[] Athena => ["--engine", "athena", "--athena-endpoint", _athena!.Url.ToString(), "--region", "eu-west-1", "--database", "ops", "--reuse-minutes", "0"];

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        Some.ProgramAsync((c, i) => Commands.Build(c).Parse(args).InvokeAsync(i));

    [Fact]
    public async Task Run_EveryFormat_AthenaPrintsWhatDuckDbPrints()
    {
        string[][] queries =
        [
            ["incident-timeline", "-p", "from=2026-11-02T14:00:00Z", "-p", "to=2026-11-02T15:30:00Z", "-p", "service=payments"],
            ["deployment-outcomes", "-p", "from=2026-11-02", "-p", "to=2026-11-03"],
            ["support-cases", "-p", "from=2026-11-01", "-p", "to=2026-11-09"],
        ];
        foreach (var query in queries)
        {
            foreach (var format in Enum.GetValues<OutputFormat>())
            {
                var name = format.ToString().ToLowerInvariant();
                var duck = _temp.Sub($"{query[0]}-duckdb.{name}");
                var athena = _temp.Sub($"{query[0]}-athena.{name}");
                var (code, _, err) = await RunAsync(["run", .. query, "--lake", Lake, "-f", name, "-o", duck]);
                Assert.True(code == Commands.Ok, err);
                (code, _, err) = await RunAsync(["run", .. query, .. Athena, "-f", name, "-o", athena]);
                Assert.True(code == Commands.Ok, err);
                Assert.Equal(await File.ReadAllBytesAsync(duck), await File.ReadAllBytesAsync(athena));
                // The statistics line, with the price of the scan.
                Assert.Matches(@$"athena: {query[0]} \(q-\d+\): scanned 117\.74 MB, \$0\.000563; engine 1\.4 s, queued 0\.25 s; result reused: no", err);
            }
        }
        var rows = await File.ReadAllTextAsync(_temp.Sub("incident-timeline-athena.csv"));
        Assert.True(rows.Split("\r\n").Length > 20, "the timeline has rows");

        // Signed with the environment's credentials for the region given.
        var start = _athena!.Received.First(r => r.Operation == "StartQueryExecution");
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={AccessKey}/", start.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("/eu-west-1/athena/aws4_request", start.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal("ops", (string)start.Json["QueryExecutionContext"]!["Database"]!);
        Assert.Null(start.Json["ResultReuseConfiguration"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Review_OnAthena_RunsItsQueriesAtOnce_NeverMoreThanAllowed(int allowed)
    {
        // Each query runs 300 ms in Athena: the review's eleven, and the one that checks the service exists, start
        // together, at most `allowed` of them at a time.
        using var athena = new FakeAthena { Execute = (sql, parameters) => DuckDbAthena.Execute(_duck!, sql, parameters), QueryLatency = TimeSpan.FromMilliseconds(300) };
        var (code, output, err) = await RunAsync("review", "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z", "--service", "payments", "--engine", "athena",
            "--athena-endpoint", athena.Url.ToString(), "--region", "eu-west-1", "--database", "ops", "--reuse-minutes", "0", "--max-concurrent-queries", allowed.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(code == Commands.Ok, err);
        Assert.Contains("## Detection, mitigation and recovery", output, StringComparison.Ordinal);
        Assert.Equal(1 + 11, athena.Received.Count(r => r.Operation == "StartQueryExecution"));
        Assert.Equal(allowed, athena.MaxInFlight);
    }

    [Fact]
    public async Task ReviewAndReport_OnAthena_AreTheDuckDbOnes()
    {
        string[] review = ["review", "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z", "--service", "payments"];
        var (code, duck, err) = await RunAsync([.. review, "--lake", Lake]);
        Assert.True(code == Commands.Ok, err);
        (code, var athena, err) = await RunAsync([.. review, .. Athena]);
        Assert.True(code == Commands.Ok, err);
        Assert.Equal(duck, athena);
        Assert.Contains("Time to recover", athena, StringComparison.Ordinal);

        string[] report = ["report", "weekly", "--weeks", "2", "--until", "2026-11-08"];
        (code, _, err) = await RunAsync([.. report, "--lake", Lake, "-o", _temp.Sub("report-duckdb")]);
        Assert.True(code == Commands.Ok, err);
        (code, _, err) = await RunAsync([.. report, .. Athena, "-o", _temp.Sub("report-athena")]);
        Assert.True(code == Commands.Ok, err);
        foreach (var file in new[] { "weekly-report.md", "weekly-report.html" })
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_temp.Sub("report-duckdb"), file)), await File.ReadAllTextAsync(Path.Combine(_temp.Sub("report-athena"), file)));
    }

    [Fact]
    public async Task Dashboard_OnAthena_ShowsTheDuckDbNumbers_AndWhatEachQueryScanned()
    {
        string[] dashboard = ["dashboard", "--from", "2026-11-02T13:30:00Z", "--to", "2026-11-02T16:00:00Z"];
        var (code, _, err) = await RunAsync([.. dashboard, "--lake", Lake, "-o", _temp.Sub("duckdb.html")]);
        Assert.True(code == Commands.Ok, err);
        (code, _, err) = await RunAsync([.. dashboard, .. Athena, "-o", _temp.Sub("athena.html")]);
        Assert.True(code == Commands.Ok, err);
        var (duck, athena) = (await File.ReadAllTextAsync(_temp.Sub("duckdb.html")), await File.ReadAllTextAsync(_temp.Sub("athena.html")));

        // The same tiles and the same charts' data; only the sources differ, Athena's saying what each query scanned.
        static string Data(string page) => System.Text.RegularExpressions.Regex.Match(page, "<script type=\"application/json\" id=\"chart-data\">(.*?)</script>").Groups[1].Value;
        static string[] Tiles(string page) => [.. System.Text.RegularExpressions.Regex.Matches(page, "data-tile=\"[^\"]+\"><h3>[^<]*</h3><p class=\"value\" data-value=\"[^\"]*\">[^<]*").Select(m => m.Value)];
        Assert.NotEmpty(Data(duck));
        Assert.Equal(Data(duck), Data(athena));
        Assert.Equal(6, Tiles(duck).Length);
        Assert.Equal(Tiles(duck), Tiles(athena));
        Assert.DoesNotContain("Athena scanned", duck, StringComparison.Ordinal);
        Assert.Matches(@"from <code>cluster-state</code> · Athena scanned [0-9.]+ [KMG]?B \(\$[0-9.]+\), result reused: no</summary><code>dotnet run --project query -- run cluster-state -p from=2026-11-02T13:30:00Z -p to=2026-11-02T16:00:00Z</code>", athena);
        // The dashboard's nine queries.
        Assert.Equal(9, _athena!.Received.Count(r => r.Operation == "StartQueryExecution"));
    }

    [Fact]
    public async Task Run_ShowSql_PrintsTheSqlAndItsExecutionParametersAsJson()
    {
        var (code, _, err) = await RunAsync("run", "oom-kills", "-p", "from=2026-11-02T14:00:00Z", "-p", "to=2026-11-02T15:00:00Z", "-p", "service=it's", "--lake", Lake, "--show-sql");
        Assert.True(code == Commands.Ok, err);
        var query = Analytics.Query.Catalog.QueryCatalog.Default.Get("oom-kills");
        var rendered = query.Render(Analytics.Query.Catalog.ParameterParser.Parse(query, [new("from", "2026-11-02T14:00:00Z"), new("to", "2026-11-02T15:00:00Z"), new("service", "it's")]));
        // The SQL with its markers, then the values as Athena literals: timestamps typed, quotes doubled, JSON unescaped.
        Assert.StartsWith(rendered.Sql.TrimEnd() + "\n-- ExecutionParameters: [", err, StringComparison.Ordinal);
        Assert.Contains("\"TIMESTAMP '2026-11-02 14:00:00.000'\"", err, StringComparison.Ordinal);
        Assert.Contains("\"'it''s'\"", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Estimate_PrintsTheScanAndPriceWithoutRunning()
    {
        var before = _athena!.Received.Count;
        var (code, output, err) = await RunAsync(["run", "incident-timeline", "-p", "from=2026-11-02T14:00:00Z", "-p", "to=2026-11-02T15:30:00Z", .. Athena, "--lake", Lake, "--estimate"]);
        Assert.True(code == Commands.Ok, err);
        Assert.Matches(@"^Estimate for incident-timeline on Athena \(not run\): [0-9.]+ [KM]?B scanned of [0-9.]+ [KM]?B in the tables it reads \([0-9.]+%\), \$0\.000048 at \$5/TB", output);
        Assert.Contains("  ecs_task_events: ", output, StringComparison.Ordinal);
        Assert.Equal(before, _athena.Received.Count);

        (code, _, err) = await RunAsync(["run", "incident-timeline", "-p", "from=2026-11-02T14:00:00Z", "-p", "to=2026-11-02T15:30:00Z", .. Athena, "--estimate"]);
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("--estimate reads the lake's Parquet footers: give --lake DIR", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AthenaSettingsInvalid_ListsEveryProblemAndExits2()
    {
        var (code, _, err) = await RunAsync("run", "oom-kills", "--engine", "athena", "--database", "Ops-DB", "--output-location", "my-bucket/results",
            "--athena-endpoint", "not a url", "--reuse-minutes", "20000", "--price-per-tb", "free", "--region", "Europe", "-p", "from=2026-11-02", "-p", "to=2026-11-03");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Equal(
        [
            "--price-per-tb is 'free': expected a number",
            "--region is 'Europe': expected a region name such as us-east-1",
            "--athena-endpoint 'not a url' must be an http(s) URL.",
            "--database is 'Ops-DB': expected a Glue database name of lowercase letters, digits and _",
            "--output-location is 'my-bucket/results': expected s3://bucket/prefix/",
            "--reuse-minutes is '20000': expected 0 (no reuse) to 10080 (7 days)",
        ], err.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        (code, _, err) = await RunAsync("run", "oom-kills", "--engine", "presto");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("--engine is 'presto': expected duckdb or athena", err, StringComparison.Ordinal);
        (code, _, err) = await RunAsync("run", "oom-kills", "-p", "from=2026-11-02", "-p", "to=2026-11-03");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("--lake is required with the duckdb engine", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SettingsFileAndEnvironment_CommandLineWinsThenEnvironmentThenFile()
    {
        var file = _temp.Sub("analytics.json");
        await File.WriteAllTextAsync(file, $$"""
            { "Query": { "Engine": "athena" }, "Athena": { "Database": "from_file", "Workgroup": "file-wg" },
              "Aws": { "AthenaEndpoint": "{{_athena!.Url}}", "Region": "eu-west-1" } }
            """);
        var environment = Some.Context(new Dictionary<string, string?> { ["ANALYTICS__Athena__Workgroup"] = "env-wg" });
        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.Build(c).Parse(["run", "oom-kills", "--settings", file, "--database", "from_cli", "-p", "from=2026-11-02", "-p", "to=2026-11-03"]).InvokeAsync(i), environment);
        Assert.True(code == Commands.Ok, err);
        var start = _athena.Received.Last(r => r.Operation == "StartQueryExecution").Json;
        Assert.Equal("from_cli", (string)start["QueryExecutionContext"]!["Database"]!);
        Assert.Equal("env-wg", (string)start["WorkGroup"]!);

        await File.WriteAllTextAsync(file, """{ "Query": { "Engine": "athena" }, "Athena": { "Databse": "typo" } }""");
        var (code2, _, err2) = await RunAsync("run", "oom-kills", "--settings", file, "--region", "eu-west-1", "-p", "from=2026-11-02", "-p", "to=2026-11-03");
        Assert.Equal(Commands.InvalidArguments, code2);
        Assert.Contains($"--settings: unknown setting 'Athena:Databse' in '{file}'; Athena's settings are Database, Workgroup,", err2, StringComparison.Ordinal);
    }
}
