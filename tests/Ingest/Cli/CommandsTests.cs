using System.Text.Json;
using Analytics.Ingest.Cli;

namespace Analytics.Tests.Ingest.Cli;

public class CommandsTests
{
    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        Some.ProgramAsync((c, i) => Commands.Build(c).Parse(args).InvokeAsync(i));

    [Fact]
    public async Task Ingest_InvalidOptions_ListsEveryErrorAndExits2()
    {
        var (code, _, err) = await RunAsync("ingest", "--lake", "x", "--batch-mb", "0", "--parallelism", "0", "/no/such/input");
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains("input '/no/such/input' does not exist.", err, StringComparison.Ordinal);
        Assert.Contains("--batch-mb 0 must be between 1 and 4096.", err, StringComparison.Ordinal);
        Assert.Contains("--parallelism 0 must be between 1 and 64.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_Corpus_Exits0WithSummaryAndJsonThatAddUp()
    {
        using var temp = Some.TempFolder();
        var (code, output, _) = await RunAsync("ingest", "--lake", temp.Sub("lake"), "--quiet", "--summary-json", temp.Sub("s.json"), Some.Corpus);
        Assert.Equal(Commands.Ok, code);
        Assert.Contains("check        every record is a row, a duplicate or quarantined", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.Sub("s.json")));
        var r = json.RootElement;
        Assert.Equal(r.GetProperty("records_read").GetInt64(),
            r.GetProperty("records_landed").GetInt64() + r.GetProperty("duplicates").GetInt64() + r.GetProperty("quarantined").GetInt64());
        Assert.True(r.GetProperty("quarantined").GetInt64() > 0);
    }

    [Fact]
    public async Task Ingest_CancelledWhileWriting_Exits130WithNothingPublishedNorLeftBehind()
    {
        using var temp = Some.TempFolder();
        new Analytics.Generator.EventGenerator(new Analytics.Generator.GeneratorOptions { Days = 4, TaskEventsPerDay = 15000, TruncatedRecords = 0, Seed = 5 }).WriteTo(temp.Sub("events"));
        // Two bad objects read first: one an earlier run already quarantined (its file must stay), one new.
        Directory.CreateDirectory(temp.Sub("events/0000"));
        await File.WriteAllTextAsync(temp.Sub("events/0000/earlier.json"), "{not json");
        await File.WriteAllTextAsync(temp.Sub("events/0000/new.json"), "{nor this");
        Assert.Equal(Commands.NothingLanded, (await RunAsync("ingest", "--lake", temp.Sub("lake"), "--quiet", temp.Sub("events/0000/earlier.json"))).Code);
        var earlier = Assert.Single(Directory.GetFiles(temp.Sub("lake/_quarantine"), "*.jsonl"));
        using var cts = new CancellationTokenSource();
        using var done = new CancellationTokenSource();
        // Cancelled as soon as the run has written a hidden file: mid-run, with files open and rows buffered.
        var watcher = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested && (!Directory.Exists(temp.Sub("lake"))
                   || Directory.GetFiles(temp.Sub("lake"), ".part-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Length == 0))
                await Task.Delay(5, CancellationToken.None);
            await cts.CancelAsync();
        });

        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.Build(c).Parse(["ingest", "--lake", temp.Sub("lake"), "--quiet", "--batch-mb", "2", temp.Sub("events")])
            .InvokeAsync(i, cts.Token).WaitAsync(TimeSpan.FromMinutes(2)));
        await done.CancelAsync();
        await watcher;

        Assert.Equal(Commands.Cancelled, code);
        Assert.Contains("Ingest cancelled: nothing of this run was published", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Sub("lake"), "*.parquet", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(temp.Sub("lake"), ".part-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
        // Nor anything else of the run: not the quarantine file it created, nor the folders it left empty; the
        // earlier run's quarantine file stays.
        Assert.Equal([earlier], Directory.GetFiles(temp.Sub("lake/_quarantine"), "*.jsonl"));
        Assert.DoesNotContain(Directory.GetDirectories(temp.Sub("lake")), d => !Path.GetFileName(d).StartsWith('_'));
    }

    [Fact]
    public async Task Ingest_NoInputObject_Exits0WithoutMakingALake()
    {
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("empty"));
        var (code, output, err) = await RunAsync("ingest", "--lake", temp.Sub("lake"), temp.Sub("empty"));
        Assert.Equal(Commands.Ok, code);
        Assert.Equal($"Nothing to ingest: no input object in {temp.Sub("empty")} (no lake was created or changed).\n", err);
        Assert.Empty(output);
        Assert.False(Directory.Exists(temp.Sub("lake")));
    }

    [Fact]
    public async Task Ingest_EveryRecordQuarantined_Exits3SayingNothingLanded()
    {
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("in"));
        await File.WriteAllTextAsync(temp.Sub("in/bad.json"), "{\"detail-type\": \"x\"}\n{broken");
        var (code, output, err) = await RunAsync("ingest", "--lake", temp.Sub("lake"), "--quiet", temp.Sub("in"));
        Assert.Equal(Commands.NothingLanded, code);
        Assert.Contains("quarantined  2", output, StringComparison.Ordinal);
        Assert.Contains("Nothing landed: all 2 records were quarantined", err, StringComparison.Ordinal);

        // One good record beside them: the run completed, exit 0.
        File.Copy(Directory.GetFiles(Path.Combine(Some.RepoRoot, "samples", "generated"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First(), temp.Sub("in/good"));
        (code, _, _) = await RunAsync("ingest", "--lake", temp.Sub("lake"), "--quiet", temp.Sub("in"));
        Assert.Equal(Commands.Ok, code);
    }

    [Fact]
    public async Task Ingest_AGarbageFolder_EveryItemListedIsCounted()
    {
        // Random bytes, broken JSON, a corrupt gzip stream (a fault of the object, not a record) and plain text.
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("in"));
        await File.WriteAllBytesAsync(temp.Sub("in/a.bin"), [0xA9, 0x01, 0x02, 0x03]);
        await File.WriteAllTextAsync(temp.Sub("in/b.json"), "{\"a\":1}{broken");
        await File.WriteAllBytesAsync(temp.Sub("in/c.gz"), [0x1f, 0x8b, 0x08, 0x67, 0x61, 0x72, 0x62]);
        await File.WriteAllTextAsync(temp.Sub("in/d.txt"), "hello world");

        var (_, output, _) = await RunAsync("ingest", "--lake", temp.Sub("lake"), temp.Sub("in"));

        var listed = output.Split('\n').Count(l => l.StartsWith("               - ", StringComparison.Ordinal));
        Assert.Contains("quarantined  4 (3 malformed, 1 unrecognized)", output, StringComparison.Ordinal);
        Assert.Contains("unreadable   1 object not read to the end", output, StringComparison.Ordinal);
        Assert.Equal(4 + 1, listed);
    }

    [Fact]
    public async Task Ingest_QuarantinedSourcesShownAsTyped()
    {
        using var temp = Some.TempFolder();
        var (code, output, _) = await RunAsync("ingest", "--lake", temp.Sub("lake"), "--quiet", Path.GetRelativePath(Environment.CurrentDirectory, Some.Corpus));
        Assert.Equal(Commands.Ok, code);
        var first = output.Split('\n').First(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal)).Trim()[2..];
        Assert.False(Path.IsPathFullyQualified(first), first);
        Assert.True(File.Exists(first[..first.IndexOf(": ", StringComparison.Ordinal)]), first);
    }

