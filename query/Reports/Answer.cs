using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Apache.Arrow;

namespace Analytics.Query.Reports;

/// <summary>A catalog query's whole result, held in memory for a document that reads it more than once.</summary>
internal sealed class Answer
{
    private Answer(Schema schema, List<RecordBatch> batches)
    {
        Schema = schema;
        Batches = batches;
        Rows = batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(r =>
            schema.FieldsList.Select((f, c) => (f.Name, Value: Cells.Value(b.Column(c), r))).ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal))).ToList();
    }

    /// <summary>The columns.</summary>
    public Schema Schema { get; }

    /// <summary>The batches.</summary>
    public List<RecordBatch> Batches { get; }

    /// <summary>The rows, keyed by column name.</summary>
    public IReadOnlyList<Dictionary<string, object?>> Rows { get; }

    /// <summary>
    /// Runs catalog query <paramref name="name"/> with those of <paramref name="given"/> it declares (the rest
    /// are ignored, so one set of window and filter values serves every query of a document).
    /// </summary>
    public static async Task<Answer> RunAsync(IQueryEngine engine, string name, IReadOnlyDictionary<string, string?> given, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(given);
        var query = QueryCatalog.Default.Get(name);
        var values = ParameterParser.Parse(query, given
            .Where(g => g.Value is not null && query.Parameter(g.Key) is not null)
            .Select(g => KeyValuePair.Create(g.Key, g.Value!)));
        var result = await engine.RunAsync(query.Render(values), cancellationToken).ConfigureAwait(false);
        return new Answer(result.Schema, await result.ToListAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The result restricted to <paramref name="columns"/> (in that order), to hand to <see cref="ResultWriter"/>.</summary>
    public QueryResult Columns(params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var indexes = columns.Select(c => Schema.GetFieldIndex(c) is >= 0 and var i ? i : throw new ArgumentException($"No column '{c}'.", nameof(columns))).ToArray();
        var schema = new Schema(indexes.Select(i => Schema.GetFieldByIndex(i)), null);
        var batches = Batches.Select(b => new RecordBatch(schema, indexes.Select(b.Column), b.Length)).ToList();
        return new QueryResult(schema, batches.ToAsyncEnumerable());
    }

    /// <summary>The rows matching <paramref name="keep"/>, restricted to <paramref name="columns"/>, as a result for <see cref="ResultWriter"/>.</summary>
    public QueryResult Where(Func<Dictionary<string, object?>, bool> keep, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var schema = Columns(columns).Schema;
        var rows = Rows.Where(keep).ToList();
        var arrays = schema.FieldsList.Select(f => ArrowBatches.Build(f.DataType, rows.Select(r => r[f.Name]))).ToList();
        return new QueryResult(schema, new[] { new RecordBatch(schema, arrays, rows.Count) }.ToAsyncEnumerable());
    }
}
