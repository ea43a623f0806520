using System.Globalization;

namespace Analytics.Generator;

/// <summary>
/// Writes a realistic, deterministic stream of EventBridge events as Firehose delivers them to S3: one
/// object per few hundred records under <c>YYYY/MM/dd/HH/</c> by arrival time, records concatenated with no
/// delimiter or newline-delimited, mostly gzip (sometimes without the extension), with redeliveries,
/// versions arriving out of order and records cut short. The story: services scale, deploy and roll back,
/// tasks crash-loop and get OOM-killed, Spot capacity is reclaimed, Health events open and close, and
/// Support cases are opened, answered and resolved. Beside them, the Trusted Advisor pages the collector would have
/// stored (<c>collected/…</c>): the organization view of each Health event, and the Trusted Advisor checks, each check's daily refresh and the summaries.
/// </summary>
/// <param name="options">What to generate.</param>
public sealed partial class EventGenerator(GeneratorOptions options)
{
    private const string Account = "123456789012";
    private const string Region = "us-east-1";
    private static readonly string[] Services = ["payments", "checkout", "catalog", "search", "notifications", "worker"];
    private static readonly double[] ServiceWeights = [0.22, 0.2, 0.18, 0.16, 0.12, 0.12];

    private readonly Random _rng = new(options.Seed);
    private readonly List<Pending> _records = [];
    private readonly GeneratorManifest _manifest = new();
    private readonly Dictionary<string, (long Version, string Status)> _latest = new(StringComparer.Ordinal);
    private int _ids;
    private HashSet<Pending> _truncated = [];
    // Each service's deployment before the first day, then the last that completed: what started its tasks. Ids are
    // dated (19 digits, as ECS's are), so that weeks generated from different starts never share one.
    private readonly Dictionary<string, string> _primary =
        Services.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => $"ecs-svc/{options.Start.AddDays(-1):yyyyMMdd}{x.i:D11}", StringComparer.Ordinal);

    private sealed record Pending(DateTime Arrival, byte[] Json, bool IsCopy, bool Truncatable, string? Task = null, long Version = 0);

    /// <summary>Generates the events and writes the objects under <paramref name="folder"/>; returns what was written.</summary>
    public GeneratorManifest WriteTo(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var end = options.Start.AddDays(options.Days).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        for (var day = 0; day < options.Days; day++)
        {
            var start = options.Start.AddDays(day).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            GenerateDay(start, end, day);
        }
        foreach (var (task, latest) in _latest) _manifest.LatestTaskStatus[task] = latest.Status;
        ChooseTruncated();
        AddRedeliveries();
        WriteObjects(folder);
        WritePages(folder);
        return _manifest;
    }

    private void GenerateDay(DateTime day, DateTime end, int dayIndex)
    {
        // The incident: on the first day, a bad deployment of payments (task definition revision 42) starts at
        // 13:57; from 14:00 to 15:10 its tasks crash on start or fail their load balancer's health checks, until
        // the circuit breaker fails the deployment at 15:12 and rolls back.
        var incidentStart = day.AddHours(14);
        var incidentEnd = day.AddHours(15).AddMinutes(10);
        // Deployments are planned first, so that each task names the deployment that started it (startedBy).
        var plans = new List<DeploymentPlan>();
        foreach (var service in Services)
        {
            var deployments = 1 + _rng.Next(2);
            for (var d = 0; d < deployments; d++) plans.Add(new DeploymentPlan(service, day.AddSeconds(_rng.NextDouble() * 80000), null, NewDeploymentId(day)));
        }
        DeploymentPlan? bad = null;
        if (dayIndex == 0)
        {
            var failedAt = incidentStart.AddMinutes(-3).AddMinutes(75);
            bad = new DeploymentPlan("payments", incidentStart.AddMinutes(-3), failedAt, NewDeploymentId(day));
            // The circuit breaker returns the service to the last deployment that completed, under that deployment's
            // own id (ECS's DeploymentCircuitBreaker): the rollback starts the good id again.
            var good = plans.Where(p => p.Service == "payments" && p.At < bad.At.AddMinutes(-12)).MaxBy(p => p.At)?.Id ?? _primary["payments"];
            _ = NewDeploymentId(day); // keeps the random sequence, so the rest of the day is as it was
            plans.Add(bad);
            plans.Add(new DeploymentPlan("payments", failedAt.AddSeconds(5), null, good, RollsBack: bad));
        }
        plans.Sort((a, b) => a.At.CompareTo(b.At));

        var tasks = Math.Max(1, options.TaskEventsPerDay / 4);
        for (var i = 0; i < tasks; i++)
        {
            var service = Pick();
            var started = day.AddSeconds(_rng.NextDouble() * 86400);
            var crashLoop = dayIndex == 0 && service == "payments" && started >= incidentStart && started < incidentEnd;
            var startedBy = service == "worker" ? "events-rule/nightly"
                : crashLoop ? bad!.Id
                : plans.LastOrDefault(p => p.Service == service && p.At <= started && p.FailedAt is null)?.Id ?? _primary[service];
            Task(service, started, crashLoop, end, startedBy);
        }
        // The bad deployment keeps replacing its failed tasks, one every few minutes, whatever the day's volume.
        if (bad is not null)
            for (var t = incidentStart.AddMinutes(_rng.NextDouble() * 3); t < incidentEnd; t = t.AddMinutes(3 + _rng.NextDouble() * 4))
                Task("payments", t, crashLoop: true, end, bad.Id);
        foreach (var plan in plans)
        {
            Deployment(plan);
            if (plan.FailedAt is null) _primary[plan.Service] = plan.Id;
        }
        for (var p = 0; p < 2 + _rng.Next(3); p++) PlacementFailure(Services[_rng.Next(Services.Length)], day.AddSeconds(_rng.NextDouble() * 86000));
        for (var c = 0; c < 3; c++) ContainerInstance(day.AddSeconds(_rng.NextDouble() * 86000), c);
        Health(day.AddHours(13).AddMinutes(50 + _rng.Next(10)), day);
        SupportCase(day.AddHours(14).AddMinutes(20), day);
        TrustedAdvisor(day, dayIndex);
    }

    /// <summary>A deployment of the day: when it starts, when it fails (null if it completes), and the deployment it rolls back.</summary>
    private sealed record DeploymentPlan(string Service, DateTime At, DateTime? FailedAt, string Id, DeploymentPlan? RollsBack = null);

    private string NewDeploymentId(DateTime day) => $"ecs-svc/{day:yyyyMMdd}{_rng.NextInt64(1_000_000_000_000_000_000, long.MaxValue) % 100_000_000_000:D11}";

    private string Pick()
    {
        var x = _rng.NextDouble();
        for (var i = 0; i < Services.Length; i++) if ((x -= ServiceWeights[i]) < 0) return Services[i];
        return Services[^1];
    }

    private string NewId() => new Guid(_rng.Next(), (short)_rng.Next(), (short)_rng.Next(), (byte)_rng.Next(256), (byte)_rng.Next(256),
        (byte)_rng.Next(256), (byte)_rng.Next(256), (byte)_rng.Next(256), (byte)_rng.Next(256), (byte)_rng.Next(256), (byte)(_ids++ & 0xff)).ToString();

    private static string Cluster(string service) => service == "worker" ? "batch" : "prod";

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Rfc1123(DateTime t) => t.ToString("ddd, d MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);

    private DateTime Arrive(DateTime time) =>
        // Most events arrive within seconds; a few are held back for minutes, so later versions can overtake them.
        time.AddSeconds(_rng.NextDouble() < 0.03 ? 60 + _rng.NextDouble() * 600 : 0.2 + _rng.NextDouble() * 4);

    private void Add(DateTime time, byte[] json, bool truncatable = false, string? task = null, long version = 0) =>
        _records.Add(new Pending(Arrive(time), json, false, truncatable, task, version));

    // Truncated records are never redelivered, so each one is an event the lake must not have.
    private void ChooseTruncated()
    {
        var candidates = _records.Where(r => r.Truncatable).ToList();
        var chosen = new HashSet<Pending>(ReferenceEqualityComparer.Instance);
        while (chosen.Count < Math.Min(options.TruncatedRecords, candidates.Count)) chosen.Add(candidates[_rng.Next(candidates.Count)]);
        foreach (var _ in chosen)
        {
            _manifest.Truncated++;
            _manifest.Expect("ecs_task_events", -1);
            _manifest.Expect("ecs_container_states", -2);
        }
        _truncated = chosen;
    }

    private void AddRedeliveries()
    {
        var originals = _records.ToList();
        foreach (var record in originals)
        {
            if (_truncated.Contains(record) || _rng.NextDouble() >= options.RedeliveryRate) continue;
            _records.Add(record with { Arrival = record.Arrival.AddMinutes(1 + _rng.NextDouble() * 30), IsCopy = true, Truncatable = false });
            _manifest.Duplicates++;
        }
    }
}
