using System.Reflection;
using Analytics.Query.Catalog;
using Analytics.Query.Reports;
using Analytics.Query.Reports.Rows;
using Apache.Arrow.Types;

namespace Analytics.Tests.Query.Reports;

/// <summary>
/// Every typed row the reports read matches its catalog query: the query's columns are the row's, in order and of its
/// types, and every row of fourteen generated days maps (a count the row holds as non-nullable is never NULL).
/// </summary>
[Collection(nameof(QueryLake))]
public sealed class CatalogRowsTests(QueryLake lake)
{
    public static TheoryData<string> Rows() => [.. typeof(CatalogRowAttribute).Assembly.GetTypes().Where(t => t.GetCustomAttribute<CatalogRowAttribute>() is not null).Select(t => t.Name)];

    private static Type RowType(string name) => typeof(CatalogRowAttribute).Assembly.GetTypes().Single(t => t.Name == name);

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Row_MatchesItsQueryColumnsAndTypes_AndEveryRowMaps(string name)
    {
        var type = RowType(name);
        var query = QueryCatalog.Default.Get(type.GetCustomAttribute<CatalogRowAttribute>()!.Query);
        var values = ParameterParser.Parse(query, QueryLake.WholeRange.Select(p => KeyValuePair.Create(p.Item1, p.Item2)));
        var result = await lake.Engine.RunAsync(query.Render(values), CancellationToken.None);
        await foreach (var _ in result.Batches) { }
        var parameters = type.GetConstructors().Single().GetParameters();

        Assert.Equal(result.Schema.FieldsList.Select(f => f.Name), parameters.Select(p => Snake(p.Name!)));
        foreach (var (field, parameter) in result.Schema.FieldsList.Zip(parameters))
            Assert.True(ClrOf(field.DataType) == (Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType),
                $"{query.Name}.{field.Name} is {field.DataType.Name}; {name} holds it as {parameter.ParameterType.Name}");

        // Answer<T> maps every row, and refuses a NULL in a non-nullable column.
        var run = typeof(Answer<>).MakeGenericType(type).GetMethod("RunAsync")!;
        var answer = await (dynamic)run.Invoke(null, [lake.Engine, QueryLake.WholeRange.ToDictionary(p => p.Item1, p => (string?)p.Item2), CancellationToken.None])!;
        Assert.NotEmpty((System.Collections.IEnumerable)answer.Rows);
    }

    [Fact]
    public void EveryRow_NamesACatalogQuery_OnlyOnce()
    {
        var queries = typeof(CatalogRowAttribute).Assembly.GetTypes().Select(t => t.GetCustomAttribute<CatalogRowAttribute>()?.Query).OfType<string>().ToList();
        Assert.All(queries, q => QueryCatalog.Default.Get(q));
        Assert.Equal(queries.Count, queries.Distinct().Count());
    }

    // Written by hand rather than by RowMapper's own rule, so a wrong rule fails here.
    private static string Snake(string pascal) => string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));

    private static Type ClrOf(IArrowType type) => type switch
    {
        StringType => typeof(string),
        Int32Type => typeof(int),
        Int64Type => typeof(long),
        DoubleType => typeof(double),
        TimestampType => typeof(DateTime),
        BooleanType => typeof(bool),
        _ => throw new NotSupportedException(type.Name),
    };
}
