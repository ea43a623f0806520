using System.IO.Hashing;
using Analytics.Ingest.Storage;
using System.Text;
using Parquet;
using Parquet.Data;

namespace Analytics.Ingest.Lake.Dedupe;

/// <summary>
/// The record ids already in the lake, per table and partition. The lake is its own index: a partition's
/// ids are read from the <c>record_id</c> column of its files the first time the run touches it (published
/// files, read in place, only that column's chunks even on S3; and this run's own staged file), so a rerun, a restart after a crash, or a redelivery weeks later
/// finds what is already there. Ids are held as 128-bit hashes, and partitions not touched lately are
/// forgotten once more than <c>maxIds</c> are held, so memory follows the partitions in use, not the run's
/// size; a forgotten partition is read again if touched again.
/// </summary>
/// <param name="layout">The lake.</param>
/// <param name="runId">This run: its hidden files hold the rows it has flushed but not yet published.</param>
/// <param name="maxIds">Ids held before the least recently used partitions are forgotten.</param>
internal sealed class DedupeIndex(LakeLayout layout, string runId, long maxIds)
{
    private readonly Dictionary<(string Table, string Dt), Partition> _partitions = [];
    private long _held;
    private long _clock;

    /// <summary>How many files were read to build the index.</summary>
    public int FilesRead { get; private set; }

    /// <summary>How many times a partition was forgotten to stay under the limit.</summary>
    public int PartitionsForgotten { get; private set; }

    /// <summary>Ids held now.</summary>
    public long IdsHeld => _held;

    /// <summary>Adds <paramref name="recordId"/>; false when the partition already holds it.</summary>
    public async ValueTask<bool> TryAddAsync(string table, string dt, string recordId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recordId);
        if (!_partitions.TryGetValue((table, dt), out var partition))
        {
            partition = new Partition(await LoadAsync(table, dt, cancellationToken).ConfigureAwait(false));
            _partitions[(table, dt)] = partition;
            _held += partition.Ids.Count;
        }
        partition.LastUsed = ++_clock;
        if (!partition.Ids.Add(Hash(recordId))) return false;
        _held++;
        return true;
    }

    /// <summary>
    /// Forgets the least recently used partitions, never those in <paramref name="keep"/>, until at most
    /// <c>maxIds</c> ids are held. Only call it when every row added for a forgettable partition is in a file
    /// (published, or this run's hidden file with no write to it in progress), and close the run's file of every
    /// partition returned before the index may read it again. Returns the partitions forgotten.
    /// </summary>
    public IReadOnlyList<(string Table, string Dt)> Trim(IReadOnlySet<(string Table, string Dt)> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var forgotten = new List<(string Table, string Dt)>();
        if (_held <= maxIds) return forgotten;
        foreach (var (key, partition) in _partitions.Where(p => !keep.Contains(p.Key)).OrderBy(p => p.Value.LastUsed).ToList())
        {
            if (_held <= maxIds) break;
            _partitions.Remove(key);
            _held -= partition.Ids.Count;
            PartitionsForgotten++;
            forgotten.Add(key);
        }
        return forgotten;
    }

    // 128 bits: two different record ids of a run collide with a probability far below any disk error.
    private static UInt128 Hash(ReadOnlySpan<char> recordId)
    {
        Span<byte> utf8 = recordId.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(256)] : new byte[Encoding.UTF8.GetByteCount(recordId)];
        return XxHash128.HashToUInt128(utf8[..Encoding.UTF8.GetBytes(recordId, utf8)]);
    }

    // The record_id column only, one row group at a time: memory follows a row group, not the partition.
    private async Task<HashSet128> LoadAsync(string table, string dt, CancellationToken cancellationToken)
    {
        var ids = new HashSet128();
        var published = await PublishedAsync(table, dt, cancellationToken).ConfigureAwait(false);
        var staged = layout.RunTempFiles(table, dt, runId).Where(File.Exists).ToList();
        foreach (var (file, open) in published.Select(o => (layout.Store.NameOf(o.Key), (Func<Task<Stream>>)(() => layout.Store.OpenRandomAccessAsync(o.Key, o.Size, cancellationToken))))
                     .Concat(staged.Select(f => (f, (Func<Task<Stream>>)(() => Task.FromResult<Stream>(File.OpenRead(f)))))))
        {
            await using var stream = await open().ConfigureAwait(false);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Path.ToList() is [Analytics.Schemas.LakeRow.RecordIdColumn])
                ?? throw new InvalidDataException($"'{file}' has no {Analytics.Schemas.LakeRow.RecordIdColumn} column: it is not a file of this lake.");
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                using var column = (RawColumnData<ReadOnlyMemory<char>>)await group.ReadRawColumnDataBaseAsync(field, cancellationToken).ConfigureAwait(false);
                foreach (var id in column.Values) ids.Add(Hash(id.Span));
            }
            FilesRead++;
        }
        return ids;
    }

    // On S3 a table's published files are listed once, the first time the run touches the table (a LIST per table, not
    // a round trip per partition in the writer's path); no other writer publishes while this run holds the lake.
    // A local lake's partition folder is listed when the partition is touched.
    private readonly Dictionary<string, ILookup<string, StoredObject>> _tables = new(StringComparer.Ordinal);

    private async Task<List<StoredObject>> PublishedAsync(string table, string dt, CancellationToken cancellationToken)
    {
        if (layout.IsLocal) return await layout.PublishedFilesAsync(table, dt, cancellationToken).ConfigureAwait(false);
        if (!_tables.TryGetValue(table, out var files))
        {
            var listed = await layout.PublishedFilesAsync(table, cancellationToken).ConfigureAwait(false);
            _tables[table] = files = listed.ToLookup(f => f.Dt, f => f.File, StringComparer.Ordinal);
        }
        return [.. files[dt]];
    }

    private sealed class Partition(HashSet128 ids)
    {
        public HashSet128 Ids { get; } = ids;
        public long LastUsed { get; set; }
    }

}
