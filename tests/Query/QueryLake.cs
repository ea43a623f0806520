using System.Text.Json;
using Analytics.Ingest.Input;
using Analytics.Generator;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Output;

namespace Analytics.Tests.Query;

/// <summary>
/// A lake built from two generated weeks (with redeliveries and out-of-order versions) plus the corpus, and
/// the raw events themselves, read straight from the generated JSON, so tests compute expected answers
/// without the normalizers or SQL.
/// </summary>
public sealed class QueryLake : IAsyncLifetime
{
    private readonly TempFolder _temp = Some.TempFolder();

    /// <summary>The first day generated.</summary>
    public static readonly DateTime Start = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Days generated.</summary>
    public const int Days = 14;

    /// <summary>The lake folder.</summary>
    public string Lake => _temp.Sub("lake");

    /// <summary>The generated input folder.</summary>
    public string Events => _temp.Sub("events");

    /// <summary>Every generated event, once per delivery (redeliveries included), as parsed JSON.</summary>
    public List<JsonElement> Deliveries { get; } = [];

    /// <summary>Every generated collector page (Trusted Advisor), as parsed JSON: <c>{"collected": {…}, "response": {…}}</c>.</summary>
    public List<JsonElement> Pages { get; } = [];

    /// <summary>The engine over the lake.</summary>
    internal DuckDbEngine Engine { get; private set; } = null!;

    /// <summary>
    /// The engine over a second lake built from the same events delivered twice: first every object again with
    /// its records in reverse order (so later versions arrive before earlier ones), then the originals.
    /// </summary>
    internal DuckDbEngine Redelivered { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        new EventGenerator(new GeneratorOptions { Days = Days, TaskEventsPerDay = 1000, TruncatedRecords = 0, Seed = 5 }).WriteTo(Events);
        await Some.IngestAsync(Lake, Events, Some.Corpus);
        foreach (var file in Directory.GetFiles(Events, "*", SearchOption.AllDirectories))
        {
            using var input = InputObject.FromBytes(file, File.ReadAllBytes(file), DateTime.UnixEpoch);
            var data = input.Data;
            foreach (var segment in RecordSplitter.Split(data.Span))
                if (segment.IsWellFormed)
                {
                    var record = JsonDocument.Parse(data.Slice(segment.Start, segment.Length)).RootElement.Clone();
                    (record.TryGetProperty("collected", out _) ? Pages : Deliveries).Add(record);
                }
        }
        Engine = await DuckDbEngine.OpenAsync(Lake, CancellationToken.None);

        var again = _temp.Sub("again");
        Directory.CreateDirectory(again);
        var n = 0;
        foreach (var file in Directory.GetFiles(Events, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var input = InputObject.FromBytes(file, File.ReadAllBytes(file), DateTime.UnixEpoch);
            var data = input.Data;
            var records = RecordSplitter.Split(data.Span).Where(r => r.IsWellFormed).Select(r => System.Text.Encoding.UTF8.GetString(data.Span.Slice(r.Start, r.Length))).Reverse();
            await File.WriteAllLinesAsync(Path.Combine(again, $"{n++:D5}.json"), records);
        }
        await Some.IngestAsync(_temp.Sub("lake2"), again);
        await Some.IngestAsync(_temp.Sub("lake2"), Events, Some.Corpus);
        Redelivered = await DuckDbEngine.OpenAsync(_temp.Sub("lake2"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Redelivered.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Distinct events of one detail type (a redelivery is the same id), as their detail objects with the envelope time.</summary>
    public IEnumerable<(string Id, DateTime Time, JsonElement Detail, JsonElement Event)> Events_(string detailType) =>
        Deliveries.Where(e => e.GetProperty("detail-type").GetString() == detailType)
            .DistinctBy(e => e.GetProperty("id").GetString())
            .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("time").GetDateTime().ToUniversalTime(), e.GetProperty("detail"), e));

    /// <summary>A JSON string property, or null when it is missing or not a string.</summary>
    public static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The Monday (UTC) of the ISO week of <paramref name="t"/>.</summary>
    public static DateOnly Monday(DateTime t) => DateOnly.FromDateTime(t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)));

