using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.Query.Catalog;
using Analytics.Schemas;

namespace Analytics.Query.Engines;

/// <summary>What a query would read of one table.</summary>
/// <param name="Table">The table.</param>
/// <param name="Columns">The table's columns the query names.</param>
/// <param name="RowGroups">Row groups its bounds cannot skip.</param>
/// <param name="RowGroupsInTable">Row groups of the table.</param>
/// <param name="Bytes">Compressed bytes of the named columns' chunks in those row groups.</param>
/// <param name="TableBytes">Compressed bytes of the whole table.</param>
internal sealed record TableScan(string Table, IReadOnlyList<string> Columns, int RowGroups, int RowGroupsInTable, long Bytes, long TableBytes);

/// <summary>
/// What Athena would scan for a catalog query, without running it, from the lake's Parquet footers: for each table the
/// query reads, the column chunks of the columns it names, in the row groups that its <c>dt</c> and <c>event_time</c>
/// bounds cannot skip, priced as Athena bills a scan. The bounds are the catalog's contract: every query reads
/// <c>dt</c> from <c>from</c> less its <c>lookback_days</c> (when it has one) to <c>to</c>, and event times in
/// <c>[from − lookback, to)</c>; a row group is skipped when its <c>event_time</c> statistics fall outside. Athena reads
/// Parquet the same way (partition projection, then row-group statistics, then only the columns used), so this is
/// what it bills, give or take the footers it reads and the columns a query names but does not use.
/// </summary>
internal sealed partial record ScanEstimate(string Query, IReadOnlyList<TableScan> Tables, DateTime? From, DateTime? To, decimal PricePerTb)
{
    /// <summary>Bytes scanned.</summary>
    public long Bytes => Tables.Sum(t => t.Bytes);

    /// <summary>Bytes of the tables the query reads, whole.</summary>
    public long TableBytes => Tables.Sum(t => t.TableBytes);

    /// <summary>The price of the scan (10 MB minimum, whole MB).</summary>
    public decimal CostUsd => AthenaQueryStatistics.Cost(Bytes, PricePerTb);

    /// <summary>Estimates <paramref name="query"/> over the local lake <paramref name="engine"/> reads.</summary>
    public static async Task<ScanEstimate> OfAsync(DuckDbEngine engine, RenderedQuery query, decimal pricePerTb, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(query);
        var from = query.Bound.FirstOrDefault(b => b.Parameter.Name == "from")?.Value as DateTime?;
        var to = query.Bound.FirstOrDefault(b => b.Parameter.Name == "to")?.Value as DateTime?;
        // The names the SQL uses, comments and string literals left out.
        var code = CommentOrString().Replace(query.Sql, m => m.Value.StartsWith('\'') ? "''" : " ");
        var withStrings = CommentOrString().Replace(query.Sql, m => m.Value.StartsWith('\'') ? m.Value : " ");
        var identifiers = Identifier().Matches(code).Select(m => m.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var scans = new List<TableScan>();
        DateTime? earliest = from;
        foreach (var table in TableCatalog.All.Where(t => identifiers.Contains(t.Name)))
        {
            var columns = table.ParquetSchema.Fields.Select(f => f.Name).Where(identifiers.Contains).ToList();
            var (dtFrom, timeFrom) = Bounds(withStrings, table.Name, from);
            if (dtFrom < earliest) earliest = dtFrom;
            scans.Add(await ScanAsync(engine, table.Name, columns, dtFrom, timeFrom, to, cancellationToken).ConfigureAwait(false));
        }
        return new ScanEstimate(query.Name, scans, earliest, to, pricePerTb);
    }

    // Where each read of a table starts, as the catalog writes it: "FROM t WHERE dt BETWEEN <from, or date_add('day', -N,
    // from)> AND <to> AND event_time >= from …". A read with a look-back has no event_time lower bound (it wants the state
    // before the window), only the dt one; a read the pattern does not fit is taken as unbounded (the whole table).
    private static (DateTime? DtFrom, DateTime? TimeFrom) Bounds(string code, string table, DateTime? from)
    {
        if (from is null) return (null, null);
        DateTime? dtFrom = from, timeFrom = from;
        foreach (Match read in TableRead().Matches(code))
        {
            if (read.Groups["table"].Value != table) continue;
            if (!read.Groups["lower"].Success) return (null, null);
            if (LookBack().Match(read.Groups["lower"].Value) is { Success: true } back)
            {
                var start = from.Value.AddDays(-int.Parse(back.Groups[1].Value, CultureInfo.InvariantCulture));
                if (start < dtFrom) dtFrom = start;
                timeFrom = null;
            }
            else if (!read.Groups["time"].Success) timeFrom = null;
        }
        return (dtFrom, timeFrom < dtFrom ? dtFrom : timeFrom);
    }

    private static async Task<TableScan> ScanAsync(DuckDbEngine engine, string table, List<string> columns, DateTime? dtStart, DateTime? start, DateTime? to, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(engine.Lake, table);
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Any())
            return new TableScan(table, columns, 0, 0, 0, 0);
        var glob = Path.Combine(folder, "*", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        // One row per row group: its dt, its event_time range, its bytes in all and in the named columns.
        var sql = $"""
            SELECT regexp_extract(file_name, 'dt=([0-9]{"{4}"}-[0-9]{"{2}"}-[0-9]{"{2}"})', 1) AS dt, file_name, row_group_id,
                   max(CASE WHEN path_in_schema = 'event_time' THEN stats_min END) AS min_time,
                   max(CASE WHEN path_in_schema = 'event_time' THEN stats_max END) AS max_time,
                   sum(total_compressed_size) AS bytes,
                   sum(CASE WHEN list_contains(?, split_part(path_in_schema, ', ', 1)) THEN total_compressed_size ELSE 0 END) AS read_bytes
            FROM parquet_metadata('{glob}')
            GROUP BY ALL
            """;
        var result = await engine.RunSqlAsync(sql, [columns.ToArray()], cancellationToken).ConfigureAwait(false);
        int groups = 0, read = 0;
        long bytes = 0, readBytes = 0;
        var opened = new HashSet<string>(StringComparer.Ordinal);
        var dtFrom = dtStart is null ? null : dtStart.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var dtTo = to is null ? null : to.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var batch in await result.ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            for (var r = 0; r < batch.Length; r++)
            {
                var dt = (string?)Cells.Value(batch.Column(0), r);
                var file = (string)Cells.Value(batch.Column(1), r)!;
                var minTime = Instant((string?)Cells.Value(batch.Column(3), r));
                var maxTime = Instant((string?)Cells.Value(batch.Column(4), r));
                groups++;
                bytes += Convert.ToInt64(Cells.Value(batch.Column(5), r), CultureInfo.InvariantCulture);
                var pruned = (dtFrom is not null && string.CompareOrdinal(dt, dtFrom) < 0) || (dtTo is not null && string.CompareOrdinal(dt, dtTo) > 0);
                if (pruned) continue;
                // A file of a partition in range is opened: its footer is read even when every row group is skipped.
                if (opened.Add(file)) readBytes += FooterBytes(file);
                var skipped = (start is not null && maxTime is not null && maxTime < start) || (to is not null && minTime is not null && minTime >= to);
                if (skipped) continue;
                read++;
                readBytes += Convert.ToInt64(Cells.Value(batch.Column(6), r), CultureInfo.InvariantCulture);
            }
        }
        return new TableScan(table, columns, read, groups, readBytes, bytes);
    }