    private static Task<(int Code, string Out, string Err)> InvokeAsync(params string[] args) =>
        Some.ProgramAsync((c, i) => Commands.InvokeAsync(args, c, i));

    [Theory]
    [InlineData(new[] { "ingest", "--lake", "x", "--max-object-mb", "abc", "in" }, "Cannot start: --max-object-mb is 'abc': expected a whole number")]
    [InlineData(new[] { "ingest", "in" }, "Cannot start: --lake is required: the folder or s3://bucket/prefix/ the lake is written to.")]
    [InlineData(new[] { "ddl", "--location", "my-bucket/lake" }, "Cannot generate DDL: Location 'my-bucket/lake' must be an S3 URI: s3://bucket/prefix/.")]
    // An option the command does not have is not read as an input path.
    [InlineData(new[] { "ingest", "--lake", "x", "--bogus" }, "Cannot start: '--bogus' is not an option of this command (see --help); a file of that name is given as ./--bogus.")]
    public async Task CommandLine_Invalid_OneLineAndExit2(string[] args, string expected)
    {
        var (code, output, err) = await InvokeAsync(args);
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Equal(expected, err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.Empty(output);
        Assert.DoesNotContain("System.Int32", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesTheCommandsAsTheReadmeRunsThem()
    {
        foreach (var command in new[] { "ingest", "compact" })
        {
            var (_, output, _) = await InvokeAsync(command, "--help");
            Assert.Contains("Example: dotnet run --project ingest -- " + command, output, StringComparison.Ordinal);
            Assert.DoesNotContain("analytics-ingest", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ingest_LakeIsAFile_Exits2NamingTheProblem()
    {
        using var temp = Some.TempFolder();
        File.WriteAllText(temp.Sub("lake"), "");
        var (code, _, err) = await RunAsync("ingest", "--lake", temp.Sub("lake"), Some.Corpus);
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains("is a file; it must be a folder", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ddl_PrintsEveryTable()
    {
        var (code, output, _) = await RunAsync("ddl", "--location", "s3://bucket/lake/", "--database", "ops");
        Assert.Equal(Commands.Ok, code);
        Assert.StartsWith("CREATE DATABASE IF NOT EXISTS `ops`;", output, StringComparison.Ordinal);
        foreach (var table in Analytics.Schemas.TableCatalog.All)
            Assert.Contains($"CREATE EXTERNAL TABLE IF NOT EXISTS `ops`.`{table.Name}` (", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ddl_BadDatabaseName_Exits2()
    {
        var (code, _, err) = await RunAsync("ddl", "--location", "s3://bucket/lake/", "--database", "Ops-DB");
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains("must be lowercase", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_InvalidOptions_ListsEveryErrorAndExits2()
    {
        var (code, _, err) = await RunAsync("compact", "--lake", "/no/such/lake", "--target-mb", "0", "--table", "nope");
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains("--lake '/no/such/lake' does not exist.", err, StringComparison.Ordinal);
        Assert.Contains("--target-mb 0 must be between 1 and 4096.", err, StringComparison.Ordinal);
        Assert.Contains("--table 'nope' is not a table of the lake", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_TwoRuns_MergesTheirFilesAndSaysSo()
    {
        using var temp = Some.TempFolder();
        var hours = Directory.GetDirectories(Path.Combine(Some.RepoRoot, "samples", "generated", "2026", "11", "02")).Order(StringComparer.Ordinal).Take(2).ToList();
        foreach (var hour in hours) await Some.IngestAsync(temp.Sub("lake"), hour);
        var (code, output, _) = await RunAsync("compact", "--lake", temp.Sub("lake"), "--table", "ecs_task_events");
        Assert.Equal(Commands.Ok, code);
        Assert.Contains("merged       2 small files", output, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(temp.Sub("lake"), "ecs_task_events", "dt=2026-11-02"), "*.parquet"));
    }

    [Fact]
    public async Task IngestAndCompact_LakeInUse_Exit75NamingTheHolder_AndWaitIsValidated()
    {
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("lake"));
        await using (await LakeLock.AcquireAsync(new Analytics.Ingest.Lake.LakeLayout(temp.Sub("lake")), "ingest run R1", TimeSpan.Zero, TimeProvider.System))
        {
            var (code, _, err) = await RunAsync("ingest", "--lake", temp.Sub("lake"), "--quiet", Some.Corpus);
            Assert.Equal(Commands.Busy, code);
            Assert.Contains("Ingest did not start: the lake ", err, StringComparison.Ordinal);
            Assert.Contains(" is in use by ingest run R1 (process ", err, StringComparison.Ordinal);

            (code, _, err) = await RunAsync("compact", "--lake", temp.Sub("lake"), "--wait-for-lake", "1");
            Assert.Equal(Commands.Busy, code);
            Assert.Contains("is in use by ingest run R1", err, StringComparison.Ordinal);
            Assert.Contains("waiting up to 1 s", err, StringComparison.Ordinal);
            Assert.Contains("Compaction did not start: ", err, StringComparison.Ordinal);
            Assert.Contains("still after waiting 1 s", err, StringComparison.Ordinal);
        }
        Assert.Empty(Directory.GetFiles(temp.Sub("lake"), "*.parquet", SearchOption.AllDirectories));

        var (invalid, _, errors) = await RunAsync("ingest", "--lake", temp.Sub("lake"), "--wait-for-lake", "-1", Some.Corpus);
        Assert.Equal(Commands.InvalidOptions, invalid);
        Assert.Contains("--wait-for-lake -1 must be between 0 and 86400 seconds.", errors, StringComparison.Ordinal);
    }
}
