using Analytics.Ingest.Input;
using Analytics.Ingest.Run;
using Analytics.Ingest.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Ingest.Worker;

/// <summary>
/// Watches the sources and ingests each new object once: every interval it lists each source, takes the objects its
/// checkpoint does not know (late ones under an older hour included), ingests them in one run and then saves the
/// checkpoint. Told to stop (SIGTERM), it lets a run under way publish and checkpoint for up to
/// <see cref="WorkerOptions.StopGraceSeconds"/>, then exits. A status line goes out every
/// <see cref="WorkerOptions.StatusSeconds"/>.
/// </summary>
public sealed partial class IngestWorker(IOptions<WorkerOptions> options, ILogger<IngestWorker> logger, TimeProvider time) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;
    private long _objects;
    private long _landed;
    private long _duplicates;
    private long _quarantined;
    private DateTimeOffset? _checkpointed;
    private DateTimeOffset? _newest;

    /// <summary>Objects ingested since start.</summary>
    public long ObjectsIngested => Interlocked.Read(ref _objects);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lake = new LocalObjectStore(_options.Lake);
        Amazon.S3.AmazonS3Client? s3 = null;
        var s3Options = new IngestOptions { S3Endpoint = _options.S3Endpoint };
        var lastStatus = time.GetUtcNow();
        LogStarted(logger, _options.Lake, string.Join(", ", _options.Sources), _options.IntervalSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var source in _options.Sources)
                {
                    if (stoppingToken.IsCancellationRequested) break;
                    try
                    {
                        await PollAsync(lake, source, () => s3 ??= s3Options.S3Client(), stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
                    {
                        // The one switch: what may work at the next look (a source or the lake unreadable for now, the lake
                        // held by another writer, S3 failing) is logged and tried again then; anything else stops the host.
                        LogPollFailed(logger, source, ex.Message);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        // Stopped, and the run under way outlasted the grace period: nothing of it was published, and its
                        // objects are read again at the next start.
                        return;
                    }
                }
                if (time.GetUtcNow() - lastStatus >= TimeSpan.FromSeconds(_options.StatusSeconds))
                {
                    lastStatus = time.GetUtcNow();
                    LogStatus(logger, ObjectsIngested, Interlocked.Read(ref _landed), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _quarantined),
                        _newest is { } newest ? $"{(long)(time.GetUtcNow() - newest).TotalSeconds} s old" : "none yet", _checkpointed?.ToString("O") ?? "never");
                }
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(_options.IntervalSeconds), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        finally
        {
            s3?.Dispose();
            LogStopped(logger, ObjectsIngested, _checkpointed?.ToString("O") ?? "never");
        }
    }

    private async Task PollAsync(LocalObjectStore lake, string source, Func<Amazon.S3.IAmazonS3> s3, CancellationToken stoppingToken)
    {
        var listed = await InputObjects.ListAsync([source], _options.Lake, s3, stoppingToken).ConfigureAwait(false);
        var checkpoint = await SourceCheckpoint.LoadAsync(lake, source, stoppingToken).ConfigureAwait(false);
        var fresh = listed.Where(o => !checkpoint.Contains(o)).ToList();
        if (fresh.Count == 0) return;
        var newest = fresh.Max(o => o.Object.LastModified);
        if (_newest is null || newest > _newest) _newest = newest;

        // Once told to stop, a run under way still gets the grace period to publish and checkpoint.
        using var run = new CancellationTokenSource();
        await using var onStop = stoppingToken.Register(() => run.CancelAfter(TimeSpan.FromSeconds(_options.StopGraceSeconds)));
        var summary = await new IngestRunner(new IngestOptions
        {
            Lake = _options.Lake, Inputs = [source], Objects = fresh, BatchMegabytes = _options.BatchMegabytes, S3Endpoint = _options.S3Endpoint,
            WaitForLakeSeconds = _options.IntervalSeconds,
        }, time).RunAsync(run.Token).ConfigureAwait(false);
        await checkpoint.SaveAsync(fresh, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        _checkpointed = checkpoint.SavedAt;
        Interlocked.Add(ref _objects, fresh.Count);
        Interlocked.Add(ref _landed, summary.RecordsLanded);
        Interlocked.Add(ref _duplicates, summary.Duplicates);
        Interlocked.Add(ref _quarantined, summary.Quarantined);
        LogIngested(logger, fresh.Count, source, summary.RecordsLanded, summary.Duplicates, summary.Quarantined, checkpoint.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker started: lake {Lake}, sources {Sources}, every {IntervalSeconds} s")]
    private static partial void LogStarted(ILogger logger, string lake, string sources, int intervalSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {Objects} new objects of {Source}: {Landed} records landed, {Duplicates} duplicates, {Quarantined} quarantined; checkpoint holds {Known} objects")]
    private static partial void LogIngested(ILogger logger, int objects, string source, long landed, long duplicates, long quarantined, int known);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Source} failed, tried again at the next look: {Reason}")]
    private static partial void LogPollFailed(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status: {Objects} objects ingested since start, {Landed} records landed, {Duplicates} duplicates, {Quarantined} quarantined; newest object ingested: {Lag}; last checkpoint {Checkpoint}")]
    private static partial void LogStatus(ILogger logger, long objects, long landed, long duplicates, long quarantined, string lag, string checkpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker stopped: {Objects} objects ingested since start; last checkpoint {Checkpoint}")]
    private static partial void LogStopped(ILogger logger, long objects, string checkpoint);
}