    // A Parquet file ends with its footer, the footer's length (4 bytes) and "PAR1".
    private static long FooterBytes(string file)
    {
        using var stream = File.OpenRead(file);
        if (stream.Length < 12) return stream.Length;
        stream.Seek(-8, SeekOrigin.End);
        Span<byte> tail = stackalloc byte[4];
        stream.ReadExactly(tail);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(tail) + 8L;
    }

    // DuckDB prints Parquet timestamp statistics as "2026-11-10 00:00:15.1+00".
    private static DateTime? Instant(string? text) =>
        text is null ? null
        : DateTime.TryParse(text.EndsWith("+00", StringComparison.Ordinal) ? text[..^3] : text, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    /// <summary>The estimate as a person reads it.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var share = TableBytes == 0 ? 0 : 100.0 * Bytes / TableBytes;
        text.Append(CultureInfo.InvariantCulture, $"Estimate for {Query} on Athena (not run): {AthenaQueryStatistics.Bytes(Bytes)} scanned of {AthenaQueryStatistics.Bytes(TableBytes)} in the tables it reads ({share:0.#}%), ${CostUsd:0.######} at ${PricePerTb:0.##}/TB (billed per query: whole MB, at least 10 MB)\n");
        if (From is not null || To is not null)
            text.Append(CultureInfo.InvariantCulture, $"  window read: {From:yyyy-MM-dd HH:mm} to {To:yyyy-MM-dd HH:mm} UTC (look-back included)\n");
        foreach (var t in Tables)
            text.Append(CultureInfo.InvariantCulture, $"  {t.Table}: {AthenaQueryStatistics.Bytes(t.Bytes)} in {t.RowGroups} of {t.RowGroupsInTable} row groups; columns {string.Join(", ", t.Columns)}\n");
        return text.ToString();
    }

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();

    // A read of a table and, when it follows the catalog's pattern, its dt lower bound and whether event_time has one.
    [GeneratedRegex(@"\b(?:FROM|JOIN)\s+(?<table>[a-z_]+)\b(?:(?:(?!\b(?:FROM|JOIN)\b).)*?\bWHERE\s+dt\s+BETWEEN\s+(?<lower>.*?)\s+AND\s+CAST\(CAST\(\?\s+AS\s+date\)\s+AS\s+varchar\)(?<time>\s+AND\s+event_time\s+>=)?)?", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TableRead();

    [GeneratedRegex(@"date_add\('day',\s*-(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex LookBack();
}