    /// <summary>
    /// A deployment as ECS documents it: each start (SERVICE_DEPLOYMENT_IN_PROGRESS) of an id begins one, lasting to the
    /// next start of that id. A circuit-breaker rollback starts the good deployment's id again ("rolling back to
    /// deploymentId X" names X) and undoes the deployment whose SERVICE_DEPLOYMENT_FAILED came last before it in the service.
    /// </summary>
    public sealed record DeploymentLife(string Service, string Id, DateTime Start, bool IsRollback, bool Failed, bool Completed, string? RollsBack);

    /// <summary>Every deployment of the raw events, read as <see cref="DeploymentLife"/> says.</summary>
    public List<DeploymentLife> DeploymentLives()
    {
        var events = Events_("ECS Deployment State Change")
            .Select(e => (Service: e.Event.GetProperty("resources")[0].GetString()!.Split('/')[^1], Id: Str(e.Detail, "deploymentId")!,
                Name: Str(e.Detail, "eventName"), Reason: Str(e.Detail, "reason") ?? "", Time: e.Detail.GetProperty("updatedAt").GetDateTime().ToUniversalTime()))
            .OrderBy(e => e.Time).ToList();
        var starts = events.Where(e => e.Name == "SERVICE_DEPLOYMENT_IN_PROGRESS").ToList();
        return starts.Select(start =>
        {
            var next = starts.Where(e => e.Service == start.Service && e.Id == start.Id && e.Time > start.Time).Select(e => (DateTime?)e.Time).FirstOrDefault();
            var own = events.Where(e => e.Service == start.Service && e.Id == start.Id && e.Time >= start.Time && (next is null || e.Time < next)).ToList();
            var isRollback = start.Reason.Contains("rolling back to deploymentId", StringComparison.Ordinal);
            var undone = isRollback ? events.LastOrDefault(e => e.Service == start.Service && e.Id != start.Id && e.Name == "SERVICE_DEPLOYMENT_FAILED" && e.Time <= start.Time).Id : null;
            return new DeploymentLife(start.Service, start.Id, start.Time, isRollback, own.Any(e => e.Name == "SERVICE_DEPLOYMENT_FAILED"),
                own.Any(e => e.Name == "SERVICE_DEPLOYMENT_COMPLETED"), undone);
        }).ToList();
    }

    /// <summary>Tasks with a container killed for memory (reason OutOfMemoryError…), counted in the week of their first such event.</summary>
    public Dictionary<DateOnly, long> OomKilledTasksPerWeek() =>
        Events_("ECS Task State Change")
            .Where(e => e.Detail.GetProperty("containers").EnumerateArray().Any(c => Str(c, "reason")?.StartsWith("OutOfMemoryError", StringComparison.Ordinal) == true))
            .GroupBy(e => Str(e.Detail, "taskArn")).Select(g => Monday(g.Min(e => e.Time)))
            .GroupBy(m => m).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>Each task's final state: the task event with the highest detail.version.</summary>
    public List<JsonElement> LatestTaskStates() =>
        Events_("ECS Task State Change").Select(e => e.Detail)
            .GroupBy(d => d.GetProperty("taskArn").GetString())
            .Select(g => g.MaxBy(d => d.GetProperty("version").GetInt64()))
            .ToList();

    /// <summary>
    /// A task's final state is a failure as AWS's stopped-task guide describes them: an essential container that exited
    /// non-zero (OOM kills included), a task killed for failing its health checks, a task that failed to start.
    /// </summary>
    public static bool IsFailure(JsonElement task)
    {
        var containers = task.GetProperty("containers").EnumerateArray().ToList();
        var reason = Str(task, "stoppedReason") ?? "";
        return Str(task, "stopCode") switch
        {
            "TaskFailedToStart" => true,
            // ECS stops the other containers (143 or 137) once an essential one exits: an exit 0 beside only those finished.
            "EssentialContainerExited" when containers.Any(c => Str(c, "reason")?.StartsWith("OutOfMemoryError", StringComparison.Ordinal) == true) => true,
            "EssentialContainerExited" => ExitCodes(containers) is var exits && !(exits.Contains(0) && exits.All(x => x is 0 or 143 or 137)),
            "ServiceSchedulerInitiated" => reason.Contains("failed ELB health checks", StringComparison.Ordinal) || reason.Contains("failed container health checks", StringComparison.Ordinal),
            _ => false,
        };
    }

