using System.Globalization;
using Analytics.Aws.Athena;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Analytics.Query.Engines;

/// <summary>
/// Turns Athena's result pages (every value a string, types in <c>ResultSetMetadata</c>) into the Arrow batches the
/// DuckDB engine produces for the same SQL, so every output format, the review and the report read both alike:
/// varchar/char to utf8; boolean; tinyint, smallint and integer to int32; bigint to int64; double, real, float and
/// decimal to double; date to date32; timestamp (and with time zone) to timestamp[ms, UTC]; arrays to list&lt;utf8&gt;
/// (Athena prints them <c>[a, b]</c>, so an element that itself holds ", " cannot be told apart); maps, rows, json
/// and anything else as their text.
/// </summary>
internal static class AthenaResults
{
    /// <summary>The Arrow schema of the result's columns.</summary>
    public static Schema SchemaOf(ResultSetMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var builder = new Schema.Builder();
        foreach (var column in metadata.ColumnInfo)
            builder.Field(f => f.Name(column.Name).DataType(TypeOf(column.Type)).Nullable(true));
        return builder.Build();
    }

    /// <summary>The Arrow type of an Athena result type name.</summary>
    public static IArrowType TypeOf(string athenaType)
    {
        ArgumentNullException.ThrowIfNull(athenaType);
        var type = athenaType.ToLowerInvariant();
        var paren = type.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? type : type[..paren];
        return name.Trim() switch
        {
            "boolean" => BooleanType.Default,
            "tinyint" or "smallint" or "integer" or "int" => Int32Type.Default,
            "bigint" => Int64Type.Default,
            "double" or "real" or "float" or "decimal" => DoubleType.Default,
            "date" => Date32Type.Default,
            "timestamp" or "timestamp with time zone" => new TimestampType(TimeUnit.Millisecond, "UTC"),
            "array" => new ListType(StringType.Default),
            _ when name.StartsWith("timestamp", StringComparison.Ordinal) => new TimestampType(TimeUnit.Millisecond, "UTC"),
            _ => StringType.Default,
        };
    }

    /// <summary>The CLR value of one Athena cell of a column of <paramref name="type"/>, as the DuckDB engine would give it.</summary>
    /// <exception cref="FormatException">The text is not a value of the type; names the type and the text.</exception>
    public static object? Value(IArrowType type, string? text)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (text is null) return null;
        try
        {
            return type switch
            {
                BooleanType => bool.Parse(text),
                Int32Type => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
                Int64Type => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
                DoubleType => Double(text),
                Date32Type => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                TimestampType => Timestamp(text),
                ListType => Items(text),
                _ => text,
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new FormatException($"Athena returned '{text}' for a column of type {type.Name}.", ex);
        }
    }

    private static double Double(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    // Trino prints "2026-11-02 14:00:00.000", with a zone after a space for timestamp with time zone ("… UTC").
    private static DateTime Timestamp(string text)
    {
        var value = text.Trim();
        var zone = value.LastIndexOf(' ');
        if (zone > 10 && !char.IsDigit(value[zone + 1]))
        {
            var offset = value[(zone + 1)..] is "UTC" or "Z" ? TimeSpan.Zero : TimeZoneInfo.FindSystemTimeZoneById(value[(zone + 1)..]).BaseUtcOffset;
            value = value[..zone];
            return DateTime.SpecifyKind(ParseLocal(value) - offset, DateTimeKind.Utc);
        }
        return ParseLocal(value);
    }

    // .NET reads at most 7 fraction digits; Trino may print up to 12 (timestamp(12)): the rest is below 100 ns.
    private static DateTime ParseLocal(string value)
    {
        var dot = value.LastIndexOf('.');
        if (dot > 0 && value.Length - dot - 1 > 7) value = value[..(dot + 8)];
        return DateTime.ParseExact(value, ["yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    private static List<string?> Items(string text)
    {
        var inner = text.Trim();
        if (inner.StartsWith('[') && inner.EndsWith(']')) inner = inner[1..^1];
        if (inner.Length == 0) return [];
        return inner.Split(", ").Select(item => item == "null" ? null : item).ToList();
    }

    /// <summary>One page's rows as a record batch (<paramref name="skip"/> rows left out at the start: the header row of the first page).</summary>
    public static RecordBatch Batch(Schema schema, IReadOnlyList<Row> rows, int skip)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(rows);
        var count = Math.Max(0, rows.Count - skip);
        var columns = new IArrowArray[schema.FieldsList.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            var type = schema.FieldsList[c].DataType;
            var index = c;
            columns[c] = ArrowBatches.Build(type, rows.Skip(skip).Select(r => Value(type, index < r.Data.Count ? r.Data[index].VarCharValue : null)));
        }
        return new RecordBatch(schema, columns, count);
    }
}
