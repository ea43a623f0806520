using Microsoft.Extensions.Logging;
using System.Globalization;
using System.Runtime.CompilerServices;
using Analytics.Aws;
using Analytics.Aws.Athena;
using Analytics.Query.Catalog;
using Apache.Arrow;

namespace Analytics.Query.Engines;

/// <summary>What one Athena query cost: scanned bytes, times, reuse, and the price of the scan.</summary>
/// <param name="Query">The catalog query's name.</param>
/// <param name="ExecutionId">Athena's id of the run.</param>
/// <param name="DataScannedBytes">Bytes scanned.</param>
/// <param name="EngineMillis">Engine time.</param>
/// <param name="QueueMillis">Time queued.</param>
/// <param name="Reused">Whether a previous result was reused (nothing scanned, nothing billed).</param>
/// <param name="CostUsd">The scan's price: bytes rounded up to a whole MB, at least 10 MB, at the price per TB.</param>
internal sealed record AthenaQueryStatistics(string Query, string ExecutionId, long DataScannedBytes, long EngineMillis, long QueueMillis, bool Reused, decimal CostUsd)
{
    /// <summary>One line for stderr.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"athena: {Query} ({ExecutionId}): scanned {Bytes(DataScannedBytes)}, ${CostUsd:0.######}; engine {EngineMillis / 1000.0:0.0##} s, queued {QueueMillis / 1000.0:0.0##} s; result reused: {(Reused ? "yes" : "no")}");

    /// <summary>Bytes as a person reads them.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 40 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 40):0.##} TB"),
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.##} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>
    /// Athena's price of a scan (DOMAIN.md, Athena's pricing page): bytes rounded up to a whole megabyte with a 10 MB
    /// minimum per query, at <paramref name="pricePerTb"/> dollars per terabyte (2^40 bytes). A query that scanned
    /// nothing (DDL, a reused result) costs nothing.
    /// </summary>
    public static decimal Cost(long scannedBytes, decimal pricePerTb)
    {
        if (scannedBytes <= 0) return 0m;
        const long mb = 1L << 20;
        var billed = Math.Max(10 * mb, (scannedBytes + mb - 1) / mb * mb);
        return billed * pricePerTb / (1L << 40);
    }
}

