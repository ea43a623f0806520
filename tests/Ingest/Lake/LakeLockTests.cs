using System.Diagnostics;
using Analytics.Ingest.Lake;
using Analytics.Ingest.Run;
using Analytics.Generator;

namespace Analytics.Tests.Ingest.Lake;

public class LakeLockTests
{
    private static Task<ILakeLock> AcquireAsync(string lake, string holder, double waitSeconds = 0, Microsoft.Extensions.Logging.ILogger? waiting = null) =>
        LakeLock.AcquireAsync(new LakeLayout(lake), holder, TimeSpan.FromSeconds(waitSeconds), TimeProvider.System, waiting);

    private static string[] DataAndHiddenFiles(string lake) =>
        Directory.GetFiles(lake, "*.parquet*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 });

    [Fact]
    public async Task SecondWriter_IsRefusedNamingTheHolder_UntilTheFirstReleases()
    {
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("lake"));

        await using (await AcquireAsync(temp.Sub("lake"), "ingest run R1"))
        {
            var busy = await Assert.ThrowsAsync<LakeBusyException>(() => AcquireAsync(temp.Sub("lake"), "compact run C1"));
            Assert.StartsWith($"ingest run R1 (process {Environment.ProcessId} on {Environment.MachineName}, since ", busy.Holder, StringComparison.Ordinal);
            Assert.Contains($"the lake {Path.GetFullPath(temp.Sub("lake"))} is in use by ingest run R1", busy.Message, StringComparison.Ordinal);
            Assert.Contains("--wait-for-lake", busy.Message, StringComparison.Ordinal);
        }

        await using var second = await AcquireAsync(temp.Sub("lake"), "compact run C1");
        Assert.StartsWith("compact run C1 ", File.ReadAllText(temp.Sub("lake/_lake.holder")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_TakesTheLakeWhenTheHolderFinishes_AndGivesUpAfterTheWait()
    {
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("lake"));
        var first = await AcquireAsync(temp.Sub("lake"), "ingest run R1");

        var log = new ListLogger();
        var stopwatch = Stopwatch.StartNew();
        var busy = await Assert.ThrowsAsync<LakeBusyException>(() => AcquireAsync(temp.Sub("lake"), "ingest run R2", waitSeconds: 1, log));
        var told = log.Lines;
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(1), $"gave up after {stopwatch.Elapsed}");
        Assert.Contains("still after waiting 1 s", busy.Message, StringComparison.Ordinal);
        Assert.Single(told);
        Assert.Contains("is in use by ingest run R1", told[0], StringComparison.Ordinal);

        var waiter = AcquireAsync(temp.Sub("lake"), "ingest run R3", waitSeconds: 60);
        await Task.Delay(300);
        Assert.False(waiter.IsCompleted);
        await first.DisposeAsync();
        await using var third = await waiter.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("ingest run R3 ", File.ReadAllText(temp.Sub("lake/_lake.holder")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledHolder_LeavesTheLakeFree()
    {
        using var temp = Some.TempFolder();
        new EventGenerator(new GeneratorOptions { Days = 4, TaskEventsPerDay = 15000, TruncatedRecords = 0, Seed = 5 }).WriteTo(temp.Sub("events"));
        // The ingest executable beside the tests, run by the dotnet host running them (set by the SDK for test runs).
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet,
            [Path.Combine(AppContext.BaseDirectory, "analytics-ingest.dll"), "ingest", "--quiet", "--batch-mb", "2", "--lake", temp.Sub("lake"), temp.Sub("events")])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var child = Process.Start(start)!;
        var holder = temp.Sub("lake/_lake.holder");
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(holder) && !child.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(1)) await Task.Delay(5);
        Assert.False(child.HasExited, "the ingest finished before it could be killed");

        var busy = await Assert.ThrowsAsync<LakeBusyException>(() => AcquireAsync(temp.Sub("lake"), "compact run C1"));
        Assert.Contains($"(process {child.Id} on ", busy.Holder, StringComparison.Ordinal);
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        // No stale lock: the operating system released it with the process, whatever its holder file still says.
        await using var taken = await AcquireAsync(temp.Sub("lake"), "compact run C1");
        Assert.StartsWith("compact run C1 ", File.ReadAllText(holder), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoIngestsAtOnce_LandEachEventOnce()
    {
        using var temp = Some.TempFolder();
        var manifest = new EventGenerator(new GeneratorOptions { Days = 2, TaskEventsPerDay = 6000, TruncatedRecords = 0, Seed = 9 }).WriteTo(temp.Sub("events"));
        IngestRunner Runner() => new(new IngestOptions { Lake = new() { Location = temp.Sub("lake"), WaitSeconds = 300 }, Inputs = [temp.Sub("events")] }, TimeProvider.System);

        // Without the lock each run built its dedupe index before the other published, and every row landed twice.
        var runs = await Task.WhenAll(Task.Run(() => Runner().RunAsync(CancellationToken.None)), Task.Run(() => Runner().RunAsync(CancellationToken.None)));

        Assert.Equal(manifest.RecordsWritten - manifest.Duplicates, runs.Sum(r => r.RecordsLanded));
        Assert.Contains(runs, r => r.RecordsLanded == 0);
        Some.AssertRowsAsExpected(temp.Sub("lake"), manifest);
    }

    [Fact]
    public async Task IngestAndCompact_WhileTheLakeIsHeld_AreRefusedAndTouchNothing()
    {
        using var temp = Some.TempFolder();
        // Two runs of different events: two small files per partition for compaction to merge.
        foreach (var seed in new[] { 3, 4 })
        {
            new EventGenerator(new GeneratorOptions { Days = 1, TaskEventsPerDay = 500, TruncatedRecords = 0, Seed = seed }).WriteTo(temp.Sub($"events{seed}"));
            await Some.IngestAsync(temp.Sub("lake"), temp.Sub($"events{seed}"));
        }
        var before = DataAndHiddenFiles(temp.Sub("lake")).Order().ToArray();

        await using (await AcquireAsync(temp.Sub("lake"), "compact run C0"))
        {
            var ingest = new IngestRunner(new IngestOptions { Lake = new() { Location = temp.Sub("lake") }, Inputs = [temp.Sub("events3")] }, TimeProvider.System);
            var refused = await Assert.ThrowsAsync<LakeBusyException>(() => ingest.RunAsync(CancellationToken.None));
            Assert.StartsWith("compact run C0 ", refused.Holder, StringComparison.Ordinal);
            await Assert.ThrowsAsync<LakeBusyException>(() => new Compactor(new LakeLayout(temp.Sub("lake")), TimeProvider.System).RunAsync([], 128L << 20, CancellationToken.None));
            Assert.Equal(before, DataAndHiddenFiles(temp.Sub("lake")).Order().ToArray());
        }

        var summary = await new Compactor(new LakeLayout(temp.Sub("lake")), TimeProvider.System).RunAsync([], 128L << 20, CancellationToken.None);
        Assert.True(summary.FilesMerged > 0);
    }
}
