using System.Globalization;
using Analytics.Schemas.Semantics;

namespace Analytics.Ingest.Alerts;

/// <summary>What happened to an alert.</summary>
internal enum AlertChange
{
    /// <summary>It fired.</summary>
    Opened,

    /// <summary>It fired before and has more to say (another failure, a rollback).</summary>
    Updated,

    /// <summary>What it said is over (the service reached steady state, the issue closed, the case was resolved).</summary>
    Resolved,
}

/// <summary>An alert's change, with everything a receiver needs to act on it.</summary>
/// <param name="Id">Stable across its changes and reruns: rule, key and the episode's start.</param>
/// <param name="Change">Opened, updated or resolved.</param>
/// <param name="At">When the change happened (the event's time).</param>
/// <param name="Rule">The rule that raised it.</param>
/// <param name="Severity">critical, error or warning.</param>
/// <param name="Account">The account.</param>
/// <param name="Region">The Region.</param>
/// <param name="Cluster">The cluster, for ECS alerts.</param>
/// <param name="Service">The service, for ECS alerts.</param>
/// <param name="FirstSeen">The episode's first event.</param>
/// <param name="LastSeen">Its latest event.</param>
/// <param name="Summary">One line.</param>
internal sealed record Alert(string Id, AlertChange Change, DateTime At, string Rule, string Severity, string? Account, string? Region, string? Cluster, string? Service,
    DateTime FirstSeen, DateTime LastSeen, string Summary)
{
    /// <summary>The review of the episode's window: from 15 minutes before its first event to 15 minutes after its latest.</summary>
    public string Review => $"dotnet run --project query -- review --from {FirstSeen.AddMinutes(-15):yyyy-MM-dd'T'HH:mm:ss'Z'} --to {LastSeen.AddMinutes(15):yyyy-MM-dd'T'HH:mm:ss'Z'}"
        + (Service is null ? "" : $" --service {Service}") + (Cluster is null ? "" : $" --cluster {Cluster}");

    /// <summary>The service's page in the ECS console; null for other alerts.</summary>
    public string? ConsoleUrl => Cluster is null || Service is null || Region is null ? null
        : $"https://{Region}.console.aws.amazon.com/ecs/v2/clusters/{Uri.EscapeDataString(Cluster)}/services/{Uri.EscapeDataString(Service)}/health?region={Region}";
}

/// <summary>The rules' thresholds and switches.</summary>
internal sealed record AlertOptions
{
    /// <summary>Task failures of one service that open a failing-tasks alert...</summary>
    public int FailingTasks { get; init; } = 3;

    /// <summary>...within this many minutes.</summary>
    public int FailingMinutes { get; init; } = 10;

    /// <summary>Placement failures of one service that open an alert...</summary>
    public int PlacementFailures { get; init; } = 3;

    /// <summary>...within this many minutes.</summary>
    public int PlacementMinutes { get; init; } = 15;

    /// <summary>Support case severities that alert.</summary>
    public IReadOnlySet<string> CaseSeverities { get; init; } = new HashSet<string>(["urgent", "critical"], StringComparer.Ordinal);

