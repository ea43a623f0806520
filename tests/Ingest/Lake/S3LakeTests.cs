using System.Diagnostics;
using Amazon.S3.Model;
using Analytics.Ingest.Cli;
using Analytics.Ingest.Lake;
using Analytics.Ingest.Run;
using Analytics.Generator;
using Analytics.Ingest.Storage;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Ingest.Lake;

/// <summary>
/// A lake on S3: s3rver on 127.0.0.1 behind <see cref="ConditionalS3Proxy"/> (s3rver does not enforce conditional
/// writes; the layer does, as S3 documents them). Ingest and compact write the same rows as to a folder; a run killed
/// mid-way and run again, and again, leaves exactly one row per event; the lease refuses a second writer, names its
/// holder, frees itself when its holder dies, and is lost by a holder that another writer took it over from.
/// </summary>
public sealed class S3LakeTests : IClassFixture<S3Server>, IDisposable
{
    private readonly S3Server _s3;
    private readonly ConditionalBucket _bucket;
    private readonly ConditionalS3Proxy _proxy;
    private readonly TempFolder _temp = Some.TempFolder();
    private readonly Analytics.Common.Aws.AwsClients _aws;

    public S3LakeTests(S3Server s3)
    {
        _s3 = s3;
        _bucket = new ConditionalBucket(s3, "lake");
        _proxy = _bucket.Proxy;
        _aws = new(new Analytics.Common.Settings.AwsSettings { S3Endpoint = _proxy.Url.ToString(), Region = "us-east-1" },
            new Amazon.Runtime.BasicAWSCredentials(S3Server.Key, S3Server.Key), TimeProvider.System);
    }

    public void Dispose()
    {
        _aws.Dispose();
        _bucket.Dispose();
        _temp.Dispose();
    }

    private string Lake => $"s3://{_bucket.Name}/ops/";

    private IngestOptions Options(string input, int waitSeconds = 0) => new()
    {
        Lake = new() { Location = Lake, StagingFolder = _temp.Sub("staging"), LeaseSeconds = 5, WaitSeconds = waitSeconds },
        Settings = new() { BatchMegabytes = 2 }, Inputs = [input], S3 = () => _aws.StoreS3,
    };

    private LakeLayout Layout() => LakeLayout.Open(Lake, () => _aws.StoreS3, _temp.Sub("staging"));

    /// <summary>The keys under the lake that start with <paramref name="prefix"/>, relative to the lake.</summary>
    private async Task<List<string>> KeysAsync(string prefix = "") => [.. (await _bucket.KeysAsync("ops/" + prefix)).Select(k => prefix + k)];

    /// <summary>The lake's objects copied to a folder, for DuckDB to read as a reader of the bucket would.</summary>
    private Task<string> CopyAsync(string name) => _bucket.CopyAsync("ops/", _temp.Sub(name));

    private GeneratorManifest Generate(int days, int seed, int taskEventsPerDay = 3000) =>
        new EventGenerator(new GeneratorOptions { Days = days, TaskEventsPerDay = taskEventsPerDay, TruncatedRecords = 1, Seed = seed }).WriteTo(_temp.Sub("events"));

