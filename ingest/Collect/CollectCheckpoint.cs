using System.Text.Json;
using Analytics.Ingest.Storage;

namespace Analytics.Ingest.Collect;

/// <summary>
/// Where a source's collection stands, kept in the lake (<c>_checkpoints/collect-SOURCE.json</c>, written whole):
/// Health's newest <c>lastUpdatedTime</c> seen; each Support case's state (a hash of what DescribeCases said) and its
/// newest communication's time. Saved only after a pass's pages were all fetched and ingested.
/// </summary>
internal sealed class CollectCheckpoint
{
    private readonly IObjectStore _lake;
    private readonly string _key;
    private readonly Saved _saved;

    private CollectCheckpoint(IObjectStore lake, string key, Saved saved) => (_lake, _key, _saved) = (lake, key, saved);

    /// <summary>Health: the next pass asks for events updated at or after this; null before the first pass.</summary>
    public DateTimeOffset? HealthUpdatedSince
    {
        get => _saved.HealthUpdatedSince;
        set => _saved.HealthUpdatedSince = value;
    }

    /// <summary>When it was last saved; null before the first pass.</summary>
    public DateTimeOffset? SavedAt => _saved.SavedAt;

    /// <summary>The state a Support case had at the last pass; null when unknown.</summary>
    public string? SupportCaseState(string caseId) => _saved.Cases.TryGetValue(caseId, out var c) ? c.State : null;

    /// <summary>The time of the newest communication of a case already collected; null when none.</summary>
    public string? SupportLastCommunication(string caseId) => _saved.Cases.TryGetValue(caseId, out var c) ? c.LastCommunication : null;

    /// <summary>Records a case's state and newest communication.</summary>
    public void SetSupportCase(string caseId, string state, string? lastCommunication) => _saved.Cases[caseId] = new SupportCase(state, lastCommunication);

    /// <summary>The checkpoint of <paramref name="source"/>; empty when there is none yet.</summary>
    public static async Task<CollectCheckpoint> LoadAsync(IObjectStore lake, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        var key = $"{Analytics.Schemas.LakePaths.CheckpointFolder}/collect-{source}.json";
        try
        {
            await using var stream = await lake.OpenReadAsync(key, 0, cancellationToken).ConfigureAwait(false);
            return new CollectCheckpoint(lake, key, await JsonSerializer.DeserializeAsync<Saved>(stream, cancellationToken: cancellationToken).ConfigureAwait(false) ?? new Saved());
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new CollectCheckpoint(lake, key, new Saved());
        }
    }

    /// <summary>Saves it whole.</summary>
    public async Task SaveAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        _saved.SavedAt = now;
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(_saved));
        await _lake.WriteAsync(_key, body, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Saved
    {
        public DateTimeOffset? SavedAt { get; set; }
        public DateTimeOffset? HealthUpdatedSince { get; set; }
        public Dictionary<string, SupportCase> Cases { get; set; } = new(StringComparer.Ordinal);
    }

    private sealed record SupportCase(string State, string? LastCommunication);
}
