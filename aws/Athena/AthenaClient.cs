namespace Analytics.Aws.Athena;

/// <summary>
/// The Athena operations this project uses, typed after the API model, over the shared <see cref="AwsJsonClient"/>.
/// Thin on purpose: the official AWSSDK.Athena can replace it call for call.
/// </summary>
public sealed class AthenaClient(AwsJsonClient client)
{
    /// <summary>Athena's limit on rows per GetQueryResults page.</summary>
    public const int MaxResultsPerPage = 1000;

    /// <summary>The catalog of Glue tables.</summary>
    public const string DefaultCatalog = "AwsDataCatalog";

    /// <summary>The JSON client underneath.</summary>
    public AwsJsonClient Client { get; } = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>StartQueryExecution: returns the execution id.</summary>
    public async Task<string> StartQueryExecutionAsync(StartQueryExecutionRequest request, CancellationToken cancellationToken) =>
        (await Client.CallAsync<StartQueryExecutionResponse>("StartQueryExecution", request, cancellationToken).ConfigureAwait(false)).QueryExecutionId;

    /// <summary>GetQueryExecution.</summary>
    public async Task<QueryExecution> GetQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken) =>
        (await Client.CallAsync<GetQueryExecutionResponse>("GetQueryExecution", new QueryExecutionIdRequest(queryExecutionId), cancellationToken).ConfigureAwait(false)).QueryExecution;

    /// <summary>GetQueryResults: one page of at most <see cref="MaxResultsPerPage"/> rows.</summary>
    public Task<GetQueryResultsResponse> GetQueryResultsAsync(string queryExecutionId, string? nextToken, CancellationToken cancellationToken) =>
        Client.CallAsync<GetQueryResultsResponse>("GetQueryResults", new GetQueryResultsRequest(queryExecutionId, nextToken, MaxResultsPerPage), cancellationToken);

    /// <summary>StopQueryExecution.</summary>
    public Task StopQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken) =>
        Client.CallAsync("StopQueryExecution", new QueryExecutionIdRequest(queryExecutionId), cancellationToken);

    /// <summary>GetTableMetadata; null when the table (or its database) does not exist.</summary>
    public async Task<TableMetadata?> GetTableMetadataAsync(string catalog, string database, string table, CancellationToken cancellationToken)
    {
        try
        {
            return (await Client.CallAsync<GetTableMetadataResponse>("GetTableMetadata", new GetTableMetadataRequest(catalog, database, table), cancellationToken).ConfigureAwait(false)).TableMetadata;
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "MetadataException" || ex.Body.Contains("EntityNotFound", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>Whether a database exists (GetDatabase).</summary>
    public async Task<bool> DatabaseExistsAsync(string catalog, string database, CancellationToken cancellationToken)
    {
        try
        {
            await Client.CallAsync("GetDatabase", new GetDatabaseRequest(catalog, database), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException ex) when (ex.ErrorCode == "MetadataException" || ex.Body.Contains("EntityNotFound", StringComparison.Ordinal))
        {
            return false;
        }
    }
}
