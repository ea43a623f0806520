using System.Globalization;
using System.Text;

namespace Analytics.Generator;

/// <summary>What a generator wrote: the truth a test or a benchmark checks the lake against.</summary>
public sealed class GeneratorManifest
{
    /// <summary>Rows each table must hold after ingesting everything once (distinct events, not truncated).</summary>
    public Dictionary<string, long> ExpectedRows { get; } = new(StringComparer.Ordinal);

    /// <summary>Records written, redeliveries and truncated ones included.</summary>
    public long RecordsWritten { get; set; }

    /// <summary>Records that repeat an earlier event (redeliveries and backup-region copies).</summary>
    public long Duplicates { get; set; }

    /// <summary>Records cut short.</summary>
    public long Truncated { get; set; }

    /// <summary>Objects written.</summary>
    public int Objects { get; set; }

    /// <summary>Objects written gzip-compressed.</summary>
    public int GzipObjects { get; set; }

    /// <summary>Objects written newline-delimited (the rest are concatenated without delimiter).</summary>
    public int NewlineDelimitedObjects { get; set; }

    /// <summary>Bytes of JSON written (before compression).</summary>
    public long JsonBytes { get; set; }

    /// <summary>Task ARNs whose versions were delivered out of order (a higher version before a lower one).</summary>
    public int OutOfOrderTasks { get; set; }

    /// <summary>For each task, the last status of its highest version: what a "latest state" query must return.</summary>
    public Dictionary<string, string> LatestTaskStatus { get; } = new(StringComparer.Ordinal);

    internal void Expect(string table, long rows = 1) => ExpectedRows[table] = ExpectedRows.GetValueOrDefault(table) + rows;

    /// <summary>A short report.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Wrote {Objects:N0} objects ({GzipObjects:N0} gzip, {NewlineDelimitedObjects:N0} newline-delimited, the rest concatenated), {JsonBytes / 1e6:N1} MB of JSON");
        sb.AppendLine(c, $"  {RecordsWritten:N0} records: {Duplicates:N0} redelivered copies, {Truncated:N0} truncated, {OutOfOrderTasks:N0} tasks with out-of-order versions");
        foreach (var (table, rows) in ExpectedRows.OrderBy(k => k.Key, StringComparer.Ordinal)) sb.AppendLine(c, $"  expect {table,-32} {rows,10:N0} rows");
        return sb.ToString();
    }
}
