using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace Analytics.Ingest.Lake;

/// <summary>
/// The record ids already in the lake, per table and partition. The lake is its own index: a partition's
/// ids are read from the <c>record_id</c> column of its published files the first time the run touches it,
/// so a rerun, a restart after a crash, or a redelivery weeks later finds what is already there.
/// </summary>
/// <param name="layout">The lake.</param>
public sealed class DedupeIndex(LakeLayout layout)
{
    private readonly Dictionary<(string Table, string Dt), HashSet<string>> _seen = [];

    /// <summary>How many published files were read to build the index.</summary>
    public int FilesRead { get; private set; }

    /// <summary>Adds <paramref name="recordId"/>; false when the partition already holds it.</summary>
    public async ValueTask<bool> TryAddAsync(string table, string dt, string recordId, CancellationToken cancellationToken)
    {
        if (!_seen.TryGetValue((table, dt), out var ids))
        {
            ids = await LoadAsync(table, dt, cancellationToken).ConfigureAwait(false);
            _seen[(table, dt)] = ids;
        }
        return ids.Add(recordId);
    }

    private async Task<HashSet<string>> LoadAsync(string table, string dt, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in layout.PublishedFiles(table, dt))
        {
            await using var stream = File.OpenRead(file);
            foreach (var row in (await ParquetSerializer.DeserializeAsync<RecordIdOnly>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Data)
                ids.Add(row.RecordId);
            FilesRead++;
        }
        return ids;
    }

    private sealed class RecordIdOnly
    {
        [JsonPropertyName("record_id")] public string RecordId { get; set; } = "";
    }
}
