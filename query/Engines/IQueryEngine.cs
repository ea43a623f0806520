using Analytics.Query.Catalog;

namespace Analytics.Query.Engines;

/// <summary>
/// Runs catalog queries over the lake. DuckDB over a local folder is the embedded default; Athena follows
/// behind the same interface.
/// </summary>
internal interface IQueryEngine : IAsyncDisposable
{
    /// <summary>The engine's name, for messages.</summary>
    string Name { get; }

    /// <summary>
    /// How many queries a command may have running on the engine at once: one on DuckDB (one connection, and every core
    /// already busy with one query), more on Athena, whose queries wait mostly on the service.
    /// </summary>
    int MaxConcurrentQueries { get; }

    /// <summary>Runs <paramref name="query"/>; its rows stream as Arrow record batches.</summary>
    /// <exception cref="QueryFailedException">The engine rejected or failed the query.</exception>
    Task<QueryResult> RunAsync(RenderedQuery query, CancellationToken cancellationToken);
}
