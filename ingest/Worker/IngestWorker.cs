using Analytics.Ingest.Input;
using Analytics.Ingest.Run;
using Analytics.Ingest.Storage;
using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Worker;

/// <summary>
/// Watches the sources and ingests each new object once: every interval it lists each source and queues the objects
/// its checkpoint does not know (late ones under an older hour included, at most <see cref="WorkerSettings.QueueLimit"/>
/// waiting). A run ingests queued objects, oldest key first, when they fill a batch (<see cref="WorkerSettings.BatchMaxObjects"/>
/// or <see cref="WorkerSettings.BatchMaxMegabytes"/>), when the oldest has waited <see cref="WorkerSettings.BufferingSeconds"/>,
/// or at the first look after start; then the checkpoint is saved. Told to stop (SIGTERM), it lets a run under way
/// publish and checkpoint for up to <see cref="WorkerSettings.StopGraceSeconds"/>, then exits; objects still queued stay
/// in their source for the next start. A status line goes out every <see cref="WorkerSettings.StatusSeconds"/>, and the
/// health file is rewritten after every look.
/// </summary>
/// <param name="options">What it watches and how often.</param>
/// <param name="lake">The lake it writes.</param>
/// <param name="ingest">How its runs read and write.</param>
/// <param name="aws">The program's AWS clients (S3 for sources and a lake on S3).</param>
/// <param name="logger">Its log.</param>
/// <param name="time">The clock.</param>
/// <param name="alerts">The worker's alerts, told what each run read; null when none are configured.</param>
internal sealed class IngestWorker(WorkerSettings options, LakeSettings lake, IngestSettings ingest, AwsClients aws, ILogger<IngestWorker> logger, TimeProvider time,
    Alerts.AlertService? alerts = null) : BackgroundService
{
    private readonly WorkerSettings _options = options;
    private readonly Dictionary<string, Dictionary<string, (InputObjectRef Object, DateTimeOffset Seen)>> _queued = [];
    private readonly HashSet<string> _looked = [];
    private long _objects;
    private long _landed;
    private long _duplicates;
    private long _quarantined;
    private DateTimeOffset? _checkpointed;
    private DateTimeOffset? _newest;
    private readonly SortedDictionary<string, long> _rows = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastSuccess;
    private string? _lastError;

    /// <summary>Objects ingested since start.</summary>
    public long ObjectsIngested => Interlocked.Read(ref _objects);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var store = Lake.LakeLayout.Open(lake.Location!, () => aws.StoreS3, lake.StagingFolder).Store;
        var lastStatus = time.GetUtcNow();
        Log.WorkerStarted(logger, lake.Location!, string.Join(", ", _options.Sources), _options.IntervalSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var failed = false;
                foreach (var source in _options.Sources)
                {
                    if (stoppingToken.IsCancellationRequested) break;
                    try
                    {
                        await PollAsync(store, source, stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
                    {
                        // The one switch: what may work at the next look (a source or the lake unreadable for now, the lake
                        // held by another writer, S3 failing) is logged and tried again then; anything else stops the host.
                        Log.PollFailed(logger, source, ex.Message);
                        _lastError = $"{time.GetUtcNow():O} {source}: {ex.Message}";
                        failed = true;
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        // Stopped, and the run under way outlasted the grace period: nothing of it was published, and its
                        // objects are read again at the next start.
                        return;
                    }
                }
                if (!failed) _lastSuccess = time.GetUtcNow();
                // Backed off while looks fail: the interval doubles with each failed look in a row, up to ten minutes.
                _failures = failed ? _failures + 1 : 0;
                await WriteHealthAsync().ConfigureAwait(false);
                if (time.GetUtcNow() - lastStatus >= TimeSpan.FromSeconds(_options.StatusSeconds))
                {
                    lastStatus = time.GetUtcNow();
                    Log.WorkerStatus(logger, ObjectsIngested, Interlocked.Read(ref _landed), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _quarantined),
                        _rows.Count == 0 ? "none" : string.Join(", ", _rows.Select(r => $"{r.Key} {r.Value}")), Queued, Lag(),
                        _newest is { } newest ? $"{(long)(time.GetUtcNow() - newest).TotalSeconds} s old" : "none yet", _checkpointed?.ToString("O") ?? "never");
                }
                try
                {
                    await Task.Delay(NextLook(_options.IntervalSeconds, _failures), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        finally
        {
            Log.WorkerStopped(logger, ObjectsIngested, Queued, _checkpointed?.ToString("O") ?? "never");
        }
    }

    private int Queued => _queued.Values.Sum(q => q.Count);

    // How far behind the sources the lake is: the age of the oldest new object not yet ingested (0 when none waits).
    private string Lag() => _queued.Values.SelectMany(q => q.Values).Select(q => q.Object.Object.LastModified).DefaultIfEmpty().Min() is var oldest && oldest != default
        ? $"{(long)Math.Max(0, (time.GetUtcNow() - oldest).TotalSeconds)} s"
        : "0 s";

    private int _failures;

    /// <summary>The wait before the next look: the interval, doubled for each look in a row that failed, at most ten minutes (never less than the interval).</summary>
    public static TimeSpan NextLook(int intervalSeconds, int failures) =>
        TimeSpan.FromSeconds(Math.Max(intervalSeconds, Math.Min(600, intervalSeconds * Math.Pow(2, Math.Min(failures, 20)))));

    private async Task WriteHealthAsync()
    {
        if (_options.HealthFile is not { } path) return;
        var health = new WorkerHealth(time.GetUtcNow(), _lastSuccess, _lastError, Queued, _checkpointed, ObjectsIngested);
        await WorkerHealth.WriteAsync(path, health).ConfigureAwait(false);
    }

    private async Task PollAsync(IObjectStore store, string source, CancellationToken stoppingToken)
    {
        var listed = await InputObjects.ListAsync([source], lake.Location, () => aws.StoreS3, stoppingToken).ConfigureAwait(false);
        var checkpoint = await SourceCheckpoint.LoadAsync(store, source, stoppingToken).ConfigureAwait(false);
        if (!_queued.TryGetValue(source, out var queue)) _queued[source] = queue = new(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        foreach (var fresh in listed.Where(o => !checkpoint.Contains(o)))
            if (queue.Count < _options.QueueLimit && !queue.ContainsKey(fresh.Name)) queue[fresh.Name] = (fresh, now);
        // The first look after start catches up at once (Serilog's eager first batch).
        var first = _looked.Add(source);
        while (queue.Count > 0 && !stoppingToken.IsCancellationRequested)
        {
            var full = queue.Count >= _options.BatchMaxObjects || queue.Values.Sum(q => q.Object.Object.Size) >= (long)_options.BatchMaxMegabytes << 20;
            var waited = now - queue.Values.Min(q => q.Seen) >= TimeSpan.FromSeconds(_options.BufferingSeconds);
            if (!full && !waited && !first) return;
            first = false;
            var batch = new List<InputObjectRef>();
            var bytes = 0L;
            foreach (var (_, (o, _)) in queue.OrderBy(q => q.Key, StringComparer.Ordinal))
            {
                if (batch.Count == _options.BatchMaxObjects || batch.Count > 0 && bytes + o.Object.Size > (long)_options.BatchMaxMegabytes << 20) break;
                batch.Add(o);
                bytes += o.Object.Size;
            }
            await IngestAsync(source, batch, checkpoint, listed, stoppingToken).ConfigureAwait(false);
            foreach (var o in batch) queue.Remove(o.Name);
        }
    }

    private async Task IngestAsync(string source, List<InputObjectRef> batch, SourceCheckpoint checkpoint, List<InputObjectRef> listed, CancellationToken stoppingToken)
    {
        var newest = batch.Max(o => o.Object.LastModified);
        if (_newest is null || newest > _newest) _newest = newest;
        // Once told to stop, a run under way still gets the grace period to publish and checkpoint.
        using var run = new CancellationTokenSource();
        await using var onStop = stoppingToken.Register(() => run.CancelAfter(TimeSpan.FromSeconds(_options.StopGraceSeconds)));
        // Another writer holding the lake is waited for up to an interval: the next look would try again anyway.
        var facts = new List<Alerts.AlertFact>();
        var options = new IngestOptions
        {
            Lake = lake.WithWait(_options.IntervalSeconds), Settings = ingest, Inputs = [source], Objects = batch, S3 = () => aws.StoreS3,
            Read = alerts is null ? null : Alerts.RowFacts.Into(facts),
        };
        var summary = await new IngestRunner(options, time).RunAsync(run.Token).ConfigureAwait(false);
        // The alerts of what the run published, before the checkpoint: a crash in between reads the batch again, and the
        // rules' saved state knows which of its rows were seen.
        if (alerts is not null) await alerts.ObserveAsync(facts, run.Token).ConfigureAwait(false);
        // Only what the run published is checkpointed; a crash in between reads the batch again, as duplicates.
        await checkpoint.SaveAsync(batch, listed, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        _checkpointed = checkpoint.SavedAt;
        Interlocked.Add(ref _objects, batch.Count);
        Interlocked.Add(ref _landed, summary.RecordsLanded);
        Interlocked.Add(ref _duplicates, summary.Duplicates);
        Interlocked.Add(ref _quarantined, summary.Quarantined);
        foreach (var (table, rows) in summary.RowsPerTable) _rows[table] = _rows.GetValueOrDefault(table) + rows;
        Log.Ingested(logger, batch.Count, source, summary.RecordsLanded, summary.Duplicates, summary.Quarantined, checkpoint.Count);
    }
}
