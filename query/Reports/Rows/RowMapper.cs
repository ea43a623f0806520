using System.Reflection;
using System.Text;
using Apache.Arrow;

namespace Analytics.Query.Reports.Rows;

/// <summary>
/// Maps a catalog query's cells onto its row record: the record's constructor takes the query's columns in order, each
/// named as its column in PascalCase. A result whose columns differ, or a NULL where the row has a non-nullable value,
/// is an error naming the query and the column.
/// </summary>
internal static class RowMapper<T> where T : class
{
    private static readonly ConstructorInfo Constructor = typeof(T).GetConstructors().Single();

    /// <summary>The record's parameters: the columns it expects, in order.</summary>
    public static IReadOnlyList<ParameterInfo> Parameters { get; } = Constructor.GetParameters();

    /// <summary>The catalog query of <typeparamref name="T"/>.</summary>
    public static string Query { get; } = typeof(T).GetCustomAttribute<CatalogRowAttribute>()?.Query
        ?? throw new InvalidOperationException($"{typeof(T).Name} names no catalog query ([CatalogRow]).");

    /// <summary>The column a parameter reads: <c>FirstFailureAt</c> reads <c>first_failure_at</c>.</summary>
    public static string ColumnOf(ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        var name = new StringBuilder();
        foreach (var c in parameter.Name!)
        {
            if (char.IsUpper(c) && name.Length > 0) name.Append('_');
            name.Append(char.ToLowerInvariant(c));
        }
        return name.ToString();
    }

    /// <summary>Checks that <paramref name="schema"/> has exactly the row's columns, in order.</summary>
    /// <exception cref="InvalidDataException">It has not; names the query and both lists.</exception>
    public static void Check(Schema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var expected = Parameters.Select(ColumnOf).ToList();
        var answered = schema.FieldsList.Select(f => f.Name).ToList();
        if (!expected.SequenceEqual(answered, StringComparer.Ordinal))
            throw new InvalidDataException($"Query '{Query}' answered columns ({string.Join(", ", answered)}); its row {typeof(T).Name} expects ({string.Join(", ", expected)}).");
    }

    /// <summary>The row of <paramref name="cells"/> (one value per column, as <see cref="Engines.Cells.Value"/> reads them).</summary>
    public static T Map(object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var arguments = new object?[Parameters.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            var type = Parameters[i].ParameterType;
            if (cells[i] is null && type.IsValueType && Nullable.GetUnderlyingType(type) is null)
                throw new InvalidDataException($"Query '{Query}' answered NULL in column {ColumnOf(Parameters[i])}, which {typeof(T).Name} holds as a {type.Name}.");
            arguments[i] = cells[i];
        }
        return (T)Constructor.Invoke(arguments);
    }
}
