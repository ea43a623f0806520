using Analytics.Schemas;
using Parquet;

namespace Analytics.Ingest.Lake.Writing;

/// <summary>The rows of one table waiting to be written, grouped by partition.</summary>
internal abstract class TableBuffer
{
    /// <summary>The table.</summary>
    public required TableDefinition Table { get; init; }

    /// <summary>Creates the buffer for <paramref name="table"/>'s row type.</summary>
    public static TableBuffer For(TableDefinition table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var type = typeof(TableBuffer<>).MakeGenericType(table.RowType);
        var buffer = (TableBuffer)Activator.CreateInstance(type)!;
        return buffer.WithTable(table);
    }

    private protected abstract TableBuffer WithTable(TableDefinition table);

    /// <summary>Adds a row to its partition.</summary>
    public abstract void Add(string dt, LakeRow row);

    /// <summary>
    /// Sorts the partition's waiting rows and moves those at or before <paramref name="writeThrough"/> to a new buffer
    /// of the same table, in that order; the newer rows wait for a later write (<see cref="DateTime.MaxValue"/> moves
    /// them all). When those are fewer than a quarter of the rows, none move, unless <paramref name="force"/>, when the
    /// oldest quarter (rounded up) moves. Returns the new buffer and the share of the partition's rows it took.
    /// </summary>
    public abstract (TableBuffer Detached, double Share) DetachUpTo(string dt, DateTime writeThrough, bool force);

    /// <summary>The earliest and latest event time of the partition's rows in a buffer from <see cref="DetachUpTo"/> (sorted); null when it has none.</summary>
    public abstract (DateTime Earliest, DateTime Latest)? TimeRange(string dt);

    /// <summary>Opens a writer of this table's files on <paramref name="stream"/> (appending when it holds a file).</summary>
    public abstract Task<ParquetWriter> OpenWriterAsync(Stream stream, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the partition's rows of a buffer from <see cref="DetachUpTo"/> (sorted by event time) as one row group
    /// through <paramref name="writer"/> and forgets them. Returns how many rows were written.
    /// </summary>
    public abstract Task<int> FlushAsync(string dt, ParquetWriter writer, CancellationToken cancellationToken);

    /// <summary>Writes the partition's waiting rows, sorted by event time, as one row group to <paramref name="stream"/> (a new file when it is empty) and closes the file.</summary>
    public async Task<int> FlushAsync(string dt, Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = await OpenWriterAsync(stream, cancellationToken).ConfigureAwait(false);
        return await DetachUpTo(dt, DateTime.MaxValue, force: true).Detached.FlushAsync(dt, writer, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A <see cref="TableBuffer"/> of rows of type <typeparamref name="TRow"/>.</summary>
internal sealed class TableBuffer<TRow> : TableBuffer where TRow : LakeRow
{
    private readonly Dictionary<string, List<TRow>> _partitions = new(StringComparer.Ordinal);

    // By time, so engines can skip row groups by their min/max statistics; record_id makes the order deterministic.
    private static readonly Comparison<TRow> ByTime = static (a, b) =>
    {
        var byTime = a.EventTime.CompareTo(b.EventTime);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.RecordId, b.RecordId);
    };

    private protected override TableBuffer WithTable(TableDefinition table) => new TableBuffer<TRow> { Table = table };

    /// <inheritdoc/>
    public override (TableBuffer Detached, double Share) DetachUpTo(string dt, DateTime writeThrough, bool force)
    {
        var detached = new TableBuffer<TRow> { Table = Table };
        if (!_partitions.TryGetValue(dt, out var rows) || rows.Count == 0) return (detached, 0);
        rows.Sort(ByTime);
        // The first row after writeThrough.
        var (low, high) = (0, rows.Count);
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (rows[middle].EventTime <= writeThrough) low = middle + 1;
            else high = middle;
        }
        var quarter = (rows.Count + 3) / 4;
        if (low < quarter)
        {
            if (!force) return (detached, 0);
            low = quarter;
        }
        if (low == rows.Count)
        {
            _partitions.Remove(dt);
            detached._partitions[dt] = rows;
            return (detached, 1);
        }
        detached._partitions[dt] = rows.GetRange(0, low);
        rows.RemoveRange(0, low);
        return (detached, (double)low / (low + rows.Count));
    }

    /// <inheritdoc/>
    public override (DateTime Earliest, DateTime Latest)? TimeRange(string dt) =>
        _partitions.TryGetValue(dt, out var rows) && rows.Count > 0 ? (rows[0].EventTime, rows[^1].EventTime) : null;

    /// <inheritdoc/>
    public override void Add(string dt, LakeRow row)
    {
        if (!_partitions.TryGetValue(dt, out var rows)) _partitions[dt] = rows = [];
        rows.Add((TRow)row);
    }

    /// <inheritdoc/>
    public override Task<ParquetWriter> OpenWriterAsync(Stream stream, CancellationToken cancellationToken) =>
        ColumnarRowWriter<TRow>.OpenAsync(stream, cancellationToken);

    /// <inheritdoc/>
    public override async Task<int> FlushAsync(string dt, ParquetWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!_partitions.Remove(dt, out var rows) || rows.Count == 0) return 0;
        await ColumnarRowWriter<TRow>.WriteRowGroupAsync(writer, rows, cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }
}