    // Six writers take the lease at once; each gets its lock or null when it was refused.
    private static Task<ILakeLock?[]> SixWritersAsync(LakeLayout layout) => Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
    {
        try
        {
            return (ILakeLock?)await LakeLock.AcquireAsync(layout, $"ingest run R{i}", TimeSpan.Zero, TimeProvider.System, lease: TimeSpan.FromSeconds(30));
        }
        catch (LakeBusyException)
        {
            return null;
        }
    })));

    [Fact]
    public async Task ConditionalLayer_EnforcesWhatS3rverAloneDoesNot()
    {
        var direct = new S3ObjectStore(_s3.Client, _bucket.Name, "direct/");
        Assert.True(await direct.CreateIfAbsentAsync("k", "a"u8.ToArray(), CancellationToken.None));
        // s3rver stores a second If-None-Match: * write: the reason for the layer.
        Assert.True(await direct.CreateIfAbsentAsync("k", "b"u8.ToArray(), CancellationToken.None));

        var layered = (S3ObjectStore)Layout().Store;
        var etag = await layered.PutIfAsync("k", "a"u8.ToArray(), ifMatch: null, CancellationToken.None);
        Assert.NotNull(etag);
        Assert.Null(await layered.PutIfAsync("k", "b"u8.ToArray(), ifMatch: null, CancellationToken.None));
        Assert.Null(await layered.PutIfAsync("k", "b"u8.ToArray(), ifMatch: "\"0123\"", CancellationToken.None));
        Assert.Null(await layered.PutIfAsync("missing", "b"u8.ToArray(), ifMatch: etag, CancellationToken.None));
        var renewed = await layered.PutIfAsync("k", "c"u8.ToArray(), ifMatch: etag, CancellationToken.None);
        Assert.NotNull(renewed);
        Assert.False(await layered.DeleteIfMatchAsync("k", etag!, CancellationToken.None));
        Assert.True(await layered.DeleteIfMatchAsync("k", renewed!, CancellationToken.None));
        Assert.Equal(4, _proxy.Refused);
    }

    [Fact]
    public async Task Ingest_ToAnS3Lake_LandsWhatAFolderLands_AndARerunAddsNothing()
    {
        var manifest = Generate(days: 2, seed: 3);
        var first = await new IngestRunner(Options(_temp.Sub("events")), TimeProvider.System).RunAsync(CancellationToken.None);
        Assert.Equal(manifest.RecordsWritten - manifest.Duplicates - manifest.Truncated, first.RecordsLanded);
        Some.AssertRowsAsExpected(await CopyAsync("copy"), manifest);
        // The truncated record's quarantine file is an object of the lake; nothing is left staged, and no lease stays.
        var keys = await KeysAsync();
        Assert.Single(keys, k => k.StartsWith("_quarantine/", StringComparison.Ordinal));
        Assert.DoesNotContain("_lake.lease", keys);
        Assert.Empty(Directory.GetFiles(_temp.Sub("staging"), "*", SearchOption.AllDirectories));

        var again = await new IngestRunner(Options(_temp.Sub("events")), TimeProvider.System).RunAsync(CancellationToken.None);
        Assert.Equal(0, again.RecordsLanded);
        Assert.Equal(first.RecordsRead - first.Quarantined, again.Duplicates);
        Assert.Equal(keys, await KeysAsync());
    }

    [Fact]
    public async Task Ingest_ThroughAFrontFailingAboutOneRequestInSeven_SucceedsOnItsFirstRunWithExactlyTheGeneratorsRows()
    {
        // Input and lake on S3, behind a front that answers 15% of the requests as S3 does under strain: 503 SlowDown,
        // 500 InternalError after a write was applied, a GET whose body stops halfway (fixed seed).
        var manifest = Generate(days: 2, seed: 13);
        await _bucket.UploadAsync(_temp.Sub("events"), "raw/", Directory.GetFiles(_temp.Sub("events"), "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('_')));
        _proxy.InjectFaults(0.15, seed: 21);

        var first = await new IngestRunner(Options($"s3://{_bucket.Name}/raw/"), TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(manifest.RecordsWritten - manifest.Duplicates - manifest.Truncated, first.RecordsLanded);
        Assert.All(["SlowDown", "InternalErrorAfterWrite", "CutBody"], kind => Assert.True(_proxy.Injected.GetValueOrDefault(kind) > 0, $"{kind}: {string.Join(", ", _proxy.Injected)}"));
        Assert.DoesNotContain("_lake.lease", await KeysAsync());
        Some.AssertRowsAsExpected(await CopyAsync("copy"), manifest);
        var again = await new IngestRunner(Options($"s3://{_bucket.Name}/raw/"), TimeProvider.System).RunAsync(CancellationToken.None);
        Assert.Equal(0, again.RecordsLanded);
    }

    [Fact]
    public async Task Lease_WithFaults_OneHolder_ItsOwnRetriedWritesAreNotConflicts()
    {
        // A conditional write that S3 applied but answered with 500 is sent again and refused (412): the writer sees that
        // the object is exactly its own write and holds the lease, instead of reading a conflict.
        _proxy.InjectFaults(0.3, seed: 5);
        var layout = Layout();
        var attempts = await SixWritersAsync(layout);
        var holder = Assert.Single(attempts, a => a is not null)!;
        await holder.DisposeAsync();
        Assert.DoesNotContain("_lake.lease", await KeysAsync());
        // Its own write answered 500 and refused when sent again: still its own.
        var store = (S3ObjectStore)layout.Store;
        for (var i = 0; i < 20; i++)
        {
            var etag = await store.PutIfAsync($"own-{i}", System.Text.Encoding.UTF8.GetBytes($"mine {i}"), ifMatch: null, CancellationToken.None);
            Assert.NotNull(etag);
        }
        Assert.True(_proxy.Injected.GetValueOrDefault("InternalErrorAfterWrite") > 0, string.Join(", ", _proxy.Injected));
    }

    [Fact]
    public async Task KilledMidRun_RerunAndRerunAgain_ExactlyOneRowPerEvent_WhileTheLeaseRefusesASecondWriter()
    {
        // Multi-day input on s3rver itself: redeliveries, gzip and plain objects, a truncated record.
        var manifest = Generate(days: 4, seed: 5, taskEventsPerDay: 12000);
        await _bucket.UploadAsync(_temp.Sub("events"), "raw/", Directory.GetFiles(_temp.Sub("events"), "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('_')));
        var raw = $"s3://{_bucket.Name}/raw/";

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet,
            [Path.Combine(AppContext.BaseDirectory, "analytics-ingest.dll"), "ingest", "--quiet", "--batch-mb", "2", "--lake", Lake, "--s3-endpoint", _proxy.Url.ToString(),
             "--staging", _temp.Sub("staging"), "--lease-seconds", "5", raw])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["AWS_ACCESS_KEY_ID"] = S3Server.Key;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = S3Server.Key;
        using var child = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (!(await KeysAsync()).Contains("_lake.lease") && !child.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(1)) await Task.Delay(20);
        if (child.HasExited) Assert.Fail("the ingest finished before it could be killed: " + await child.StandardError.ReadToEndAsync());

        // A second writer is refused, and told who holds the lake.
        var busy = await Assert.ThrowsAsync<LakeBusyException>(() => LakeLock.AcquireAsync(Layout(), "ingest run second", TimeSpan.Zero, TimeProvider.System));
        Assert.Contains($"ingest run ", busy.Holder, StringComparison.Ordinal);
        Assert.Contains($"(process {child.Id} on ", busy.Holder, StringComparison.Ordinal);

        // Killed once it has staged part of its output (or begun publishing it).
        while (!child.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2)
               && !Directory.EnumerateFiles(_temp.Sub("staging"), "*.tmp", SearchOption.AllDirectories).Skip(8).Any()) await Task.Delay(20);
        Assert.False(child.HasExited, "the ingest finished before it could be killed");
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();

        // The dead holder's lease frees the lake once its time has passed: the rerun waits for it, then lands the rest.
        var rerun = await new IngestRunner(Options(raw, waitSeconds: 30), TimeProvider.System).RunAsync(CancellationToken.None);
        var again = await new IngestRunner(Options(raw), TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(0, again.RecordsLanded);
        Some.AssertRowsAsExpected(await CopyAsync("copy"), manifest);
        using var db = Some.DuckDb(_temp.Sub("copy"));
        Assert.Equal(0L, Some.Scalar<long>(db, "SELECT count(*) - count(DISTINCT record_id) FROM ecs_task_events"));
        Assert.True(rerun.RecordsRead > 0);
    }

    [Fact]
    public async Task Lease_TwoWritersAtOnce_ExactlyOneHoldsIt_AndAHolderTakenOverFromLosesIt()
    {
        var layout = Layout();
        var attempts = await SixWritersAsync(layout);
        var holder = Assert.Single(attempts, a => a is not null)!;
        Assert.False(holder.Lost.IsCancellationRequested);
        await holder.DisposeAsync();
        Assert.DoesNotContain("_lake.lease", await KeysAsync());

        // A holder that stalls past its time and is taken over finds out at its next renewal.
        var stalled = await LakeLock.AcquireAsync(layout, "ingest run slow", TimeSpan.Zero, TimeProvider.System, lease: TimeSpan.FromSeconds(6));
        var store = (S3ObjectStore)layout.Store;
        var (content, etag) = (await store.ReadWithETagAsync("_lake.lease", CancellationToken.None))!.Value;
        Assert.Contains("ingest run slow", System.Text.Encoding.UTF8.GetString(content), StringComparison.Ordinal);
        Assert.NotNull(await store.PutIfAsync("_lake.lease", """{"Holder":"ingest run fast","Since":"2026-12-01T00:00:00Z","Expires":"2099-01-01T00:00:00Z"}"""u8.ToArray(), etag, CancellationToken.None));
        var lost = new TaskCompletionSource();
        stalled.Lost.Register(lost.SetResult);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await stalled.DisposeAsync();
        // It does not delete the lease it lost.
        var busy = await Assert.ThrowsAsync<LakeBusyException>(() => LakeLock.AcquireAsync(layout, "compact run C1", TimeSpan.Zero, TimeProvider.System));
        Assert.StartsWith("ingest run fast (since 2026-12-01 00:00:00Z", busy.Holder, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_OnAnS3Lake_MergesSmallFilesRowsUnchanged_AndFinishesAMergeThatDied()
    {
        // Hour by hour: many small files per partition, as a worker's runs leave them.
        var manifest = Generate(days: 1, seed: 11);
        // An ingest per hour of Firehose objects, and one of the collector's pages.
        foreach (var hour in Directory.GetDirectories(Path.Combine(_temp.Sub("events"), "2026", "11", "02")).Order(StringComparer.Ordinal).Append(Path.Combine(_temp.Sub("events"), "collected")))
            await new IngestRunner(Options(hour), TimeProvider.System).RunAsync(CancellationToken.None);
        var before = (await KeysAsync("ecs_task_events/")).Count;
        Assert.True(before > 5, $"{before} files");

        var (code, output, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(
            ["compact", "--lake", Lake, "--s3-endpoint", _proxy.Url.ToString(), "--staging", _temp.Sub("staging"), "--quiet"], c, i));
        Assert.True(code == Commands.Ok, err);
        Assert.Contains("merged", output, StringComparison.Ordinal);
        var after = await KeysAsync("ecs_task_events/");
        Assert.All(after.GroupBy(k => k[..k.LastIndexOf('/')]), partition => Assert.Single(partition));
        Assert.True(after.Count < before, $"{after.Count} files of {before}");
        Assert.Empty(await KeysAsync("_compaction/"));
        var copy = await CopyAsync("copy");
        Some.AssertRowsAsExpected(copy, manifest);

        // A merge that died after publishing, before deleting its inputs: the next run deletes them (journal keys on S3).
        var store = Layout().Store;
        var merged = after[0];
        var duplicate = merged.Replace("part-", "part-again-", StringComparison.Ordinal);
        await using (var source = await store.OpenReadAsync(merged, 0, CancellationToken.None))
        using (var body = new MemoryStream())
        {
            await source.CopyToAsync(body);
            body.Position = 0;
            await store.WriteAsync(duplicate, body, CancellationToken.None);
        }
        using (var journal = new MemoryStream(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { Output = merged, Temp = _temp.Sub("staging/gone.tmp"), Inputs = new[] { duplicate } })))
            await store.WriteAsync("_compaction/dead.json", journal, CancellationToken.None);
        Assert.Equal(1, await new Compactor(Layout(), TimeProvider.System).RecoverAsync(CancellationToken.None));
        Assert.Equal(after, await KeysAsync("ecs_task_events/"));
        Assert.Empty(await KeysAsync("_compaction/"));
    }
}
