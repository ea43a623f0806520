using System.Globalization;
using System.Text;
using Analytics.Query.Engines;
using Apache.Arrow.Types;

namespace Analytics.Tests.Aws;

/// <summary>
/// What <see cref="FakeAthena"/> runs a query on: the local lake's DuckDB, given the SQL and ExecutionParameters Athena
/// received, answering in Athena's types and text. Shared by the tests and the benchmark.
/// </summary>
internal static class DuckDbAthena
{
    // Runs what Athena received on DuckDB: each ? (outside strings and comments) replaced by its literal, in order.
    public static (List<(string Name, string Type)> Columns, List<string?[]> Rows) Execute(DuckDbEngine duck, string sql, IReadOnlyList<string> parameters)
    {
        var bound = new StringBuilder();
        var next = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'')
            {
                var end = sql.IndexOf('\'', i + 1);
                bound.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                if (end < 0) end = sql.Length - 1;
                bound.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == '?') bound.Append(parameters[next++]);
            else bound.Append(c);
        }
        if (next != parameters.Count) throw new InvalidOperationException($"{parameters.Count} ExecutionParameters for {next} markers");
        var result = duck.RunSqlAsync(bound.ToString(), [], CancellationToken.None).GetAwaiter().GetResult();
        var columns = result.Schema.FieldsList.Select(f => (f.Name, AthenaType(f.DataType))).ToList();
        var rows = new List<string?[]>();
        foreach (var batch in result.ToListAsync(CancellationToken.None).GetAwaiter().GetResult())
            for (var r = 0; r < batch.Length; r++)
                rows.Add(Enumerable.Range(0, batch.ColumnCount).Select(c => AthenaText(Cells.Value(batch.Column(c), r))).ToArray());
        return (columns, rows);
    }

    private static string AthenaType(IArrowType type) => type switch
    {
        Int32Type => "integer",
        Int64Type => "bigint",
        DoubleType => "double",
        BooleanType => "boolean",
        TimestampType => "timestamp",
        Date32Type => "date",
        ListType => "array",
        _ => "varchar",
    };

    // Trino's text of a value in GetQueryResults.
    private static string? AthenaText(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        List<string?> items => "[" + string.Join(", ", items.Select(i => i ?? "null")) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