    /// <summary>Rules turned off, by name.</summary>
    public IReadOnlySet<string> Off { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>
/// The alert rules, fed the lake's rows in time order; each fact may change alerts, returned as they change. The state it
/// keeps (open episodes, recent failures, tasks and versions seen) is all it needs: a redelivered row changes nothing.
/// Never alerts: Spot interruptions, scale-ins, deployment replacements, stops by a user, completed tasks (they are no
/// failure class: StopClass).
/// </summary>
internal sealed class AlertRules(AlertOptions options)
{
    /// <summary>The rules' names.</summary>
    public static readonly IReadOnlyList<string> Names = ["failing-tasks", "oom-kill", "deployment-failed", "placement-failures", "health-issue", "support-case"];

    private sealed class Episode
    {
        public required string Id { get; init; }
        public required DateTime First { get; init; }
        public DateTime Last { get; set; }
        public int Count { get; set; }
        public Dictionary<string, int> Kinds { get; } = new(StringComparer.Ordinal);
    }

    private readonly HashSet<string> _stoppedTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<(string?, string?, string?), Queue<(DateTime At, string Kind)>> _failures = [];
    private readonly Dictionary<(string?, string?, string?), Queue<DateTime>> _placements = [];
    private readonly Dictionary<(string Rule, string? Account, string? Cluster, string? Service), Episode> _open = [];
    private readonly Dictionary<string, FailedDeployment> _deployments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Episode Episode, string Status)> _health = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Episode> _cases = new(StringComparer.Ordinal);
    private readonly HashSet<string> _regions = new(StringComparer.Ordinal);

    private bool On(string rule) => !options.Off.Contains(rule);

    private static string Stamp(DateTime t) => t.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>What <paramref name="fact"/> changes.</summary>
    public IReadOnlyList<Alert> Add(AlertFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.Region is not null && fact is TaskStopped or DeploymentChanged or ServiceActed) _regions.Add(fact.Region);
        return fact switch
        {
            TaskStopped t => Stopped(t),
            DeploymentChanged d => Deployment(d),
            ServiceActed s => Acted(s),
            HealthChanged h => Health(h),
            CaseObserved c => Case(c),
            _ => [],
        };
    }

    private List<Alert> Stopped(TaskStopped t)
    {
        var alerts = new List<Alert>();
        // A task stops once: its later STOPPED versions and redeliveries are the same stop.
        if (!StopClass.IsFailure(t.StopClass) || !_stoppedTasks.Add(t.TaskArn)) return alerts;
        if (t.StopClass == StopClass.OutOfMemory && On("oom-kill"))
            alerts.Add(new Alert($"oom-kill:{t.TaskArn}:{Stamp(t.At)}", AlertChange.Opened, t.At, "oom-kill", "warning", t.Account, t.Region, t.Cluster, t.Service, t.At, t.At,
                $"{t.Service ?? "a task"}: an essential container was OOM-killed ({TaskId(t.TaskArn)}): {t.Reason}"));
        if (!On("failing-tasks") || t.Service is null) return alerts;
        var key = (t.Account, t.Cluster, t.Service);
        var recent = _failures.TryGetValue(key, out var q) ? q : _failures[key] = new();
        recent.Enqueue((t.At, t.StopClass!));
        while (recent.Count > 0 && recent.Peek().At < t.At.AddMinutes(-options.FailingMinutes)) recent.Dequeue();
        var episodeKey = ("failing-tasks", t.Account, t.Cluster, t.Service);
        if (_open.TryGetValue(episodeKey, out var open))
        {
            open.Last = t.At;
            open.Count++;
            open.Kinds[t.StopClass!] = open.Kinds.GetValueOrDefault(t.StopClass!) + 1;
            alerts.Add(Failing(open, AlertChange.Updated, t));
        }
        else if (recent.Count >= options.FailingTasks)
        {
            var first = recent.Peek().At;
            var episode = new Episode { Id = $"failing-tasks:{t.Account}/{t.Cluster}/{t.Service}:{Stamp(first)}", First = first, Last = t.At, Count = recent.Count };
            foreach (var (_, kind) in recent) episode.Kinds[kind] = episode.Kinds.GetValueOrDefault(kind) + 1;
            _open[episodeKey] = episode;
            alerts.Add(Failing(episode, AlertChange.Opened, t));
        }
        return alerts;
    }

    private static string TaskId(string arn) => arn[(arn.LastIndexOf('/') + 1)..];

