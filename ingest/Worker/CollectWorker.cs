using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Collect;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Worker;

/// <summary>
/// Collects the worker's API sources (<see cref="WorkerSettings.Collect"/>) on a schedule of their own, Health every
/// <see cref="CollectSettings.HealthIntervalSeconds"/>, Support every <see cref="CollectSettings.SupportIntervalSeconds"/>, Trusted
/// Advisor every <see cref="CollectSettings.TrustedAdvisorIntervalSeconds"/>:
/// each pass is the one <c>collect</c> makes, incremental from its checkpoint in the lake. A pass that fails is logged
/// and made again at its next time; told to stop, a pass under way gets the grace period, then stops (its stored pages
/// are ingested by the next pass).
/// </summary>
/// <param name="options">What the worker collects, and its grace period.</param>
/// <param name="schedule">How often each source is collected.</param>
/// <param name="lake">The lake it writes.</param>
/// <param name="aws">The program's AWS clients.</param>
/// <param name="logger">Its log.</param>
/// <param name="time">The clock.</param>
/// <param name="alerts">The worker's alerts; null when none are configured.</param>
internal sealed class CollectWorker(WorkerSettings options, CollectSettings schedule, LakeSettings lake, AwsClients aws, ILogger<CollectWorker> logger, TimeProvider time,
    Alerts.AlertService? alerts = null) : BackgroundService
{
    private readonly WorkerSettings _options = options;
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
                        var result = (await new Collector(new CollectOptions { Sources = [source] }, lake.WithWait(_options.IntervalSeconds), aws, time) { Alerts = alerts }
                            .RunAsync(pass.Token).ConfigureAwait(false)).Single();
                        if (result.Error is { } error) Failed(source, error);
                        else
                        {
                            _lastSuccess = time.GetUtcNow();
                            Log.WorkerCollected(logger, source, result.Pages.Values.Sum(), result.Ingest?.RecordsLanded ?? 0, result.Ingest?.Duplicates ?? 0);
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
                due[source] = time.GetUtcNow() + schedule.Interval(source);
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
        Log.WorkerCollectFailed(logger, source, error);
    }
}
