using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Analytics.Tests.Aws;

/// <summary>
/// Athena as its API documentation describes it, served by <see cref="FakeAwsEndpoint"/>: StartQueryExecution gives
/// q-1, q-2…; each run's GetQueryExecution answers follow a script of states (the last repeats); GetQueryResults pages
/// the rows 1,000 at a time with the header row first on the first page; StopQueryExecution makes the run CANCELLED.
/// Answers may be scripted to fail first (throttling, 5xx).
/// </summary>
public sealed partial class FakeAthena : IDisposable
{
    private readonly ConcurrentDictionary<string, Queue<string>> _states = new();
    private readonly ConcurrentDictionary<string, bool> _stopped = new();
    private readonly ConcurrentDictionary<string, int> _runOf = new();
    private int _runs;

    private readonly ConcurrentDictionary<string, DateTime> _startedAt = new();
    private int _inFlight;
    private int _maxInFlight;

    public FakeAthena() => Endpoint = new FakeAwsEndpoint(Handle);

    /// <summary>How long a query runs: GetQueryExecution says RUNNING until this long after its start, then its script's last state.</summary>
    public TimeSpan QueryLatency { get; set; }

    /// <summary>The most queries started and not yet read to their last result page at any one time.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

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

    /// <summary>Where Athena wrote the result of an execution (ResultConfiguration.OutputLocation); null for none.</summary>
    public Func<string, string?> OutputLocationOf { get; set; } = _ => null;

    /// <summary>The execution id of run n (1-based).</summary>
    public Func<int, string> IdOf { get; set; } = run => $"q-{run}";

    public bool Reused { get; set; }

    public string StatementType { get; set; } = "DML";

    /// <summary>DDL containing this text fails (as a statement refused by Lake Formation would).</summary>
    public string? RefuseDdlContaining { get; set; }

    /// <summary>The columns Athena derives for a view from its SQL, by view name.</summary>
    public Func<string, IReadOnlyList<string>> ViewColumnsOf { get; set; } = _ => [];

    /// <summary>The Glue catalog's databases.</summary>
    public HashSet<string> Databases { get; } = [];

    /// <summary>The Glue catalog's tables by database.table: columns (name, type) and properties.</summary>
    public ConcurrentDictionary<string, (List<(string Name, string Type)> Columns, Dictionary<string, string> Parameters)> Tables { get; } = new();

    public IReadOnlyList<ReceivedRequest> Received => Endpoint.Received;

    private static FakeResponse NotFound(string what) => FakeResponse.Error(400, "MetadataException", $"{what} not found (Service: AmazonDataCatalog; Status Code: 400; Error Code: EntityNotFoundException)");

