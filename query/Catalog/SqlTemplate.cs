using System.Text;

namespace Analytics.Query.Catalog;

/// <summary>
/// A catalog query's SQL, cut into text and parameter markers. <c>:name</c> is a bound parameter: a
/// <c>?</c> in the SQL sent to either engine, its value bound natively by DuckDB or passed as an Athena
/// <c>ExecutionParameter</c>. <c>${name}</c> is written into the SQL text as a literal, for the places a
/// bound value cannot go (Athena binds only in WHERE); only validated timestamps, dates, integers and enum
/// words may be, never free text. Markers inside string literals, quoted identifiers and comments are text.
/// </summary>
internal sealed class SqlTemplate
{
    private SqlTemplate(IReadOnlyList<Segment> segments) => Segments = segments;

    /// <summary>The pieces in order.</summary>
    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>The parameter names the SQL uses.</summary>
    public IEnumerable<string> Names => Segments.Where(s => s.Marker != MarkerKind.None).Select(s => s.Text).Distinct(StringComparer.Ordinal);

    /// <summary>Cuts <paramref name="sql"/> into text and markers.</summary>
    /// <exception cref="FormatException">A string, quoted identifier or comment is not closed, or a <c>${</c> marker is malformed.</exception>
    public static SqlTemplate Parse(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var segments = new List<Segment>();
        var text = new StringBuilder();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (true)
                {
                    end = sql.IndexOf(c, end);
                    if (end < 0) throw new FormatException($"{(c == '\'' ? "string literal" : "quoted identifier")} opened at line {LineOf(sql, i)} is not closed");
                    if (end + 1 < sql.Length && sql[end + 1] == c) { end += 2; continue; }
                    break;
                }
                text.Append(sql, i, end + 1 - i);
                i = end + 1;
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                text.Append(sql, i, end - i);
                i = end;
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FormatException($"comment opened at line {LineOf(sql, i)} is not closed");
                text.Append(sql, i, end + 2 - i);
                i = end + 2;
            }
            else if (c == ':' && IsNameStart(At(sql, i + 1)) && At(sql, i - 1) != ':')
            {
                var end = i + 1;
                while (IsNamePart(At(sql, end))) end++;
                Flush(segments, text);
                segments.Add(new Segment(sql[(i + 1)..end], MarkerKind.Bound, LineOf(sql, i)));
                i = end;
            }
            else if (c == '$' && At(sql, i + 1) == '{')
            {
                var end = sql.IndexOf('}', i);
                var name = end < 0 ? "" : sql[(i + 2)..end];
                if (name.Length == 0 || !IsNameStart(name[0]) || !name.All(IsNamePart))
                    throw new FormatException($"malformed marker at line {LineOf(sql, i)}: expected ${{name}}");
                Flush(segments, text);
                segments.Add(new Segment(name, MarkerKind.Rendered, LineOf(sql, i)));
                i = end + 1;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        Flush(segments, text);
        return new SqlTemplate(segments);
    }

    private static void Flush(List<Segment> segments, StringBuilder text)
    {
        if (text.Length == 0) return;
        segments.Add(new Segment(text.ToString(), MarkerKind.None, 0));
        text.Clear();
    }

    private static char At(string s, int i) => i >= 0 && i < s.Length ? s[i] : '\0';
    private static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or '_';
    private static bool IsNamePart(char c) => IsNameStart(c) || c is >= '0' and <= '9';
    private static int LineOf(string s, int index) => 1 + s.AsSpan(0, index).Count('\n');

    /// <summary>What a segment is.</summary>
    public enum MarkerKind
    {
        /// <summary>SQL text, copied as is.</summary>
        None,
        /// <summary><c>:name</c>: a bound parameter.</summary>
        Bound,
        /// <summary><c>${name}</c>: a literal rendered from a validated value.</summary>
        Rendered,
    }

    /// <summary>A piece of the SQL.</summary>
    /// <param name="Text">The SQL text, or the parameter name of a marker.</param>
    /// <param name="Marker">What it is.</param>
    /// <param name="Line">The marker's line in the file (1-based); 0 for text.</param>
    public sealed record Segment(string Text, MarkerKind Marker, int Line);
}
