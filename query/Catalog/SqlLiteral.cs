using System.Globalization;
using System.Text;

namespace Analytics.Query.Catalog;

/// <summary>Writes typed values as Trino SQL literals, the only way a value ever becomes SQL text.</summary>
internal static class SqlLiteral
{
    /// <summary>
    /// The literal for <paramref name="value"/>: <c>NULL</c>, <c>TIMESTAMP '…'</c> (UTC, milliseconds),
    /// <c>DATE '…'</c>, digits, a quoted string with every quote doubled, or <c>ARRAY['…', …]</c>.
    /// Trino strings have no backslash escapes, so doubling the quote is the whole of escaping.
    /// </summary>
    public static string Of(object? value) => value switch
    {
        null => "NULL",
        DateTime t => "TIMESTAMP '" + t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + "'",
        DateOnly d => "DATE '" + d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "'",
        long n => n.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        string s => Quote(s),
        string[] list => "ARRAY[" + string.Join(", ", list.Select(Quote)) + "]",
        _ => throw new ArgumentException($"No SQL literal for a {value.GetType().Name}.", nameof(value)),
    };

    private static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('\'');
        foreach (var c in s)
        {
            // NUL cannot travel in a Trino string; refuse rather than truncate.
            if (c == '\0') throw new ArgumentException("A string value contains a NUL character.", nameof(s));
            b.Append(c);
            if (c == '\'') b.Append('\'');
        }
        return b.Append('\'').ToString();
    }
}
