using Analytics.Ingest.Collect;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Ingest.Worker;

/// <summary>
/// Collects the worker's API sources (<see cref="WorkerOptions.Collect"/>) on a schedule of their own, Health every
/// <see cref="WorkerOptions.HealthIntervalSeconds"/>, Support every <see cref="WorkerOptions.SupportIntervalSeconds"/>, Trusted
/// Advisor every <see cref="WorkerOptions.TrustedAdvisorIntervalSeconds"/>:
/// each pass is the one <c>collect</c> makes, incremental from its checkpoint in the lake. A pass that fails is logged
/// and made again at its next time; told to stop, a pass under way gets the grace period, then stops (its stored pages
/// are ingested by the next pass).
/// </summary>
public sealed partial class CollectWorker(IOptions<WorkerOptions> options, ILogger<CollectWorker> logger, TimeProvider time) : BackgroundService
{
    private readonly WorkerOptions _options = options.Value;
    private DateTimeOffset? _lastSuccess;
    private string? _lastError;

    // A worker with no object source has no looks to report: its passes feed the health file instead.
    private bool WritesHealth => _options.HealthFile is not null && _options.Sources.Count == 0 && _options.FirehoseStream is null;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var due = _options.Collect.ToDictionary(s => s, _ => time.GetUtcNow(), StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var source in due.Where(d => d.Value <= time.GetUtcNow()).Select(d => d.Key).ToList())
            {
                if (stoppingToken.IsCancellationRequested) break;
                using var pass = new CancellationTokenSource();
                await using (stoppingToken.Register(() => pass.CancelAfter(TimeSpan.FromSeconds(_options.StopGraceSeconds))))
                {
                    try
                    {
                        var result = (await new Collector(new CollectOptions
                        {
                            Lake = _options.Lake, Sources = [source], HealthEndpoint = _options.HealthEndpoint, SupportEndpoint = _options.SupportEndpoint, StsEndpoint = _options.StsEndpoint,
                            Region = _options.Region, S3Endpoint = _options.S3Endpoint, StagingFolder = _options.StagingFolder, LeaseSeconds = _options.LeaseSeconds,
                            WaitForLakeSeconds = _options.IntervalSeconds,
                        }, time).RunAsync(pass.Token).ConfigureAwait(false)).Single();
                        if (result.Error is { } error) Failed(source, error);
                        else
                        {
                            _lastSuccess = time.GetUtcNow();
                            LogCollected(logger, source, result.Pages.Values.Sum(), result.Ingest?.RecordsLanded ?? 0, result.Ingest?.Duplicates ?? 0);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
                    {
                        Failed(source, ex.Message);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }
                }
                due[source] = time.GetUtcNow() + _options.CollectInterval(source);
                if (WritesHealth) await WorkerHealth.WriteAsync(_options.HealthFile!, new WorkerHealth(time.GetUtcNow(), _lastSuccess, _lastError, 0, _lastSuccess, 0)).ConfigureAwait(false);
            }
            var wait = due.Values.Min() - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }

    private void Failed(string source, string error)
    {
        _lastError = $"{time.GetUtcNow():O} {source}: {error}";
        LogFailed(logger, source, error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Collected {Source}: {Pages} pages, {Landed} records landed, {Duplicates} duplicates")]
    private static partial void LogCollected(ILogger logger, string source, int pages, long landed, long duplicates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collecting {Source} failed, tried again at its next time: {Reason}")]
    private static partial void LogFailed(ILogger logger, string source, string reason);
}
