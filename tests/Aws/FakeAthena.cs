using System.Collections.Concurrent;

namespace Analytics.Tests.Aws;

/// <summary>
/// Athena as its API documentation describes it, served by <see cref="FakeAwsEndpoint"/>: StartQueryExecution gives
/// q-1, q-2…; each run's GetQueryExecution answers follow a script of states (the last repeats); GetQueryResults pages
/// the rows 1,000 at a time with the header row first on the first page; StopQueryExecution makes the run CANCELLED.
/// Answers may be scripted to fail first (throttling, 5xx).
/// </summary>
public sealed class FakeAthena : IDisposable
{
    private readonly ConcurrentDictionary<string, Queue<string>> _states = new();
    private readonly ConcurrentDictionary<string, bool> _stopped = new();
    private readonly ConcurrentDictionary<string, int> _runOf = new();
    private int _runs;

    public FakeAthena() => Endpoint = new FakeAwsEndpoint(Handle);

    public FakeAwsEndpoint Endpoint { get; }

    public Uri Url => Endpoint.Url;

    /// <summary>The states of each run in start order; a run beyond the list gets the last script.</summary>
    public List<string[]> Scripts { get; } = [["QUEUED", "RUNNING", "SUCCEEDED"]];

    /// <summary>The AthenaError of a FAILED state, by run number (1-based).</summary>
    public Dictionary<int, object> Errors { get; } = [];

    /// <summary>Answers given instead of the next ones, by operation, in order (throttling, 5xx…).</summary>
    public Dictionary<string, Queue<FakeResponse>> Faults { get; } = [];

    /// <summary>When set, runs each started query (its SQL and ExecutionParameters) and serves what it returns, instead of <see cref="Columns"/> and <see cref="Rows"/>.</summary>
    public Func<string, IReadOnlyList<string>, (List<(string Name, string Type)> Columns, List<string?[]> Rows)>? Execute { get; set; }

    private readonly ConcurrentDictionary<string, (List<(string Name, string Type)> Columns, List<string?[]> Rows)> _results = new();

    /// <summary>The result's columns: name and Athena type.</summary>
    public List<(string Name, string Type)> Columns { get; } = [];

    /// <summary>The result's rows, every value a string or null, as Athena sends them.</summary>
    public List<string?[]> Rows { get; } = [];

    public long DataScannedInBytes { get; set; } = 123_456_789;

    /// <summary>The execution id of run n (1-based).</summary>
    public Func<int, string> IdOf { get; set; } = run => $"q-{run}";

    public bool Reused { get; set; }

    public string StatementType { get; set; } = "DML";

    public IReadOnlyList<ReceivedRequest> Received => Endpoint.Received;

    public IEnumerable<string> Operations => Endpoint.Operations;

    private FakeResponse Handle(ReceivedRequest request)
    {
        if (Faults.TryGetValue(request.Operation, out var faults) && faults.Count > 0) return faults.Dequeue();
        var body = request.Json;
        switch (request.Operation)
        {
            case "StartQueryExecution":
            {
                var run = Interlocked.Increment(ref _runs);
                var id = IdOf(run);
                _runOf[id] = run;
                if (Execute is not null)
                    _results[id] = Execute((string)body["QueryString"]!, body["ExecutionParameters"]?.AsArray().Select(p => (string)p!).ToList() ?? []);
                _states[id] = new Queue<string>(Scripts[Math.Min(run, Scripts.Count) - 1]);
                return FakeResponse.Ok(new { QueryExecutionId = id });
            }
            case "GetQueryExecution":
            {
                var id = (string)body["QueryExecutionId"]!;
                var states = _states[id];
                var state = _stopped.ContainsKey(id) ? "CANCELLED" : states.Count > 1 ? states.Dequeue() : states.Peek();
                var run = _runOf[id];
                return FakeResponse.Ok(new
                {
                    QueryExecution = new
                    {
                        QueryExecutionId = id,
                        Query = "SELECT …",
                        StatementType,
                        Status = new Dictionary<string, object?>
                        {
                            ["State"] = state,
                            ["SubmissionDateTime"] = 1.7643e9,
                            ["AthenaError"] = state == "FAILED" ? Errors.GetValueOrDefault(run) : null,
                            ["StateChangeReason"] = state == "CANCELLED" ? "Query was cancelled by the user" : null,
                        },
                        Statistics = new
                        {
                            EngineExecutionTimeInMillis = 1400,
                            DataScannedInBytes,
                            TotalExecutionTimeInMillis = 1800,
                            QueryQueueTimeInMillis = 250,
                            ResultReuseInformation = new { ReusedPreviousResult = Reused },
                        },
                        WorkGroup = "primary",
                    },
                });
            }
            case "GetQueryResults":
            {
                var page = body["NextToken"] is { } token ? int.Parse(((string)token!)["page-".Length..], System.Globalization.CultureInfo.InvariantCulture) : 1;
                var max = (int)body["MaxResults"]!;
                var (columns, data) = _results.TryGetValue((string)body["QueryExecutionId"]!, out var executed) ? executed : (Columns, Rows);
                // The header row is the first of the first page.
                var all = new List<string?[]> { columns.Select(c => (string?)c.Name).ToArray() };
                all.AddRange(data);
                var rows = all.Skip((page - 1) * max).Take(max).ToList();
                var next = page * max < all.Count ? $"page-{page + 1}" : null;
                return FakeResponse.Ok(new
                {
                    UpdateCount = 0,
                    ResultSet = new
                    {
                        Rows = rows.Select(r => new { Data = r.Select(v => v is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["VarCharValue"] = v }) }),
                        ResultSetMetadata = new
                        {
                            ColumnInfo = columns.Select(c => new { CatalogName = "hive", SchemaName = "", TableName = "", c.Name, Label = c.Name, c.Type, Precision = 0, Scale = 0, Nullable = "UNKNOWN", CaseSensitive = c.Type == "varchar" }),
                        },
                    },
                    NextToken = next,
                });
            }
            case "StopQueryExecution":
                _stopped[(string)body["QueryExecutionId"]!] = true;
                return FakeResponse.Ok(new { });
            default:
                return FakeResponse.Error(400, "InvalidRequestException", $"unknown operation {request.Operation}");
        }
    }

    public void Dispose() => Endpoint.Dispose();
}
