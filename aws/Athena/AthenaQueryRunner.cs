using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Aws.Athena;

/// <summary>Where and how Athena runs this project's queries.</summary>
public sealed record AthenaQueryOptions
{
    /// <summary>Default minutes a result of the same query may be reused.</summary>
    public const int DefaultReuseMinutes = 60;

    /// <summary>Athena's longest result reuse: 7 days.</summary>
    public const int MaxReuseMinutes = 10_080;

    /// <summary>The Glue database of the lake's tables.</summary>
    public required string Database { get; init; }

    /// <summary>The data catalog.</summary>
    public string Catalog { get; init; } = AthenaClient.DefaultCatalog;

    /// <summary>The workgroup.</summary>
    public string WorkGroup { get; init; } = "primary";

    /// <summary>Results location (<c>s3://…/</c>); null for the workgroup's own.</summary>
    public string? OutputLocation { get; init; }

    /// <summary>Reuse a result of the same SELECT up to this old; 0 turns reuse off.</summary>
    public int ReuseMinutes { get; init; } = DefaultReuseMinutes;

    /// <summary>The first wait between two GetQueryExecution polls; each next one is half as long again, up to <see cref="PollMax"/>.</summary>
    public TimeSpan PollInitial { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two polls.</summary>
    public TimeSpan PollMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Runs of one query when Athena says its failure is retryable (<c>AthenaError.Retryable</c>).</summary>
    public int MaxQueryAttempts { get; init; } = 3;
}

/// <summary>
/// Runs one statement on Athena to its end: StartQueryExecution (with a fresh <c>ClientRequestToken</c> per run, kept
/// across the HTTP retries of that start), GetQueryExecution polled with a growing, capped interval until SUCCEEDED,
/// FAILED or CANCELLED (QUEUED after RUNNING is legal and just waited on), a new run only when a FAILED error says
/// <c>Retryable</c>, and StopQueryExecution when the caller cancels (Ctrl-C, SIGTERM).
/// </summary>
public sealed partial class AthenaQueryRunner(AthenaClient athena, AthenaQueryOptions options, TimeProvider? time = null, ILogger? logger = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The settings.</summary>
    public AthenaQueryOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The client.</summary>
    public AthenaClient Athena { get; } = athena ?? throw new ArgumentNullException(nameof(athena));

    /// <summary>Runs <paramref name="sql"/> with <paramref name="parameters"/> (SQL literal texts) and returns the finished execution.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="parameters">Values of its <c>?</c> markers, as literals; empty for none.</param>
    /// <param name="reuse">Allow result reuse (SELECT only).</param>
    /// <param name="cancellationToken">Stops the query in Athena when cancelled.</param>
    /// <exception cref="AthenaQueryFailedException">The query FAILED (not retryable, or out of attempts) or was CANCELLED.</exception>
    public async Task<QueryExecution> RunAsync(string sql, IReadOnlyList<string> parameters, bool reuse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        for (var attempt = 1; ; attempt++)
        {
            var id = await Athena.StartQueryExecutionAsync(Request(sql, parameters, reuse), cancellationToken).ConfigureAwait(false);
            var execution = await WaitAsync(id, cancellationToken).ConfigureAwait(false);
            switch (execution.Status.State)
            {
                case "SUCCEEDED":
                    return execution;
                case "FAILED" when execution.Status.AthenaError?.Retryable == true && attempt < Options.MaxQueryAttempts:
                    LogRetryingQuery(_logger, id, execution.Status.AthenaError.ErrorMessage ?? execution.Status.StateChangeReason ?? "", attempt + 1, Options.MaxQueryAttempts);
                    continue;
                default:
                    throw new AthenaQueryFailedException(execution, attempt);
            }
        }
    }

    /// <summary>The StartQueryExecution request of one run: a new token for each run.</summary>
    public StartQueryExecutionRequest Request(string sql, IReadOnlyList<string> parameters, bool reuse)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new StartQueryExecutionRequest
        {
            QueryString = sql,
            ClientRequestToken = Guid.NewGuid().ToString("N"),
            QueryExecutionContext = new QueryExecutionContext(Options.Database, Options.Catalog),
            WorkGroup = Options.WorkGroup,
            ResultConfiguration = Options.OutputLocation is null ? null : new ResultConfiguration(Options.OutputLocation),
            ExecutionParameters = parameters.Count == 0 ? null : parameters,
            ResultReuseConfiguration = reuse && Options.ReuseMinutes > 0
                ? new ResultReuseConfiguration(new ResultReuseByAgeConfiguration(true, Options.ReuseMinutes))
                : null,
        };
    }

    private async Task<QueryExecution> WaitAsync(string id, CancellationToken cancellationToken)
    {
        var delay = Options.PollInitial;
        try
        {
            while (true)
            {
                var execution = await Athena.GetQueryExecutionAsync(id, cancellationToken).ConfigureAwait(false);
                if (execution.Status.State is "SUCCEEDED" or "FAILED" or "CANCELLED") return execution;
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(Options.PollMax.Ticks, delay.Ticks * 3 / 2));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up: stop the query in Athena (its scanned bytes are billed anyway), within a bounded time.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await Athena.StopQueryExecutionAsync(id, stop.Token).ConfigureAwait(false);
                LogStopped(_logger, id);
            }
            catch (Exception ex) when (ex is AwsServiceException or HttpRequestException or OperationCanceledException or AttemptTimedOutException)
            {
                LogStopFailed(_logger, id, ex.Message);
            }
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Athena query {Id} failed with a retryable error ({Reason}); running it again, attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogRetryingQuery(ILogger logger, string id, string reason, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancelled: Athena query {Id} stopped")]
    private static partial void LogStopped(ILogger logger, string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cancelled, but Athena query {Id} could not be stopped: {Reason}")]
    private static partial void LogStopFailed(ILogger logger, string id, string reason);
}

/// <summary>An Athena query FAILED or was CANCELLED; carries the execution and its <see cref="AthenaError"/>.</summary>
public sealed class AthenaQueryFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AthenaQueryFailedException(QueryExecution execution, int attempts) : base(Describe(execution, attempts)) => Execution = execution;

    /// <summary>Creates the exception.</summary>
    public AthenaQueryFailedException() : base("Athena query failed.") { }

    /// <summary>Creates the exception.</summary>
    public AthenaQueryFailedException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public AthenaQueryFailedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The finished execution.</summary>
    public QueryExecution? Execution { get; }

    private static string Describe(QueryExecution execution, int attempts)
    {
        var status = execution.Status;
        if (status.State == "CANCELLED")
            return $"Athena query {execution.QueryExecutionId} was cancelled in Athena (StopQueryExecution from elsewhere, or the workgroup's limits){(status.StateChangeReason is null ? "" : $": {status.StateChangeReason}")}";
        var error = status.AthenaError;
        var kind = error is null ? "" : $" [category {error.ErrorCategory}, type {error.ErrorType}{(error.Retryable == true ? ", retryable" : "")}]";
        var tries = attempts > 1 ? $" after {attempts} runs" : "";
        return $"Athena query {execution.QueryExecutionId} failed{tries}: {error?.ErrorMessage ?? status.StateChangeReason ?? "no reason given"}{kind}";
    }
}
