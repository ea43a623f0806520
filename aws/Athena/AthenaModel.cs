namespace Analytics.Aws.Athena;

// The members of the Athena API model (2017-05-18) this project uses, named as in the model. Timestamps are
// epoch seconds, as JSON 1.1 sends them.

/// <summary>StartQueryExecution's input.</summary>
public sealed record StartQueryExecutionRequest
{
    /// <summary>The SQL, at most 262,144 bytes.</summary>
    public required string QueryString { get; init; }

    /// <summary>Idempotency token, 32–128 characters: the same on a retried call.</summary>
    public required string ClientRequestToken { get; init; }

    /// <summary>Database and catalog.</summary>
    public QueryExecutionContext? QueryExecutionContext { get; init; }

    /// <summary>Where results are written; null for the workgroup's.</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>The workgroup.</summary>
    public string? WorkGroup { get; init; }

    /// <summary>Values of the <c>?</c> markers, each the SQL literal text.</summary>
    public IReadOnlyList<string>? ExecutionParameters { get; init; }

    /// <summary>Result reuse.</summary>
    public ResultReuseConfiguration? ResultReuseConfiguration { get; init; }
}

/// <summary>The database and catalog of a query.</summary>
public sealed record QueryExecutionContext(string? Database, string? Catalog);

/// <summary>Where a query's results go.</summary>
public sealed record ResultConfiguration(string? OutputLocation);

/// <summary>Result reuse settings.</summary>
public sealed record ResultReuseConfiguration(ResultReuseByAgeConfiguration ResultReuseByAgeConfiguration);

/// <summary>Reuse a result of the same query no older than <see cref="MaxAgeInMinutes"/>.</summary>
public sealed record ResultReuseByAgeConfiguration(bool Enabled, int? MaxAgeInMinutes);

/// <summary>StartQueryExecution's output.</summary>
public sealed record StartQueryExecutionResponse(string QueryExecutionId);

/// <summary>GetQueryExecution's output.</summary>
public sealed record GetQueryExecutionResponse(QueryExecution QueryExecution);

/// <summary>A query execution.</summary>
public sealed record QueryExecution
{
    /// <summary>Its id.</summary>
    public string QueryExecutionId { get; init; } = "";

    /// <summary>The SQL.</summary>
    public string? Query { get; init; }

    /// <summary>DDL, DML or UTILITY.</summary>
    public string? StatementType { get; init; }

    /// <summary>Where its results are.</summary>
    public ResultConfiguration? ResultConfiguration { get; init; }

    /// <summary>Its state.</summary>
    public QueryExecutionStatus Status { get; init; } = new();

    /// <summary>Its statistics.</summary>
    public QueryExecutionStatistics? Statistics { get; init; }

    /// <summary>Its workgroup.</summary>
    public string? WorkGroup { get; init; }
}

/// <summary>A query's state.</summary>
public sealed record QueryExecutionStatus
{
    /// <summary>QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED.</summary>
    public string State { get; init; } = "";

    /// <summary>Why the state changed.</summary>
    public string? StateChangeReason { get; init; }

    /// <summary>Epoch seconds.</summary>
    public double? SubmissionDateTime { get; init; }

    /// <summary>Epoch seconds.</summary>
    public double? CompletionDateTime { get; init; }

    /// <summary>Set when FAILED.</summary>
    public AthenaError? AthenaError { get; init; }
}

/// <summary>Why a query failed, and whether running it again may succeed.</summary>
public sealed record AthenaError(int? ErrorCategory, int? ErrorType, bool? Retryable, string? ErrorMessage);

/// <summary>A query's statistics.</summary>
public sealed record QueryExecutionStatistics
{
    /// <summary>Engine time.</summary>
    public long? EngineExecutionTimeInMillis { get; init; }

    /// <summary>Bytes scanned (billed).</summary>
    public long? DataScannedInBytes { get; init; }

    /// <summary>Total time.</summary>
    public long? TotalExecutionTimeInMillis { get; init; }

    /// <summary>Time queued.</summary>
    public long? QueryQueueTimeInMillis { get; init; }

    /// <summary>Time planning.</summary>
    public long? QueryPlanningTimeInMillis { get; init; }

    /// <summary>Whether a previous result was reused.</summary>
    public ResultReuseInformation? ResultReuseInformation { get; init; }
}

/// <summary>Result reuse of one execution.</summary>
public sealed record ResultReuseInformation(bool ReusedPreviousResult);

/// <summary>GetQueryResults' input.</summary>
public sealed record GetQueryResultsRequest(string QueryExecutionId, string? NextToken, int MaxResults);

/// <summary>GetQueryResults' output.</summary>
public sealed record GetQueryResultsResponse(ResultSet ResultSet, string? NextToken);

/// <summary>A page of rows and the columns' metadata.</summary>
public sealed record ResultSet(IReadOnlyList<Row> Rows, ResultSetMetadata? ResultSetMetadata);

/// <summary>One row: every value is a string or absent (null).</summary>
public sealed record Row(IReadOnlyList<Datum> Data);

/// <summary>One value.</summary>
public sealed record Datum(string? VarCharValue);

/// <summary>The result's columns.</summary>
public sealed record ResultSetMetadata(IReadOnlyList<ColumnInfo> ColumnInfo);

/// <summary>One result column.</summary>
public sealed record ColumnInfo(string Name, string Type, int? Precision, int? Scale, string? Nullable);

/// <summary>A request naming one query execution.</summary>
public sealed record QueryExecutionIdRequest(string QueryExecutionId);

/// <summary>GetTableMetadata's input.</summary>
public sealed record GetTableMetadataRequest(string CatalogName, string DatabaseName, string TableName);

/// <summary>GetTableMetadata's output.</summary>
public sealed record GetTableMetadataResponse(TableMetadata TableMetadata);

/// <summary>A table as the catalog holds it.</summary>
public sealed record TableMetadata
{
    /// <summary>Its name.</summary>
    public string Name { get; init; } = "";

    /// <summary>EXTERNAL_TABLE, VIRTUAL_VIEW…</summary>
    public string? TableType { get; init; }

    /// <summary>Its columns.</summary>
    public IReadOnlyList<Column> Columns { get; init; } = [];

    /// <summary>Its partition keys.</summary>
    public IReadOnlyList<Column> PartitionKeys { get; init; } = [];

    /// <summary>Its properties (TBLPROPERTIES, location…).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}

/// <summary>A column.</summary>
public sealed record Column(string Name, string Type, string? Comment);

/// <summary>GetDatabase's input.</summary>
public sealed record GetDatabaseRequest(string CatalogName, string DatabaseName);