    // DDL as Athena's catalog applies it, for the statements the setup sends (one per call; two are refused).
    private string? ApplyDdl(string sql)
    {
        var statement = sql.Trim();
        if (RefuseDdlContaining is not null && statement.Contains(RefuseDdlContaining, StringComparison.Ordinal)) return $"Insufficient permissions to execute the query on {RefuseDdlContaining}";
        if (StatementSplit().IsMatch(QuotedText().Replace(statement, "''"))) return "Only one sql statement is allowed";
        Match m;
        if ((m = CreateDatabase().Match(statement)).Success) { Databases.Add(m.Groups[1].Value); return null; }
        if ((m = CreateView().Match(statement)).Success)
        {
            Tables[$"{m.Groups[1].Value}.{m.Groups[2].Value}"] = (ViewColumnsOf(m.Groups[2].Value).Select(c => (c, "varchar")).ToList(), new Dictionary<string, string> { ["presto_view"] = "true" });
            return null;
        }
        if ((m = DropTable().Match(statement)).Success) { Tables.TryRemove($"{m.Groups[1].Value}.{m.Groups[2].Value}", out _); return null; }
        if ((m = CreateTable().Match(statement)).Success)
        {
            var key = $"{m.Groups[1].Value}.{m.Groups[2].Value}";
            if (!Databases.Contains(m.Groups[1].Value)) return $"Database {m.Groups[1].Value} not found";
            var columns = m.Groups[3].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => ColumnLine().Match(l)).Where(c => c.Success).Select(c => (c.Groups[1].Value, c.Groups[2].Value)).ToList();
            Tables.TryAdd(key, (columns, Properties(m.Groups[4].Value)));
            return null;
        }
        if ((m = AddColumns().Match(statement)).Success)
        {
            var table = Tables[$"{m.Groups[1].Value}.{m.Groups[2].Value}"];
            table.Columns.AddRange(m.Groups[3].Value.Split(", `").Select(c => c.Trim('`').Split("` ", 2)).Select(c => (c[0], c[1])));
            return null;
        }
        if ((m = SetProperties().Match(statement)).Success)
        {
            var table = Tables[$"{m.Groups[1].Value}.{m.Groups[2].Value}"];
            foreach (var (k, v) in Properties(m.Groups[3].Value)) table.Parameters[k] = v;
            return null;
        }
        return $"line 1:1: mismatched input '{statement.Split(' ')[0]}'";
    }

    private static Dictionary<string, string> Properties(string text) =>
        PropertyPair().Matches(text).ToDictionary(p => p.Groups[1].Value, p => p.Groups[2].Value);

    [System.Text.RegularExpressions.GeneratedRegex(@";\s*\S")]
    private static partial System.Text.RegularExpressions.Regex StatementSplit();

    [System.Text.RegularExpressions.GeneratedRegex(@"'(?:[^'\\]|\\.)*'")]
    private static partial System.Text.RegularExpressions.Regex QuotedText();

    [System.Text.RegularExpressions.GeneratedRegex(@"^CREATE DATABASE IF NOT EXISTS `([a-z0-9_]+)`")]
    private static partial System.Text.RegularExpressions.Regex CreateDatabase();

    [System.Text.RegularExpressions.GeneratedRegex(@"^CREATE OR REPLACE VIEW `([a-z0-9_]+)`\.`([a-z0-9_]+)` AS\n\s*(SELECT|WITH)")]
    private static partial System.Text.RegularExpressions.Regex CreateView();

    [System.Text.RegularExpressions.GeneratedRegex(@"^DROP TABLE IF EXISTS `([a-z0-9_]+)`\.`([a-z0-9_]+)`$")]
    private static partial System.Text.RegularExpressions.Regex DropTable();

    [System.Text.RegularExpressions.GeneratedRegex(@"^CREATE EXTERNAL TABLE IF NOT EXISTS `([a-z0-9_]+)`\.`([a-z0-9_]+)` \(\n(.*?)\n\)\nCOMMENT .*TBLPROPERTIES \((.*)\)$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex CreateTable();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*`([a-z0-9_]+)` (\S+)")]
    private static partial System.Text.RegularExpressions.Regex ColumnLine();

    [System.Text.RegularExpressions.GeneratedRegex(@"^ALTER TABLE `([a-z0-9_]+)`\.`([a-z0-9_]+)` ADD COLUMNS \((.*)\)$")]
    private static partial System.Text.RegularExpressions.Regex AddColumns();

    [System.Text.RegularExpressions.GeneratedRegex(@"^ALTER TABLE `([a-z0-9_]+)`\.`([a-z0-9_]+)` SET TBLPROPERTIES \((.*)\)$", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex SetProperties();

    [System.Text.RegularExpressions.GeneratedRegex(@"'([^']+)'='([^']*)'")]
    private static partial System.Text.RegularExpressions.Regex PropertyPair();

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
                _startedAt[id] = DateTime.UtcNow;
                var inFlight = Interlocked.Increment(ref _inFlight);
                if (inFlight > _maxInFlight) _maxInFlight = inFlight;
                _states[id] = new Queue<string>(Scripts[Math.Min(run, Scripts.Count) - 1]);
                var ddl = (string)body["QueryString"]!;
                if (ddl.StartsWith("CREATE ", StringComparison.Ordinal) || ddl.StartsWith("ALTER ", StringComparison.Ordinal) || ddl.StartsWith("DROP ", StringComparison.Ordinal))
                {
                    if (ApplyDdl(ddl) is { } failure)
                    {
                        _states[id] = new Queue<string>(["FAILED"]);
                        Errors[run] = new { ErrorCategory = 2, ErrorType = 1301, Retryable = false, ErrorMessage = failure };
                    }
                    else _states[id] = new Queue<string>(["RUNNING", "SUCCEEDED"]);
                }
                else if (Execute is not null)
                    _results[id] = Execute((string)body["QueryString"]!, body["ExecutionParameters"]?.AsArray().Select(p => (string)p!).ToList() ?? []);
                return FakeResponse.Ok(new { QueryExecutionId = id });
            }
            case "GetQueryExecution":
            {
                var id = (string)body["QueryExecutionId"]!;
                var states = _states[id];
                // With a latency, a query runs that long, then has the script's last state at once.
                var state = _stopped.ContainsKey(id) ? "CANCELLED"
                    : QueryLatency > TimeSpan.Zero ? (DateTime.UtcNow - _startedAt.GetValueOrDefault(id) < QueryLatency ? "RUNNING" : states.Last())
                    : states.Count > 1 ? states.Dequeue() : states.Peek();
                var run = _runOf[id];
                return FakeResponse.Ok(new
                {
                    QueryExecution = new
                    {
                        QueryExecutionId = id,
                        Query = "SELECT …",
                        StatementType,
                        ResultConfiguration = OutputLocationOf(id) is { } output ? new { OutputLocation = output } : null,
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
                if (next is null && _startedAt.TryRemove((string)body["QueryExecutionId"]!, out _)) Interlocked.Decrement(ref _inFlight);
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
            case "GetDatabase":
                return Databases.Contains((string)body["DatabaseName"]!) ? FakeResponse.Ok(new { Database = new { Name = (string)body["DatabaseName"]! } }) : NotFound($"Database {body["DatabaseName"]}");
            case "GetTableMetadata":
            {
                var key = $"{body["DatabaseName"]}.{body["TableName"]}";
                if (!Tables.TryGetValue(key, out var table)) return NotFound($"Table {key}");
                return FakeResponse.Ok(new
                {
                    TableMetadata = new
                    {
                        Name = (string)body["TableName"]!,
                        TableType = table.Parameters.ContainsKey("presto_view") ? "VIRTUAL_VIEW" : "EXTERNAL_TABLE",
                        Columns = table.Columns.Select(c => new { c.Name, c.Type }),
                        PartitionKeys = new[] { new { Name = "dt", Type = "string" } },
                        Parameters = table.Parameters.Append(KeyValuePair.Create("EXTERNAL", "TRUE")).ToDictionary(),
                    },
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
