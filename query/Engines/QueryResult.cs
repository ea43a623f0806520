using Apache.Arrow;

namespace Analytics.Query.Engines;

/// <summary>
/// A query's result: its Arrow schema and its rows as record batches, read as they are enumerated (once).
/// Every output format is written from these batches.
/// </summary>
/// <param name="Schema">Column names and types.</param>
/// <param name="Batches">The rows; enumerate once.</param>
internal sealed record QueryResult(Schema Schema, IAsyncEnumerable<RecordBatch> Batches)
{
    /// <summary>Reads every batch into memory (small results: reviews, reports, tests).</summary>
    public async Task<List<RecordBatch>> ToListAsync(CancellationToken cancellationToken)
    {
        var batches = new List<RecordBatch>();
        await foreach (var batch in Batches.WithCancellation(cancellationToken).ConfigureAwait(false)) batches.Add(batch);
        return batches;
    }
}