    private Alert Failing(Episode e, AlertChange change, TaskStopped t) =>
        new(e.Id, change, t.At, "failing-tasks", "error", t.Account, t.Region, t.Cluster, t.Service, e.First, e.Last,
            $"{t.Service}: {e.Count} tasks failed since {e.First:HH:mm} UTC ({string.Join(", ", e.Kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} ×{k.Value}"))})");

    private List<Alert> Deployment(DeploymentChanged d)
    {
        var alerts = new List<Alert>();
        if (!On("deployment-failed") || d.DeploymentId is null) return alerts;
        if (d.EventName == "SERVICE_DEPLOYMENT_FAILED" && !_deployments.ContainsKey(d.DeploymentId))
        {
            var episode = new Episode { Id = $"deployment-failed:{d.DeploymentId}:{Stamp(d.At)}", First = d.At, Last = d.At };
            _deployments[d.DeploymentId] = new FailedDeployment(episode, d.Cluster, d.Service);
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, d.At, "deployment-failed", "error", d.Account, d.Region, d.Cluster, d.Service, d.At, d.At,
                $"{d.Service}: deployment {d.DeploymentId} failed: {d.Reason}"));
        }
        else if (d.EventName == "SERVICE_DEPLOYMENT_IN_PROGRESS" && RollsBackTo(d.Reason) is { } good)
        {
            // ECS rolls back under the good deployment's id ("rolling back to deploymentId X" names the good one): the
            // failed one is this service's latest failure not rolled back yet (DOMAIN.md; as deployment-outcomes says).
            var failed = _deployments.Where(x => x.Value.RollsBackTo is null && x.Value.Cluster == d.Cluster && x.Value.Service == d.Service)
                .OrderByDescending(x => x.Value.Episode.First).Select(x => (Id: x.Key, Failed: x.Value)).FirstOrDefault();
            if (failed.Id is not null)
            {
                failed.Failed.Episode.Last = d.At;
                failed.Failed.RollsBackTo = good;
                alerts.Add(new Alert(failed.Failed.Episode.Id, AlertChange.Updated, d.At, "deployment-failed", "error", d.Account, d.Region, d.Cluster, d.Service, failed.Failed.Episode.First, d.At,
                    $"{d.Service}: deployment {failed.Id} failed; the circuit breaker is rolling back to {good}"));
            }
        }
        else if (d.EventName == "SERVICE_DEPLOYMENT_COMPLETED")
            foreach (var (id, failed) in _deployments.Where(x => !x.Value.Done && x.Value.RollsBackTo == d.DeploymentId && x.Value.Cluster == d.Cluster && x.Value.Service == d.Service).ToList())
            {
                failed.Episode.Last = d.At;
                failed.Done = true;
                alerts.Add(new Alert(failed.Episode.Id, AlertChange.Resolved, d.At, "deployment-failed", "error", d.Account, d.Region, d.Cluster, d.Service, failed.Episode.First, d.At,
                    $"{d.Service}: rolled back to {d.DeploymentId}, which completed; deployment {id} had failed"));
            }
        return alerts;
    }

    private sealed class FailedDeployment(Episode episode, string? cluster, string? service)
    {
        public Episode Episode { get; } = episode;
        public string? Cluster { get; } = cluster;
        public string? Service { get; } = service;
        public string? RollsBackTo { get; set; }
        public bool Done { get; set; }
    }

    private static string? RollsBackTo(string? reason)
    {
        const string Marker = "rolling back to deploymentId ";
        var i = reason?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        return i < 0 ? null : new string(reason![(i + Marker.Length)..].TakeWhile(c => !char.IsWhiteSpace(c) && c != '.').ToArray());
    }

    private List<Alert> Acted(ServiceActed s)
    {
        var alerts = new List<Alert>();
        if (s.EventName == "SERVICE_STEADY_STATE")
        {
            foreach (var rule in new[] { "failing-tasks", "placement-failures" })
                if (_open.Remove((rule, s.Account, s.Cluster, s.Service), out var episode))
                {
                    _failures.Remove((s.Account, s.Cluster, s.Service));
                    _placements.Remove((s.Account, s.Cluster, s.Service));
                    alerts.Add(new Alert(episode.Id, AlertChange.Resolved, s.At, rule, rule == "failing-tasks" ? "error" : "warning", s.Account, s.Region, s.Cluster, s.Service,
                        episode.First, s.At, $"{s.Service}: steady state at {s.At:HH:mm} UTC after {episode.Count} {(rule == "failing-tasks" ? "task failures" : "placement failures")} since {episode.First:HH:mm}"));
                }
            return alerts;
        }
        if (s.EventName != "SERVICE_TASK_PLACEMENT_FAILURE" || !On("placement-failures")) return alerts;
        var key = (s.Account, s.Cluster, s.Service);
        var recent = _placements.TryGetValue(key, out var q) ? q : _placements[key] = new();
        // A redelivered action is the same event: one per instant.
        if (recent.Contains(s.At)) return alerts;
        recent.Enqueue(s.At);
        while (recent.Count > 0 && recent.Peek() < s.At.AddMinutes(-options.PlacementMinutes)) recent.Dequeue();
        var episodeKey = ("placement-failures", s.Account, s.Cluster, s.Service);
        if (_open.TryGetValue(episodeKey, out var open))
        {
            open.Last = s.At;
            open.Count++;
            alerts.Add(new Alert(open.Id, AlertChange.Updated, s.At, "placement-failures", "warning", s.Account, s.Region, s.Cluster, s.Service, open.First, s.At,
                $"{s.Service}: {open.Count} task placement failures since {open.First:HH:mm} UTC: {s.Reason}"));
        }
        else if (recent.Count >= options.PlacementFailures)
        {
            var episode = new Episode { Id = $"placement-failures:{s.Account}/{s.Cluster}/{s.Service}:{Stamp(recent.Peek())}", First = recent.Peek(), Last = s.At, Count = recent.Count };
            _open[episodeKey] = episode;
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, s.At, "placement-failures", "warning", s.Account, s.Region, s.Cluster, s.Service, episode.First, s.At,
                $"{s.Service}: {episode.Count} task placement failures in {options.PlacementMinutes} min: {s.Reason}"));
        }
        return alerts;
    }

    private List<Alert> Health(HealthChanged h)
    {
        var alerts = new List<Alert>();
        if (!On("health-issue") || h.Category != "issue") return alerts;
        // A public event is no particular account's: it concerns us in the Regions our services run in (when known).
        if (h.Scope == "PUBLIC" && _regions.Count > 0 && h.EventRegion is not null && !_regions.Contains(h.EventRegion)) return alerts;
        var account = h.AffectedAccount ?? (h.Scope == "PUBLIC" ? null : h.Account);
        var known = _health.TryGetValue(h.EventArn, out var seen);
        if (h.Status == "open" && !known)
        {
            var first = h.StartTime ?? h.At;
            var episode = new Episode { Id = $"health-issue:{h.EventArn}:{Stamp(first)}", First = first, Last = h.At };
            _health[h.EventArn] = (episode, "open");
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, h.At, "health-issue", "error", account, h.EventRegion ?? h.Region, null, null, first, h.At,
                $"AWS Health: {h.Service} {h.EventTypeCode} open in {h.EventRegion}{(h.Scope == "PUBLIC" ? " (public)" : "")}"));
        }
        else if (h.Status == "closed" && known && seen.Status == "open")
        {
            seen.Episode.Last = h.At;
            _health[h.EventArn] = (seen.Episode, "closed");
            alerts.Add(new Alert(seen.Episode.Id, AlertChange.Resolved, h.At, "health-issue", "error", account, h.EventRegion ?? h.Region, null, null, seen.Episode.First, h.At,
                $"AWS Health: {h.Service} {h.EventTypeCode} closed in {h.EventRegion}"));
        }
        return alerts;
    }

    private List<Alert> Case(CaseObserved c)
    {
        var alerts = new List<Alert>();
        if (!On("support-case") || c.Severity is null || !options.CaseSeverities.Contains(c.Severity)) return alerts;
        var known = _cases.TryGetValue(c.CaseId, out var episode);
        if (c.Status != "resolved" && !known)
        {
            episode = new Episode { Id = $"support-case:{c.CaseId}:{Stamp(c.At)}", First = c.At, Last = c.At };
            _cases[c.CaseId] = episode;
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, c.At, "support-case", c.Severity == "critical" ? "critical" : "error", c.Account, c.Region, null, null, c.At, c.At,
                $"AWS Support case {c.DisplayId ?? c.CaseId} ({c.Severity}): {c.Subject}"));
        }
        else if (c.Status == "resolved" && known && episode!.Count == 0)
        {
            episode.Count = 1;
            episode.Last = c.At;
            alerts.Add(new Alert(episode.Id, AlertChange.Resolved, c.At, "support-case", c.Severity == "critical" ? "critical" : "error", c.Account, c.Region, null, null, episode.First, c.At,
                $"AWS Support case {c.DisplayId ?? c.CaseId} ({c.Severity}) resolved"));
        }
        return alerts;
    }
}
