using System.Reflection;
using Parquet.Schema;
using Parquet.Serialization;

namespace Analytics.Schemas;

/// <summary>
/// One table of the lake: its name, grain, row type and the Parquet schema derived from that type.
/// The row class is the single definition; the Parquet schema and the Athena DDL both come from it.
/// </summary>
public sealed class TableDefinition
{
    private TableDefinition(string name, string description, Type rowType, ParquetSchema schema,
        IReadOnlyDictionary<string, string> columnDescriptions)
    {
        Name = name;
        Description = description;
        RowType = rowType;
        ParquetSchema = schema;
        ColumnDescriptions = columnDescriptions;
    }

    /// <summary>The table's name, lowercase snake_case, also its folder in the lake.</summary>
    public string Name { get; }

    /// <summary>The table's grain: one row per what.</summary>
    public string Description { get; }

    /// <summary>The CLR row type that defines the table.</summary>
    public Type RowType { get; }

    /// <summary>The Parquet schema of the table's files (the partition column is not in it).</summary>
    public ParquetSchema ParquetSchema { get; }

    /// <summary>Each top-level column's one-line description, by column name.</summary>
    public IReadOnlyDictionary<string, string> ColumnDescriptions { get; }

    /// <summary>Builds the definition of <typeparamref name="TRow"/>'s table.</summary>
    /// <exception cref="InvalidOperationException">The type lacks <see cref="TableAttribute"/> or a column name is not lowercase snake_case.</exception>
    public static TableDefinition For<TRow>() where TRow : LakeRow => For(typeof(TRow));

    /// <inheritdoc cref="For{TRow}"/>
    public static TableDefinition For(Type rowType)
    {
        ArgumentNullException.ThrowIfNull(rowType);
        var table = rowType.GetCustomAttribute<TableAttribute>()
            ?? throw new InvalidOperationException($"{rowType.Name} has no [Table] attribute.");
        var schema = rowType.GetParquetSchema(false);
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in rowType.GetProperties())
        {
            var name = property.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>()?.Name;
            var column = property.GetCustomAttribute<ColumnAttribute>();
            if (name is not null && column is not null) descriptions[name] = column.Description;
        }
        foreach (var field in AllFields(schema.Fields))
        {
            if (!Naming.IsSnakeCase(field.Name))
                throw new InvalidOperationException(
                    $"Table {table.Name}: field '{field.Name}' is not lowercase snake_case ([a-z0-9_]); Athena reads mixed case as NULL.");
        }
        return new TableDefinition(table.Name, table.Description, rowType, schema, descriptions);
    }

    private static IEnumerable<Field> AllFields(IEnumerable<Field> fields)
    {
        foreach (var field in fields)
        {
            switch (field)
            {
                case ListField list:
                    yield return list;
                    foreach (var inner in AllFields(list.Item is StructField s ? s.Fields : [])) yield return inner;
                    break;
                case StructField structField:
                    yield return structField;
                    foreach (var inner in AllFields(structField.Fields)) yield return inner;
                    break;
                default:
                    yield return field;
                    break;
            }
        }
    }
}

/// <summary>Naming rules of the lake.</summary>
public static class Naming
{
    /// <summary>True when <paramref name="name"/> is lowercase snake_case: <c>[a-z][a-z0-9_]*</c>.</summary>
    public static bool IsSnakeCase(string name) =>
        name.Length > 0 && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
