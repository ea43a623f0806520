using System.Collections;
using System.Globalization;
using Apache.Arrow;

namespace Analytics.Query.Engines;

/// <summary>Reads values out of Arrow arrays as CLR values and as text.</summary>
internal static class Cells
{
    /// <summary>
    /// The value at <paramref name="index"/>: null, string, bool, int, long, double, <see cref="DateTime"/>
    /// (UTC), <see cref="DateOnly"/>, or a list of strings.
    /// </summary>
    public static object? Value(IArrowArray array, int index)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.IsNull(index)) return null;
        return array switch
        {
            StringArray s => s.GetString(index),
            BooleanArray b => b.GetValue(index),
            Int32Array i => i.GetValue(index),
            Int64Array l => l.GetValue(index),
            DoubleArray d => d.GetValue(index),
            TimestampArray t => t.GetTimestamp(index)!.Value.UtcDateTime,
            Date32Array d => DateOnly.FromDateTime(d.GetDateTime(index)!.Value),
            ListArray list => Items(list, index),
            _ => throw new NotSupportedException($"No reader for {array.GetType().Name}."),
        };
    }

    private static List<string?> Items(ListArray list, int index)
    {
        var values = (StringArray)list.Values;
        var start = list.ValueOffsets[index];
        var end = list.ValueOffsets[index + 1];
        var items = new List<string?>(end - start);
        for (var i = start; i < end; i++) items.Add(values.IsNull(i) ? null : values.GetString(i));
        return items;
    }

    /// <summary>The value as text: empty for null, ISO 8601 (UTC, milliseconds) for instants, invariant numbers, lists joined by ", ".</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => Text(t.UtcDateTime),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(i => i is null ? "null" : Text(i))),
        _ => value.ToString() ?? "",
    };

    /// <summary>The value as a person reads it in a table: instants without the T and Z, doubles rounded to 2 places.</summary>
    public static string Display(object? value) => value switch
    {
        DateTime t => t.ToString(t.Millisecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        double d => d.ToString("0.##", CultureInfo.InvariantCulture),
        _ => Text(value),
    };
}
