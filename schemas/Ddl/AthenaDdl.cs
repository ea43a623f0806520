using System.Globalization;
using System.Text;
using Parquet.Schema;

namespace Analytics.Schemas.Ddl;

/// <summary>
/// Generates Athena <c>CREATE EXTERNAL TABLE</c> statements from table definitions, with partition
/// projection on <c>dt</c> so no partition ever needs adding.
/// </summary>
public static class AthenaDdl
{
    /// <summary>The earliest <c>dt</c> partition projection considers, unless told otherwise.</summary>
    public const string DefaultRangeStart = "2015-01-01";

    /// <summary>The DDL of one table.</summary>
    /// <param name="table">The table.</param>
    /// <param name="database">The Glue database, e.g. <c>analytics</c>.</param>
    /// <param name="location">The lake's root, e.g. <c>s3://bucket/lake/</c>; the table lives in <c>NAME/</c> below it.</param>
    /// <param name="rangeStart">The first <c>dt</c> partition projection covers (<c>yyyy-MM-dd</c>).</param>
    /// <exception cref="ArgumentException">An argument is empty or malformed.</exception>
    public static string CreateTable(TableDefinition table, string database, string location, string rangeStart = DefaultRangeStart)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (Problems(database, location, rangeStart) is [var first, ..]) throw new ArgumentException(first);

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"CREATE EXTERNAL TABLE IF NOT EXISTS `{database}`.`{table.Name}` (\n");
        var columns = Columns(table);
        for (var i = 0; i < columns.Count; i++)
        {
            var (name, type, description) = columns[i];
            sb.Append(CultureInfo.InvariantCulture, $"  `{name}` {type}");
            if (description is not null) sb.Append(CultureInfo.InvariantCulture, $" COMMENT '{Quote(description)}'");
            sb.Append(i < columns.Count - 1 ? ",\n" : "\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $")\nCOMMENT '{Quote(table.Description)}'\n");
        sb.Append(CultureInfo.InvariantCulture, $"PARTITIONED BY (`{Partitioning.Column}` string COMMENT 'UTC date of event_time, yyyy-MM-dd')\n");
        sb.Append("STORED AS PARQUET\n");
        sb.Append(CultureInfo.InvariantCulture, $"LOCATION '{TableLocation(table, location)}'\n");
        sb.Append("TBLPROPERTIES (\n");
        sb.Append(string.Join(",\n", TableProperties(table, location, rangeStart).Select(p => $"  '{p.Key}'='{p.Value}'")));
        sb.Append("\n);\n");
        return sb.ToString();
    }

    /// <summary>What is wrong with a database name, a lake location and a projection start, each said in one line; empty when all is well.</summary>
    public static List<string> Problems(string database, string location, string rangeStart = DefaultRangeStart)
    {
        var problems = new List<string>();
        if (!Naming.IsSnakeCase(database)) problems.Add($"Database name '{database}' must be lowercase [a-z0-9_].");
        if (string.IsNullOrWhiteSpace(location) || location.Contains('\'', StringComparison.Ordinal))
            problems.Add($"Location '{location}' must be a non-empty URI without quotes.");
        else if (!location.StartsWith("s3://", StringComparison.Ordinal) || location.Length <= "s3://".Length)
            problems.Add($"Location '{location}' must be an S3 URI: s3://bucket/prefix/.");
        if (!DateOnly.TryParseExact(rangeStart, Partitioning.Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            problems.Add($"Range start '{rangeStart}' must be a date yyyy-MM-dd.");
        return problems;
    }

    /// <summary>The table's columns in order: name, Athena type and description (partition column excluded).</summary>
    public static IReadOnlyList<(string Name, string Type, string? Description)> Columns(TableDefinition table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.ParquetSchema.Fields
            .Select(f => (f.Name, TypeOf(f), table.ColumnDescriptions.TryGetValue(f.Name, out var d) ? d : (string?)null))
            .ToList();
    }

    /// <summary>Where the table's files are: <c>LOCATION/NAME/</c>.</summary>
    public static string TableLocation(TableDefinition table, string location)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(location);
        return location.TrimEnd('/') + "/" + table.Name + "/";
    }

    /// <summary>The table's TBLPROPERTIES: partition projection on <c>dt</c> and the files' compression.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> TableProperties(TableDefinition table, string location, string rangeStart = DefaultRangeStart)
    {
        var tableLocation = TableLocation(table, location);
        return
        [
            new("projection.enabled", "true"),
            new("projection.dt.type", "date"),
            new("projection.dt.format", "yyyy-MM-dd"),
            new("projection.dt.range", $"{rangeStart},NOW"),
            new("projection.dt.interval", "1"),
            new("projection.dt.interval.unit", "DAYS"),
            new("storage.location.template", $"{tableLocation}dt=${{dt}}/"),
            new("parquet.compression", "ZSTD"),
        ];
    }

    /// <summary>The DDL of every table, separated by blank lines, preceded by the database's creation.</summary>
    /// <inheritdoc cref="CreateTable" path="/param"/>
    public static string CreateAll(IEnumerable<TableDefinition> tables, string database, string location, string rangeStart = DefaultRangeStart)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"CREATE DATABASE IF NOT EXISTS `{database}`;\n");
        foreach (var table in tables) sb.Append('\n').Append(CreateTable(table, database, location, rangeStart));
        return sb.ToString();
    }

    /// <summary>The Athena (Hive DDL) type of a Parquet field.</summary>
    /// <exception cref="NotSupportedException">The field's type has no mapping.</exception>
    public static string TypeOf(Field field) => field switch
    {
        ListField list => $"array<{TypeOf(list.Item)}>",
        MapField map => $"map<{TypeOf(map.Key)},{TypeOf(map.Value)}>",
        StructField s => "struct<" + string.Join(",", s.Fields.Select(f => $"{f.Name}:{TypeOf(f)}")) + ">",
        DateTimeDataField => "timestamp",
        DataField data => ScalarType(data),
        _ => throw new NotSupportedException($"Field '{field.Name}' of kind {field.SchemaType} has no Athena type."),
    };

    private static string ScalarType(DataField field)
    {
        var clr = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (clr == typeof(string) || clr == typeof(ReadOnlyMemory<char>)) return "string";
        if (clr == typeof(int)) return "int";
        if (clr == typeof(long)) return "bigint";
        if (clr == typeof(bool)) return "boolean";
        if (clr == typeof(double)) return "double";
        if (clr == typeof(DateTime)) return "timestamp";
        throw new NotSupportedException($"Field '{field.Name}' has CLR type {clr.Name}, which has no Athena mapping.");
    }

    // Hive DDL string literals escape a quote with a backslash.
    private static string Quote(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
}
