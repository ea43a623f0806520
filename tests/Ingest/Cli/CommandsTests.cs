using System.Text.Json;
using Analytics.Ingest.Cli;

namespace Analytics.Tests.Ingest.Cli;

[Collection("Console")]
public class CommandsTests
{
    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        Some.ConsoleAsync(() => Commands.Build().Parse(args).InvokeAsync());

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
        new Analytics.Ingest.Sample.EventGenerator(new Analytics.Ingest.Sample.GeneratorOptions { Days = 4, TaskEventsPerDay = 15000, TruncatedRecords = 0, Seed = 5 }).WriteTo(temp.Sub("events"));
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

        var (code, _, err) = await Some.ConsoleAsync(() => Commands.Build().Parse(["ingest", "--lake", temp.Sub("lake"), "--quiet", "--batch-mb", "2", temp.Sub("events")])
            .InvokeAsync(cancellationToken: cts.Token).WaitAsync(TimeSpan.FromMinutes(2)));
        await done.CancelAsync();
        await watcher;

        Assert.Equal(Commands.Cancelled, code);
        Assert.Contains("Ingest cancelled: nothing of this run was published", err, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Sub("lake"), "*.parquet", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(temp.Sub("lake"), ".part-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
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
        using (await Analytics.Ingest.Lake.LakeLock.AcquireAsync(new Analytics.Ingest.Lake.LakeLayout(temp.Sub("lake")), "ingest run R1", TimeSpan.Zero, TimeProvider.System))
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
