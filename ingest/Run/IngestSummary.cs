using System.Globalization;
using System.Text;

namespace Analytics.Ingest.Run;

/// <summary>What a run did. Every record read is exactly one of: new row, duplicate, quarantined.</summary>
internal sealed class IngestSummary
{
    /// <summary>The run's id, which names its files.</summary>
    public string RunId { get; init; } = "";
    /// <summary>Input objects read.</summary>
    public int ObjectsRead { get; set; }
    /// <summary>Bytes of raw JSON read, after decompression.</summary>
    public long BytesRead { get; set; }
    /// <summary>Records read (API responses count each item).</summary>
    public long RecordsRead { get; set; }
    /// <summary>Records that became a new row.</summary>
    public long RecordsLanded { get; set; }
    /// <summary>Records already in the lake or earlier in the run.</summary>
    public long Duplicates { get; set; }
    /// <summary>Records quarantined.</summary>
    public long Quarantined { get; set; }
    /// <summary>Objects not read to the end (a corrupt or truncated gzip, a whole document too large, gone or not ours to read): the fault is kept in the quarantine, not counted as a record; the records before it were read.</summary>
    public long ObjectsUnreadable { get; set; }
    /// <summary>Quarantined records by kind.</summary>
    public Dictionary<string, long> QuarantinedByKind { get; } = new(StringComparer.Ordinal);
    /// <summary>The first quarantined records, for the summary.</summary>
    public List<QuarantinedRecord> FirstQuarantined { get; } = [];
    /// <summary>New rows per table (derived rows included).</summary>
    public Dictionary<string, long> RowsPerTable { get; } = new(StringComparer.Ordinal);
    /// <summary>Data files published.</summary>
    public int FilesWritten { get; set; }
    /// <summary>Data files started because rows arrived older than the latest row of their partition's file (files are sorted by time).</summary>
    public int FilesStartedForLateRows { get; set; }
    /// <summary>Bytes of data files published.</summary>
    public long BytesWritten { get; set; }
    /// <summary>Wall-clock duration.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Lake files read to find duplicates (a partition forgotten by the index and touched again is read again).</summary>
    public int IndexFilesRead { get; set; }
    /// <summary>Peak working set of the process, bytes.</summary>
    public long PeakMemoryBytes { get; set; }

    /// <summary>CPU time the process had used when the run ended (every thread, user and system), for the benchmark.</summary>
    public TimeSpan ProcessCpu { get; set; }

    /// <summary>True when the counts add up: every record is a row, a duplicate or quarantined.</summary>
    public bool Balanced => RecordsRead == RecordsLanded + Duplicates + Quarantined;

    /// <summary>Records per second.</summary>
    public double RecordsPerSecond => RecordsRead / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Raw JSON megabytes (10^6) per second.</summary>
    public double MegabytesPerSecond => BytesRead / 1e6 / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>The inputs as given on the command line: sources are shown under them, as the user typed them.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Inputs { get; init; } = [];

    // A source under an input as that input was typed (samples/ → samples/corpus/…), else in full.
    private string Shown(string path)
    {
        foreach (var input in Inputs)
        {
            var root = Path.GetFullPath(input);
            if (path == root) return input;
            var relative = Path.GetRelativePath(root, path);
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathFullyQualified(relative)) return Path.Join(input, relative);
        }
        return path;
    }

    /// <summary>The summary a person reads at the end of a run.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Ingest run {RunId}");
        sb.AppendLine(c, $"  read         {ObjectsRead:N0} objects, {RecordsRead:N0} records, {BytesRead / 1e6:N1} MB of JSON");
        sb.AppendLine(c, $"  landed       {RecordsLanded:N0} records");
        sb.AppendLine(c, $"  duplicates   {Duplicates:N0} skipped (already in the lake or earlier in this run)");
        var kinds = string.Join(", ", QuarantinedByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => string.Create(c, $"{k.Value:N0} {k.Key}")));
        sb.AppendLine(c, $"  quarantined  {Quarantined:N0}{(Quarantined > 0 ? $" ({kinds})" : "")}");
        if (ObjectsUnreadable > 0)
            sb.AppendLine(c, $"  unreadable   {ObjectsUnreadable:N0} object{(ObjectsUnreadable == 1 ? "" : "s")} not read to the end (a broken stream, a document too large, no access; the records before the fault were read, and the fault is in the quarantine)");
        foreach (var q in FirstQuarantined) sb.AppendLine(c, $"               - {Shown(q.SourceObject)}: {q.Position}: {q.Reason}");
        if (Quarantined + ObjectsUnreadable > FirstQuarantined.Count) sb.AppendLine(c, $"               … all of them are in the lake's _quarantine/ folder");
        if (QuarantinedByKind.TryGetValue("unexpected", out var unexpected) && unexpected > 0)
            sb.AppendLine(c, $"               ! {unexpected:N0} met a fault of ours (kind 'unexpected'): please report it with one of them");
        sb.AppendLine("  rows per table");
        foreach (var (table, rows) in RowsPerTable.OrderBy(k => k.Key, StringComparer.Ordinal)) sb.AppendLine(c, $"    {table,-32} {rows,12:N0}");
        sb.AppendLine(c, $"  written      {FilesWritten:N0} files, {BytesWritten / 1e6:N1} MB");
        if (FilesStartedForLateRows > 0)
            sb.AppendLine(c, $"               {FilesStartedForLateRows:N0} of them for rows that came later than their partition's file had reached (each file is sorted by time; `compact` merges them)");
        sb.AppendLine(c, $"  took         {Elapsed.TotalSeconds:N1} s: {RecordsPerSecond:N0} records/s, {MegabytesPerSecond:N1} MB/s, peak memory {PeakMemoryBytes / 1e6:N0} MB");
        sb.AppendLine(Balanced ? "  check        every record is a row, a duplicate or quarantined" : "  check        COUNTS DO NOT ADD UP (a bug: please report it)");
        return sb.ToString();
    }
}
