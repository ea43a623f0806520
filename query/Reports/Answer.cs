using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Reports.Rows;
using Apache.Arrow;

namespace Analytics.Query.Reports;

/// <summary>
/// A catalog query's whole result, held in memory for a document that reads it more than once: as typed rows
/// (<typeparamref name="T"/>, whose <see cref="CatalogRowAttribute"/> names the query), and as Arrow for the tables the
/// document prints.
/// </summary>
internal sealed class Answer<T> where T : class
{
    private readonly List<object?[]> _cells;

    private Answer(Schema schema, List<RecordBatch> batches)
    {
        RowMapper<T>.Check(schema);
        Schema = schema;
        _cells = [.. batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(r => Enumerable.Range(0, b.ColumnCount).Select(c => Cells.Value(b.Column(c), r)).ToArray()))];
        Rows = [.. _cells.Select(RowMapper<T>.Map)];
    }

    /// <summary>The columns.</summary>
    public Schema Schema { get; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<T> Rows { get; }

    /// <summary>
    /// Runs the catalog query of <typeparamref name="T"/> with those of <paramref name="given"/> it declares (the rest
    /// are ignored, so one set of window and filter values serves every query of a document).
    /// </summary>
    public static async Task<Answer<T>> RunAsync(IQueryEngine engine, IReadOnlyDictionary<string, string?> given, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(given);
        var query = QueryCatalog.Default.Get(RowMapper<T>.Query);
        var values = ParameterParser.Parse(query, Declared(query, given));
        var result = await engine.RunAsync(query.Render(values), cancellationToken).ConfigureAwait(false);
        return new Answer<T>(result.Schema, await result.ToListAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The values of <paramref name="given"/> that <paramref name="query"/> declares a parameter for, in order (null ones left out).</summary>
    public static List<KeyValuePair<string, string>> Declared(CatalogQuery query, IReadOnlyDictionary<string, string?> given)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(given);
        return [.. given.Where(g => g.Value is not null && query.Parameter(g.Key) is not null).Select(g => KeyValuePair.Create(g.Key, g.Value!))];
    }

    /// <summary>The result restricted to <paramref name="columns"/> (in that order), to hand to <see cref="Output.ResultWriter"/>.</summary>
    public QueryResult Columns(params string[] columns) => Where(_ => true, columns);

    /// <summary>The rows matching <paramref name="keep"/>, restricted to <paramref name="columns"/>, as a result for <see cref="Output.ResultWriter"/>.</summary>
    public QueryResult Where(Func<T, bool> keep, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentNullException.ThrowIfNull(columns);
        var indexes = columns.Select(c => Schema.GetFieldIndex(c) is >= 0 and var i ? i : throw new ArgumentException($"No column '{c}'.", nameof(columns))).ToArray();
        var schema = new Schema(indexes.Select(i => Schema.GetFieldByIndex(i)), null);
        var kept = Enumerable.Range(0, Rows.Count).Where(r => keep(Rows[r])).Select(r => _cells[r]).ToList();
        var arrays = indexes.Select(i => ArrowBatches.Build(Schema.GetFieldByIndex(i).DataType, kept.Select(cells => cells[i]))).ToList();
        return new QueryResult(schema, new[] { new RecordBatch(schema, arrays, kept.Count) }.ToAsyncEnumerable());
    }
}
