using System.Net;
using Analytics.Aws;
using Analytics.Aws.Athena;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Analytics.Tests.Aws;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Analytics.Tests.Query.Engines;

/// <summary>
/// The Athena engine against a local endpoint that replays Athena's documented behaviour: states, paging, errors,
/// throttling and cancellation.
/// </summary>
public class AthenaEngineTests
{
    private static RenderedQuery Query(string sql = "SELECT 1 WHERE x = ?", params object?[] values) =>
        new("test-query", sql, values.Select(v => new ParameterValue(new QueryParameter("p", ParameterKind.String, false, null, "", []), v)).ToList());

    private static AthenaEngine Engine(FakeAthena athena, List<AthenaQueryStatistics>? statistics = null) =>
        new(AthenaRequestReferenceTests.Runner(athena.Url), Analytics.Common.Settings.AthenaSettings.DefaultPricePerTb, s => statistics?.Add(s));

    private static async Task<List<Dictionary<string, object?>>> RowsAsync(QueryResult result)
    {
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in await result.ToListAsync(CancellationToken.None))
            for (var r = 0; r < batch.Length; r++)
                rows.Add(result.Schema.FieldsList.Select((f, c) => (f.Name, Value: Cells.Value(batch.Column(c), r))).ToDictionary(p => p.Name, p => p.Value));
        return rows;
    }

    [Fact]
    public async Task Run_EveryTypeOverThreePages_ValuesAsDuckDbGivesThem()
    {
        using var athena = new FakeAthena();
        athena.Columns.AddRange([("name", "varchar"), ("ok", "boolean"), ("small", "integer"), ("count", "bigint"), ("ratio", "double"),
            ("price", "decimal"), ("day", "date"), ("at", "timestamp"), ("at_zone", "timestamp with time zone"), ("items", "array"), ("attrs", "map"), ("code", "char")]);
        // 2,500 rows: a header plus 999 rows on the first page, 1,000 on the second, 501 on the third.
        for (var i = 0; i < 2500; i++)
            athena.Rows.Add([$"task-{i}", i % 2 == 0 ? "true" : "false", $"{i}", $"{10_000_000_000L + i}", "0.25", "12.50", "2026-11-02",
                "2026-11-02 14:00:05.123", "2026-11-02 14:00:05.123 UTC", "[a, b]", "{k=v}", null]);

        await using var engine = Engine(athena);
        var result = await engine.RunAsync(Query(), CancellationToken.None);
        var rows = await RowsAsync(result);

        Assert.Equal(2500, rows.Count);
        Assert.Equal(3, athena.Operations.Count(o => o == "GetQueryResults"));
        Assert.Equal([typeof(StringType), typeof(BooleanType), typeof(Int32Type), typeof(Int64Type), typeof(DoubleType), typeof(DoubleType), typeof(Date32Type),
            typeof(TimestampType), typeof(TimestampType), typeof(ListType), typeof(StringType), typeof(StringType)], result.Schema.FieldsList.Select(f => f.DataType.GetType()));
        var last = rows[^1];
        Assert.Equal("task-2499", last["name"]);
        Assert.Equal(false, last["ok"]);
        Assert.Equal(2499, last["small"]);
        Assert.Equal(10_000_002_499L, last["count"]);
        Assert.Equal(0.25, last["ratio"]);
        Assert.Equal(12.5, last["price"]);
        Assert.Equal(new DateOnly(2026, 11, 2), last["day"]);
        Assert.Equal(new DateTime(2026, 11, 2, 14, 0, 5, 123, DateTimeKind.Utc), last["at"]);
        Assert.Equal(new DateTime(2026, 11, 2, 14, 0, 5, 123, DateTimeKind.Utc), last["at_zone"]);
        Assert.Equal(["a", "b"], (List<string?>)last["items"]!);
        Assert.Equal("{k=v}", last["attrs"]);
        Assert.Null(last["code"]);
        // The header row is not a row.
        Assert.Equal("task-0", rows[0]["name"]);
    }

    [Fact]
    public async Task Run_RunningGoesBackToQueued_WaitsItOut()
    {
        using var athena = new FakeAthena();
        athena.Scripts[0] = ["QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED"];
        athena.Columns.Add(("n", "bigint"));
        athena.Rows.Add(["7"]);
        await using var engine = Engine(athena);

        var rows = await RowsAsync(await engine.RunAsync(Query(), CancellationToken.None));

        Assert.Equal(7L, Assert.Single(rows)["n"]);
        Assert.Equal(5, athena.Operations.Count(o => o == "GetQueryExecution"));
        Assert.Equal(1, athena.Operations.Count(o => o == "StartQueryExecution"));
    }

    [Fact]
    public async Task Run_FailedWithARetryableError_RunsAgainWithANewToken()
    {
        using var athena = new FakeAthena();
        athena.Scripts[0] = ["RUNNING", "FAILED"];
        athena.Scripts.Add(["RUNNING", "SUCCEEDED"]);
        athena.Errors[1] = new { ErrorCategory = 2, ErrorType = 1002, Retryable = true, ErrorMessage = "Query exhausted resources at this scale factor" };
        athena.Columns.Add(("n", "bigint"));
        athena.Rows.Add(["1"]);
        await using var engine = Engine(athena);

        var rows = await RowsAsync(await engine.RunAsync(Query(), CancellationToken.None));

        Assert.Single(rows);
        var starts = athena.Received.Where(r => r.Operation == "StartQueryExecution").ToList();
        Assert.Equal(2, starts.Count);
        Assert.NotEqual((string)starts[0].Json["ClientRequestToken"]!, (string)starts[1].Json["ClientRequestToken"]!);
    }

    [Fact]
    public async Task Run_FailedWithANonRetryableError_FailsOnceWithAthenasMessage()
    {
        using var athena = new FakeAthena();
        athena.Scripts[0] = ["RUNNING", "FAILED"];
        athena.Errors[1] = new { ErrorCategory = 2, ErrorType = 1301, Retryable = false, ErrorMessage = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" };
        await using var engine = Engine(athena);

        var ex = await Assert.ThrowsAsync<QueryFailedException>(() => engine.RunAsync(Query(), CancellationToken.None));

        Assert.Contains("test-query", ex.Message, StringComparison.Ordinal);
        Assert.Contains("COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved", ex.Message, StringComparison.Ordinal);
        Assert.Contains("category 2, type 1301", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, athena.Operations.Count(o => o == "StartQueryExecution"));
    }

    [Fact]
    public async Task Run_RetryableFailureEveryTime_GivesUpAfterTheAttempts()
    {
        using var athena = new FakeAthena();
        athena.Scripts[0] = ["FAILED"];
        athena.Errors[1] = athena.Errors[2] = athena.Errors[3] = new { ErrorCategory = 3, ErrorType = 1000, Retryable = true, ErrorMessage = "Internal error" };
        await using var engine = Engine(athena);

        var ex = await Assert.ThrowsAsync<QueryFailedException>(() => engine.RunAsync(Query(), CancellationToken.None));

        Assert.Contains("after 3 runs", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, athena.Operations.Count(o => o == "StartQueryExecution"));
    }

    [Fact]
    public async Task Run_ThrottledThenAccepted_OneQueryStartedWithTheSameToken()
    {
        using var athena = new FakeAthena();
        athena.Faults["StartQueryExecution"] = new([FakeResponse.Error(400, "TooManyRequestsException", "You have exceeded the limit for the number of queries you can run concurrently")]);
        athena.Faults["GetQueryExecution"] = new([FakeResponse.Error(400, "ThrottlingException", "Rate exceeded"), FakeResponse.Error(503, "InternalServerException", "try again")]);
        athena.Columns.Add(("n", "bigint"));
        athena.Rows.Add(["1"]);
        await using var engine = Engine(athena);

        Assert.Single(await RowsAsync(await engine.RunAsync(Query(), CancellationToken.None)));

        var starts = athena.Received.Where(r => r.Operation == "StartQueryExecution").ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal((string)starts[0].Json["ClientRequestToken"]!, (string)starts[1].Json["ClientRequestToken"]!);
        Assert.Equal(starts[0].Body, starts[1].Body);
    }

    [Fact]
    public async Task Run_InvalidRequest_NotRetriedAndTyped()
    {
        using var athena = new FakeAthena();
        athena.Faults["StartQueryExecution"] = new([FakeResponse.Error(400, "com.amazonaws.athena#InvalidRequestException", "line 1:1: mismatched input 'SELEC'", "f00d-1")]);
        var runner = AthenaRequestReferenceTests.Runner(athena.Url);

        var ex = await Assert.ThrowsAsync<AwsServiceException>(() => runner.RunAsync("SELEC 1", [], false, CancellationToken.None));

        Assert.Equal("InvalidRequestException", ex.ErrorCode);
        Assert.Equal("line 1:1: mismatched input 'SELEC'", ex.ErrorMessage);
        Assert.Equal("f00d-1", ex.RequestId);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.False(ex.IsRetryable);
        Assert.Single(athena.Received);
    }

    [Fact]
    public async Task Run_CancelledInAthena_IsAnError()
    {
        using var athena = new FakeAthena();
        athena.Scripts[0] = ["RUNNING", "CANCELLED"];
        await using var engine = Engine(athena);

        var ex = await Assert.ThrowsAsync<QueryFailedException>(() => engine.RunAsync(Query(), CancellationToken.None));

        Assert.Contains("was cancelled in Athena", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CallerCancels_StopQueryExecutionIsSent()
    {
        using var athena = new FakeAthena();
        athena.Scripts[0] = ["RUNNING"];
        await using var engine = Engine(athena);
        using var cancel = new CancellationTokenSource();

        var run = engine.RunAsync(Query(), cancel.Token);
        while (athena.Operations.Count(o => o == "GetQueryExecution") < 3) await Task.Delay(5);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stop = Assert.Single(athena.Received, r => r.Operation == "StopQueryExecution");
        Assert.Equal("q-1", (string)stop.Json["QueryExecutionId"]!);
    }

    [Fact]
    public async Task Run_Statistics_ScanTimesReuseAndThePriceOfTheScan()
    {
        using var athena = new FakeAthena { DataScannedInBytes = 123_456_789 };
        athena.Columns.Add(("n", "bigint"));
        var statistics = new List<AthenaQueryStatistics>();
        await using var engine = Engine(athena, statistics);

        await (await engine.RunAsync(Query(), CancellationToken.None)).ToListAsync(CancellationToken.None);
        athena.Reused = true;
        await (await engine.RunAsync(Query(), CancellationToken.None)).ToListAsync(CancellationToken.None);

        // 123,456,789 bytes is 117.7 MB, billed as 118 MB: 118 × 2^20 B × $5 / 2^40 B = $590 / 2^20.
        var first = statistics[0];
        Assert.Equal(("q-1", 123_456_789L, 1400L, 250L, false), (first.ExecutionId, first.DataScannedBytes, first.EngineMillis, first.QueueMillis, first.Reused));
        Assert.Equal(590m / 1_048_576m, first.CostUsd);
        Assert.Equal("athena: test-query (q-1): scanned 117.74 MB, $0.000563; engine 1.4 s, queued 0.25 s; result reused: no", first.ToString());
        // A reused result is not billed.
        Assert.True(statistics[1].Reused);
        Assert.Equal(0m, statistics[1].CostUsd);
    }

    [Theory]
    [InlineData(1024L, 10 * 5 / 1_048_576.0)] // under 10 MB: billed as 10 MB
    [InlineData(1L << 40, 5.0)] // a terabyte
    [InlineData(0L, 0.0)] // nothing scanned (DDL)
    public void Cost_RoundsUpToMegabytesWithATenMegabyteMinimum(long bytes, double dollars) =>
        Assert.Equal(dollars, (double)AthenaQueryStatistics.Cost(bytes, 5m), 15);

    [Fact]
    public async Task Run_BoundValues_AreSentAsAthenaLiterals()
    {
        using var athena = new FakeAthena();
        athena.Columns.Add(("n", "bigint"));
        await using var engine = Engine(athena);

        await (await engine.RunAsync(Query("SELECT 1 WHERE a = ? AND b = ? AND c = ?", "it's", new DateTime(2026, 11, 2, 14, 0, 0, DateTimeKind.Utc), 5L), CancellationToken.None)).ToListAsync(CancellationToken.None);

        var start = athena.Received.First(r => r.Operation == "StartQueryExecution").Json;
        Assert.Equal(["'it''s'", "TIMESTAMP '2026-11-02 14:00:00.000'", "5"], start["ExecutionParameters"]!.AsArray().Select(p => (string)p!));
        Assert.Equal("SELECT 1 WHERE a = ? AND b = ? AND c = ?", (string)start["QueryString"]!);
        Assert.Equal(60, (int)start["ResultReuseConfiguration"]!["ResultReuseByAgeConfiguration"]!["MaxAgeInMinutes"]!);
    }
}

/// <summary>Network failures under a real endpoint: the connection drops before an answer, then recovers.</summary>
public class AwsJsonClientNetworkTests
{
    // Fails the first n sends as a dropped connection does, then lets requests through to the endpoint.
    private sealed class DropFirst(int n) : DelegatingHandler(new HttpClientHandler())
    {
        private int _left = n;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref _left) >= 0
                ? throw new HttpRequestException("An error occurred while sending the request: the response ended prematurely.")
                : base.SendAsync(request, cancellationToken);
    }

    private static AwsJsonClient Client(Uri url, int drops, int maxAttempts) => new(AwsService.Athena, new AwsClientOptions
    {
        Region = "us-east-1", Endpoint = url, Credentials = new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5),
    }, new HttpClient(new DropFirst(drops)));

    [Fact]
    public async Task Call_ConnectionDropsTwice_RetriedAndAnswered()
    {
        using var athena = new FakeAthena();
        using var client = Client(athena.Url, drops: 2, maxAttempts: 4);

        var id = await new AthenaClient(client).StartQueryExecutionAsync(new StartQueryExecutionRequest { QueryString = "SELECT 1", ClientRequestToken = new string('a', 32) }, CancellationToken.None);

        Assert.Equal("q-1", id);
        Assert.Single(athena.Received);
    }

    [Fact]
    public async Task Call_ConnectionKeepsDropping_GivesUpAfterMaxAttempts()
    {
        using var athena = new FakeAthena();
        using var client = Client(athena.Url, drops: 10, maxAttempts: 3);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.CallAsync("GetQueryExecution", new QueryExecutionIdRequest("q-1"), CancellationToken.None));
        Assert.Empty(athena.Received);
    }
}
