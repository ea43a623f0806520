using System.Text.Json;
using Analytics.Ingest.Storage;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Alerts;

/// <summary>
/// The worker's alerts: each run's rows go through the rules, each change is delivered to every sink, and only then is
/// the rules' state saved in the lake (<see cref="StateKey"/>, written whole like a checkpoint). So a redelivered event,
/// a rerun over the same objects or a restart sends nothing again; a crash between a delivery and the save can send a
/// change twice, never lose it. Runs of the ingest and the collectors call it one at a time.
/// </summary>
internal sealed class AlertService(AlertOptions options, IObjectStore lake, IReadOnlyList<IAlertSink> sinks, ILogger logger) : IDisposable
{
    /// <summary>Where the rules' state lives in the lake.</summary>
    public const string StateKey = "_alerts/state.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };
    private readonly SemaphoreSlim _gate = new(1);
    private AlertState? _state;

    /// <summary>Runs <paramref name="facts"/> (one run's rows, read or already in the lake) through the rules, delivers each change, saves the state; returns the changes.</summary>
    public async Task<IReadOnlyList<Alert>> ObserveAsync(IReadOnlyList<AlertFact> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Count == 0) return [];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _state ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
            var rules = new AlertRules(options, _state);
            var changes = facts.OrderBy(f => f.At).SelectMany(rules.Add).ToList();
            foreach (var alert in changes)
            {
                Log.AlertChanged(logger, alert.Change.ToString().ToLowerInvariant(), alert.Rule, alert.Severity, alert.Summary);
                foreach (var sink in sinks)
                {
                    try
                    {
                        await sink.SendAsync(alert, cancellationToken).ConfigureAwait(false);
                    }
                    catch (AlertDeliveryException ex)
                    {
                        Log.AlertNotDelivered(logger, alert.Id, alert.Change.ToString().ToLowerInvariant(), sink.Name, ex.Message);
                    }
                }
            }
            _state.Prune();
            using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(_state, Json));
            await lake.WriteAsync(StateKey, body, CancellationToken.None).ConfigureAwait(false);
            Log.AlertsSaved(logger, changes.Count, facts.Count, StateKey);
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AlertState> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await lake.OpenReadAsync(StateKey, 0, cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<AlertState>(stream, Json, cancellationToken).ConfigureAwait(false) ?? new AlertState();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new AlertState();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
