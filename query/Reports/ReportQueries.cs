using Analytics.Query.Engines;

namespace Analytics.Query.Reports;

/// <summary>
/// The catalog queries of one document, started together and run at most <see cref="IQueryEngine.MaxConcurrentQueries"/>
/// at a time: on Athena, where a query waits seconds on the service, a review's eleven queries take about the time of
/// the slowest few instead of their sum; on DuckDB they run one after another as before.
/// </summary>
internal sealed class ReportQueries(IQueryEngine engine, IReadOnlyDictionary<string, string?> given, CancellationToken cancellationToken) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(Math.Max(1, engine.MaxConcurrentQueries));

    /// <summary>Starts the catalog query of <typeparamref name="T"/> with the document's values, or with <paramref name="values"/>.</summary>
    public async Task<Answer<T>> RunAsync<T>(IReadOnlyDictionary<string, string?>? values = null) where T : class
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Answer<T>.RunAsync(engine, values ?? given, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();
}