/// <summary>
/// Runs catalog queries on Amazon Athena: the same SQL text as on DuckDB with the bound values as
/// <c>ExecutionParameters</c>, results paged through GetQueryResults (1,000 rows a page, the header row of the
/// first page skipped) and converted by <see cref="AthenaResults"/> into the batches DuckDB would produce.
/// </summary>
/// <remarks>
/// A result longer than one page is read, when <paramref name="openResult"/> is given, as the CSV file Athena wrote to
/// the output location, in one streamed GET (see docs/athena.md for the measurement), instead of page after page. When
/// that file cannot be read (access denied, no such bucket, the network), the query succeeded all the same: its rows
/// are paged through GetQueryResults, with one warning to <paramref name="logger"/>.
/// </remarks>
internal sealed class AthenaEngine(AthenaQueryRunner runner, decimal pricePerTb, Action<AthenaQueryStatistics>? onStatistics = null,
    Func<string, CancellationToken, Task<Stream>>? openResult = null, IDisposable? owned = null, ILogger? logger = null) : IQueryEngine
{
    private readonly List<AthenaQueryStatistics> _statistics = [];

    /// <inheritdoc/>
    public string Name => "athena";

    /// <summary>The statistics of every query run so far.</summary>
    public IReadOnlyList<AthenaQueryStatistics> Statistics
    {
        get { lock (_statistics) return [.. _statistics]; }
    }

    /// <inheritdoc/>
    /// <value>The default value is 1; the program sets <c>Athena:MaxConcurrentQueries</c>.</value>
    public int MaxConcurrentQueries { get; init; } = 1;

    /// <inheritdoc/>
    public async Task<QueryResult> RunAsync(RenderedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        QueryExecution execution;
        GetQueryResultsResponse first;
        try
        {
            var parameters = query.AthenaExecutionParameters();
            execution = await runner.RunAsync(query.Sql, parameters, reuse: true, cancellationToken).ConfigureAwait(false);
            Record(query.Name, execution);
            first = await runner.Athena.GetQueryResultsAsync(execution.QueryExecutionId, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AthenaQueryFailedException or AwsServiceException or AwsCredentialsException or HttpRequestException or AttemptTimedOutException or ArgumentException)
        {
            throw new QueryFailedException($"Athena could not run query '{query.Name}': {ex.Message}", ex);
        }
        var schema = AthenaResults.SchemaOf(first.ResultSet.ResultSetMetadata ?? new ResultSetMetadata([]));
        // For a SELECT the first row of the first page is the header (the column names).
        var header = execution.StatementType is null or "DML" ? 1 : 0;
        var pages = Pages(query.Name, execution.QueryExecutionId, schema, first, header, cancellationToken);
        if (first.NextToken is not null && openResult is not null && execution.ResultConfiguration?.OutputLocation is { } csv
            && csv.StartsWith("s3://", StringComparison.Ordinal) && csv.EndsWith(".csv", StringComparison.Ordinal))
            return new QueryResult(schema, FromCsv(query.Name, execution.QueryExecutionId, csv, schema, pages, cancellationToken));
        return new QueryResult(schema, pages);
    }

    // The result's CSV in one streamed GET; if it cannot be opened or fails before its first rows, the same rows paged
    // through GetQueryResults (a failure after rows were handed on cannot be mended without repeating them).
    private async IAsyncEnumerable<RecordBatch> FromCsv(string name, string id, string location, Schema schema, IAsyncEnumerable<RecordBatch> pages,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Stream? stream = null;
        Exception? unreadable = null;
        try
        {
            stream = await openResult!(location, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException)
        {
            unreadable = ex;
        }
        if (stream is not null)
        {
            await using (stream.ConfigureAwait(false))
            {
                var batches = AthenaCsv.ReadAsync(stream, schema, cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (batches.ConfigureAwait(false))
                {
                    var handed = false;
                    while (unreadable is null)
                    {
                        try
                        {
                            if (!await batches.MoveNextAsync().ConfigureAwait(false)) yield break;
                        }
                        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
                        {
                            if (handed) throw new QueryFailedException($"Athena query '{name}' ({id}): reading its result {location} failed: {ex.Message}", ex);
                            unreadable = ex;
                            break;
                        }
                        handed = true;
                        yield return batches.Current;
                    }
                }
            }
        }
        if (logger is not null) Log.ResultFileUnreadable(logger, name, id, location, unreadable!.Message);
        await foreach (var batch in pages.ConfigureAwait(false)) yield return batch;
    }

    private async IAsyncEnumerable<RecordBatch> Pages(string name, string id, Schema schema, GetQueryResultsResponse first, int header,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = first;
        var skip = header;
        while (true)
        {
            RecordBatch batch;
            try
            {
                batch = AthenaResults.Batch(schema, page.ResultSet.Rows, skip);
            }
            catch (FormatException ex)
            {
                throw new QueryFailedException($"Athena query '{name}' ({id}): {ex.Message}", ex);
            }
            yield return batch;
            if (page.NextToken is null) yield break;
            try
            {
                page = await runner.Athena.GetQueryResultsAsync(id, page.NextToken, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AwsServiceException or HttpRequestException or AttemptTimedOutException)
            {
                throw new QueryFailedException($"Athena query '{name}' ({id}): reading its results failed: {ex.Message}", ex);
            }
            skip = 0;
        }
    }

    private void Record(string name, QueryExecution execution)
    {
        var s = execution.Statistics;
        var reused = s?.ResultReuseInformation?.ReusedPreviousResult ?? false;
        var scanned = s?.DataScannedInBytes ?? 0;
        var statistics = new AthenaQueryStatistics(name, execution.QueryExecutionId, scanned, s?.EngineExecutionTimeInMillis ?? 0, s?.QueryQueueTimeInMillis ?? 0,
            reused, reused ? 0m : AthenaQueryStatistics.Cost(scanned, pricePerTb));
        // Queries of one command run at once: their statistics arrive from several threads.
        lock (_statistics)
        {
            _statistics.Add(statistics);
            onStatistics?.Invoke(statistics);
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        runner.Athena.Client.Dispose();
        owned?.Dispose();
        return ValueTask.CompletedTask;
    }
}