    private static List<int> ExitCodes(List<JsonElement> containers) =>
        containers.Where(c => c.TryGetProperty("exitCode", out _)).Select(c => c.GetProperty("exitCode").GetInt32()).ToList();

    /// <summary>A resource a Trusted Advisor result listed (TrustedAdvisorResourceDetail).</summary>
    public sealed record AdvisorResource(string Id, string? Status, bool Suppressed, IReadOnlyList<string?> Values)
    {
        /// <summary>A finding: status warning or error, and not suppressed by the user ("ignored by Trusted Advisor").</summary>
        public bool IsFinding => Status is "warning" or "error" && !Suppressed;
    }

    /// <summary>A Trusted Advisor refresh as its collected result page gave it: the check, its pillar (stored with the page), the refresh time, the savings and the resources listed.</summary>
    public sealed record AdvisorRefresh(string Check, string? Pillar, DateTime At, double Savings, IReadOnlyList<AdvisorResource> Resources)
    {
        /// <summary>The ids of the resources that are findings.</summary>
        public HashSet<string> Findings => Resources.Where(r => r.IsFinding).Select(r => r.Id).ToHashSet();
    }

    /// <summary>Every Trusted Advisor refresh of the generated pages, read from the raw DescribeTrustedAdvisorCheckResult pages.</summary>
    public List<AdvisorRefresh> AdvisorRefreshes() =>
        Pages.Where(p => Str(p.GetProperty("collected"), "operation") == "DescribeTrustedAdvisorCheckResult")
            .Select(p => (Check: p.GetProperty("collected").GetProperty("check"), Result: p.GetProperty("response").GetProperty("result")))
            .Select(p => new AdvisorRefresh(p.Result.GetProperty("checkId").GetString()!, Str(p.Check, "category"),
                DateTime.Parse(p.Result.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal),
                p.Result.GetProperty("categorySpecificSummary").GetProperty("costOptimizing").GetProperty("estimatedMonthlySavings").GetDouble(),
                [.. p.Result.GetProperty("flaggedResources").EnumerateArray().Select(r => new AdvisorResource(r.GetProperty("resourceId").GetString()!, Str(r, "status"),
                    r.GetProperty("isSuppressed").GetBoolean(), [.. r.GetProperty("metadata").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : null)]))]))
            .ToList();

    /// <summary>Runs a catalog query with the given parameters and returns its rows as dictionaries.</summary>
    public Task<List<Dictionary<string, object?>>> RunAsync(string name, params (string Name, string Value)[] parameters) =>
        RunOnAsync(Engine, name, parameters);

    /// <summary>Runs a catalog query on <paramref name="engine"/>.</summary>
    internal static async Task<List<Dictionary<string, object?>>> RunOnAsync(IQueryEngine engine, string name, params (string Name, string Value)[] parameters)
    {
        var query = QueryCatalog.Default.Get(name);
        var values = ParameterParser.Parse(query, parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)));
        return await Rows(await engine.RunAsync(query.Render(values), CancellationToken.None));
    }

    /// <summary>The whole generated range as from/to parameters.</summary>
    public static (string, string)[] WholeRange => [("from", "2026-11-02T00:00:00Z"), ("to", "2026-11-16T00:00:00Z")];

    /// <summary>A result's rows as dictionaries keyed by column name.</summary>
    internal static async Task<List<Dictionary<string, object?>>> Rows(QueryResult result)
    {
        var rows = new List<Dictionary<string, object?>>();
        await foreach (var batch in result.Batches)
        {
            for (var r = 0; r < batch.Length; r++)
                rows.Add(result.Schema.FieldsList.Select((f, c) => (f.Name, Value: Cells.Value(batch.Column(c), r)))
                    .ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal));
        }
        return rows;
    }
}

[CollectionDefinition(nameof(QueryLake))]
public sealed class QueryLakeCollection : ICollectionFixture<QueryLake>;
