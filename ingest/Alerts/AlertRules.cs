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

/// <summary>The rules' thresholds, switches and scope.</summary>
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

    /// <summary>Only these accounts (all when empty).</summary>
    public IReadOnlySet<string> Accounts { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Only these clusters' ECS alerts (all when empty).</summary>
    public IReadOnlySet<string> Clusters { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Only these services' ECS alerts (all when empty).</summary>
    public IReadOnlySet<string> Services { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Only Health issues of these event types (all when empty).</summary>
    public IReadOnlySet<string> HealthEventTypes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The options <paramref name="settings"/> say.</summary>
    public static AlertOptions From(Analytics.Common.Settings.AlertSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        static HashSet<string> Set(IEnumerable<string> items) => new(items, StringComparer.Ordinal);
        return new AlertOptions
        {
            FailingTasks = settings.FailingTasks, FailingMinutes = settings.FailingMinutes, PlacementFailures = settings.PlacementFailures, PlacementMinutes = settings.PlacementMinutes,
            Off = Set(settings.Off), Accounts = Set(settings.Accounts), Clusters = Set(settings.Clusters), Services = Set(settings.Services), HealthEventTypes = Set(settings.HealthEventTypes),
        };
    }
}

/// <summary>An episode of an alert: its id, first and latest event, and what it counted.</summary>
internal sealed class Episode
{
    /// <summary>The alert's id.</summary>
    public required string Id { get; init; }

    /// <summary>Its first event.</summary>
    public required DateTime First { get; init; }

    /// <summary>Its latest event.</summary>
    public DateTime Last { get; set; }

    /// <summary>What it counted (failures, placement failures).</summary>
    public int Count { get; set; }

    /// <summary>The count by kind (stop class).</summary>
    public Dictionary<string, int> Kinds { get; init; } = new(StringComparer.Ordinal);

    /// <summary>For a failed deployment: its cluster and service, the deployment it rolls back to, and whether that completed.</summary>
    public string? Cluster { get; set; }

    /// <summary>See <see cref="Cluster"/>.</summary>
    public string? Service { get; set; }

    /// <summary>See <see cref="Cluster"/>.</summary>
    public string? RollsBackTo { get; set; }

    /// <summary>Whether it is over (resolved).</summary>
    public bool Done { get; set; }

    /// <summary>A Health event's latest status.</summary>
    public string? Status { get; set; }
}

/// <summary>One failure of a service, in its recent window.</summary>
/// <param name="At">When.</param>
/// <param name="Kind">Its stop class.</param>
internal sealed record RecentFailure(DateTime At, string Kind);

/// <summary>
/// What the rules remember between batches (saved in the lake's <c>_alerts/</c> by the worker): the tasks already seen
/// stopped, each service's recent failures, the open episodes, failed deployments, Health issues and Support cases.
/// </summary>
internal sealed class AlertState
{
    /// <summary>Task ARNs seen stopped, with when (a later version or redelivery of the same stop changes nothing).</summary>
    public Dictionary<string, DateTime> StoppedTasks { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Each service's failures in its window, by "account|cluster|service".</summary>
    public Dictionary<string, List<RecentFailure>> Failures { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Each service's placement failures in its window.</summary>
    public Dictionary<string, List<DateTime>> Placements { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Open failing-tasks and placement-failures episodes, by "rule|account|cluster|service".</summary>
    public Dictionary<string, Episode> Open { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Failed deployments, by deployment id.</summary>
    public Dictionary<string, Episode> Deployments { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Health issues seen open, by event ARN.</summary>
    public Dictionary<string, Episode> Health { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Support cases alerted, by case id.</summary>
    public Dictionary<string, Episode> Cases { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The Regions our ECS services run in.</summary>
    public HashSet<string> Regions { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The latest event the rules were fed.</summary>
    public DateTime Newest { get; set; }

    /// <summary>
    /// Forgets what can no longer change an alert: stops and finished episodes a week older than the newest event fed (by
    /// the events' own time, not the clock's, so a backfill of old objects is remembered like a live stream).
    /// </summary>
    public void Prune()
    {
        var before = Newest.AddDays(-7);
        foreach (var (arn, _) in StoppedTasks.Where(t => t.Value < before).ToList()) StoppedTasks.Remove(arn);
        foreach (var map in new[] { Deployments, Health, Cases })
            foreach (var (key, _) in map.Where(e => e.Value.Done && e.Value.Last < before).ToList()) map.Remove(key);
        foreach (var (key, list) in Failures.ToList()) if (list.Count == 0 || list[^1].At < before) Failures.Remove(key);
        foreach (var (key, list) in Placements.ToList()) if (list.Count == 0 || list[^1] < before) Placements.Remove(key);
    }
}

/// <summary>
/// The alert rules, fed the lake's rows in time order; each fact may change alerts, returned as they change. What they
/// remember is <see cref="AlertState"/>: a redelivered row, a later version of the same stop, or a rerun over the same
/// rows changes nothing. Never alerts: Spot interruptions, scale-ins, deployment replacements, stops by a user, completed
/// tasks (they are no failure class: StopClass).
/// </summary>
internal sealed class AlertRules(AlertOptions options, AlertState? state = null)
{
    /// <summary>What the rules remember.</summary>
    public AlertState State { get; } = state ?? new AlertState();

    private bool On(string rule) => !options.Off.Contains(rule);

    private static string Stamp(DateTime t) => t.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string Key(params string?[] parts) => string.Join('|', parts);

    private bool InScope(AlertFact fact) => fact switch
    {
        _ when options.Accounts.Count > 0 && fact.Account is not null && !options.Accounts.Contains(fact.Account) => false,
        TaskStopped t => Ecs(t.Cluster, t.Service),
        DeploymentChanged d => Ecs(d.Cluster, d.Service),
        ServiceActed s => Ecs(s.Cluster, s.Service),
        HealthChanged h => options.HealthEventTypes.Count == 0 || h.EventTypeCode is not null && options.HealthEventTypes.Contains(h.EventTypeCode),
        _ => true,
    };

    private bool Ecs(string? cluster, string? service) =>
        (options.Clusters.Count == 0 || cluster is not null && options.Clusters.Contains(cluster))
        && (options.Services.Count == 0 || service is not null && options.Services.Contains(service));

    /// <summary>What <paramref name="fact"/> changes.</summary>
    public IReadOnlyList<Alert> Add(AlertFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.At > State.Newest) State.Newest = fact.At;
        if (fact.Region is not null && fact is TaskStopped or DeploymentChanged or ServiceActed) State.Regions.Add(fact.Region);
        if (!InScope(fact)) return [];
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
        if (!StopClass.IsFailure(t.StopClass) || !State.StoppedTasks.TryAdd(t.TaskArn, t.At)) return alerts;
        if (t.StopClass == StopClass.OutOfMemory && On("oom-kill"))
            alerts.Add(new Alert($"oom-kill:{t.TaskArn}:{Stamp(t.At)}", AlertChange.Opened, t.At, "oom-kill", "warning", t.Account, t.Region, t.Cluster, t.Service, t.At, t.At,
                $"{t.Service ?? "a task"}: an essential container was OOM-killed ({TaskId(t.TaskArn)}): {t.Reason}"));
        if (!On("failing-tasks") || t.Service is null) return alerts;
        var key = Key(t.Account, t.Cluster, t.Service);
        var recent = State.Failures.TryGetValue(key, out var list) ? list : State.Failures[key] = [];
        recent.Add(new RecentFailure(t.At, t.StopClass!));
        recent.RemoveAll(f => f.At < t.At.AddMinutes(-options.FailingMinutes));
        var episodeKey = Key("failing-tasks", t.Account, t.Cluster, t.Service);
        if (State.Open.TryGetValue(episodeKey, out var open))
        {
            open.Last = t.At;
            open.Count++;
            open.Kinds[t.StopClass!] = open.Kinds.GetValueOrDefault(t.StopClass!) + 1;
            alerts.Add(Failing(open, AlertChange.Updated, t));
        }
        else if (recent.Count >= options.FailingTasks)
        {
            var first = recent[0].At;
            var episode = new Episode { Id = $"failing-tasks:{t.Account}/{t.Cluster}/{t.Service}:{Stamp(first)}", First = first, Last = t.At, Count = recent.Count };
            foreach (var f in recent) episode.Kinds[f.Kind] = episode.Kinds.GetValueOrDefault(f.Kind) + 1;
            State.Open[episodeKey] = episode;
            alerts.Add(Failing(episode, AlertChange.Opened, t));
        }
        return alerts;
    }

    private static string TaskId(string arn) => arn[(arn.LastIndexOf('/') + 1)..];

    private static Alert Failing(Episode e, AlertChange change, TaskStopped t) =>
        new(e.Id, change, t.At, "failing-tasks", "error", t.Account, t.Region, t.Cluster, t.Service, e.First, e.Last,
            $"{t.Service}: {e.Count} tasks failed since {e.First:HH:mm} UTC ({string.Join(", ", e.Kinds.OrderByDescending(k => k.Value).ThenBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} ×{k.Value}"))})");

    private List<Alert> Deployment(DeploymentChanged d)
    {
        var alerts = new List<Alert>();
        if (!On("deployment-failed") || d.DeploymentId is null) return alerts;
        if (d.EventName == "SERVICE_DEPLOYMENT_FAILED" && !State.Deployments.ContainsKey(d.DeploymentId))
        {
            var episode = new Episode { Id = $"deployment-failed:{d.DeploymentId}:{Stamp(d.At)}", First = d.At, Last = d.At, Cluster = d.Cluster, Service = d.Service };
            State.Deployments[d.DeploymentId] = episode;
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, d.At, "deployment-failed", "error", d.Account, d.Region, d.Cluster, d.Service, d.At, d.At,
                $"{d.Service}: deployment {d.DeploymentId} failed: {d.Reason}"));
        }
        else if (d.EventName == "SERVICE_DEPLOYMENT_IN_PROGRESS" && RollsBackTo(d.Reason) is { } good)
        {
            // ECS rolls back under the good deployment's id ("rolling back to deploymentId X" names the good one): the
            // failed one is this service's latest failure not rolled back yet (DOMAIN.md; as deployment-outcomes says).
            var failed = State.Deployments.Where(x => x.Value.RollsBackTo is null && x.Value.Cluster == d.Cluster && x.Value.Service == d.Service)
                .OrderByDescending(x => x.Value.First).Select(x => (Id: x.Key, Episode: x.Value)).FirstOrDefault();
            if (failed.Id is not null)
            {
                failed.Episode.Last = d.At;
                failed.Episode.RollsBackTo = good;
                alerts.Add(new Alert(failed.Episode.Id, AlertChange.Updated, d.At, "deployment-failed", "error", d.Account, d.Region, d.Cluster, d.Service, failed.Episode.First, d.At,
                    $"{d.Service}: deployment {failed.Id} failed; the circuit breaker is rolling back to {good}"));
            }
        }
        else if (d.EventName == "SERVICE_DEPLOYMENT_COMPLETED")
            foreach (var (id, failed) in State.Deployments.Where(x => !x.Value.Done && x.Value.RollsBackTo == d.DeploymentId && x.Value.Cluster == d.Cluster && x.Value.Service == d.Service).ToList())
            {
                failed.Last = d.At;
                failed.Done = true;
                alerts.Add(new Alert(failed.Id, AlertChange.Resolved, d.At, "deployment-failed", "error", d.Account, d.Region, d.Cluster, d.Service, failed.First, d.At,
                    $"{d.Service}: rolled back to {d.DeploymentId}, which completed; deployment {id} had failed"));
            }
        return alerts;
    }

    private static string? RollsBackTo(string? reason)
    {
        const string Marker = "rolling back to deploymentId ";
        var i = reason?.IndexOf(Marker, StringComparison.Ordinal) ?? -1;
        return i < 0 ? null : new string([.. reason![(i + Marker.Length)..].TakeWhile(c => !char.IsWhiteSpace(c) && c != '.')]);
    }

    private List<Alert> Acted(ServiceActed s)
    {
        var alerts = new List<Alert>();
        if (s.EventName == "SERVICE_STEADY_STATE")
        {
            foreach (var rule in new[] { "failing-tasks", "placement-failures" })
                if (State.Open.Remove(Key(rule, s.Account, s.Cluster, s.Service), out var episode))
                {
                    if (rule == "failing-tasks") State.Failures.Remove(Key(s.Account, s.Cluster, s.Service));
                    else State.Placements.Remove(Key(s.Account, s.Cluster, s.Service));
                    alerts.Add(new Alert(episode.Id, AlertChange.Resolved, s.At, rule, rule == "failing-tasks" ? "error" : "warning", s.Account, s.Region, s.Cluster, s.Service,
                        episode.First, s.At, $"{s.Service}: steady state at {s.At:HH:mm} UTC after {episode.Count} {(rule == "failing-tasks" ? "task failures" : "placement failures")} since {episode.First:HH:mm}"));
                }
            return alerts;
        }
        if (s.EventName != "SERVICE_TASK_PLACEMENT_FAILURE" || !On("placement-failures")) return alerts;
        var key = Key(s.Account, s.Cluster, s.Service);
        var recent = State.Placements.TryGetValue(key, out var list) ? list : State.Placements[key] = [];
        // A redelivered action is the same event: one per instant.
        if (recent.Contains(s.At)) return alerts;
        recent.Add(s.At);
        recent.RemoveAll(t => t < s.At.AddMinutes(-options.PlacementMinutes));
        var episodeKey = Key("placement-failures", s.Account, s.Cluster, s.Service);
        if (State.Open.TryGetValue(episodeKey, out var open))
        {
            open.Last = s.At;
            open.Count++;
            alerts.Add(new Alert(open.Id, AlertChange.Updated, s.At, "placement-failures", "warning", s.Account, s.Region, s.Cluster, s.Service, open.First, s.At,
                $"{s.Service}: {open.Count} task placement failures since {open.First:HH:mm} UTC: {s.Reason}"));
        }
        else if (recent.Count >= options.PlacementFailures)
        {
            var episode = new Episode { Id = $"placement-failures:{s.Account}/{s.Cluster}/{s.Service}:{Stamp(recent[0])}", First = recent[0], Last = s.At, Count = recent.Count };
            State.Open[episodeKey] = episode;
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
        if (h.Scope == "PUBLIC" && State.Regions.Count > 0 && h.EventRegion is not null && !State.Regions.Contains(h.EventRegion)) return alerts;
        var account = h.AffectedAccount ?? (h.Scope == "PUBLIC" ? null : h.Account);
        var known = State.Health.TryGetValue(h.EventArn, out var episode);
        if (h.Status == "open" && !known)
        {
            var first = h.StartTime ?? h.At;
            episode = new Episode { Id = $"health-issue:{h.EventArn}:{Stamp(first)}", First = first, Last = h.At, Status = "open" };
            State.Health[h.EventArn] = episode;
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, h.At, "health-issue", "error", account, h.EventRegion ?? h.Region, null, null, first, h.At,
                $"AWS Health: {h.Service} {h.EventTypeCode} open in {h.EventRegion}{(h.Scope == "PUBLIC" ? " (public)" : "")}"));
        }
        else if (h.Status == "closed" && known && episode!.Status == "open")
        {
            episode.Last = h.At;
            episode.Status = "closed";
            episode.Done = true;
            alerts.Add(new Alert(episode.Id, AlertChange.Resolved, h.At, "health-issue", "error", account, h.EventRegion ?? h.Region, null, null, episode.First, h.At,
                $"AWS Health: {h.Service} {h.EventTypeCode} closed in {h.EventRegion}"));
        }
        return alerts;
    }

    private List<Alert> Case(CaseObserved c)
    {
        var alerts = new List<Alert>();
        if (!On("support-case") || c.Severity is null || !options.CaseSeverities.Contains(c.Severity)) return alerts;
        var known = State.Cases.TryGetValue(c.CaseId, out var episode);
        var severity = c.Severity == "critical" ? "critical" : "error";
        if (c.Status != "resolved" && !known)
        {
            episode = new Episode { Id = $"support-case:{c.CaseId}:{Stamp(c.At)}", First = c.At, Last = c.At };
            State.Cases[c.CaseId] = episode;
            alerts.Add(new Alert(episode.Id, AlertChange.Opened, c.At, "support-case", severity, c.Account, c.Region, null, null, c.At, c.At,
                $"AWS Support case {c.DisplayId ?? c.CaseId} ({c.Severity}): {c.Subject}"));
        }
        else if (c.Status == "resolved" && known && !episode!.Done)
        {
            episode.Done = true;
            episode.Last = c.At;
            alerts.Add(new Alert(episode.Id, AlertChange.Resolved, c.At, "support-case", severity, c.Account, c.Region, null, null, episode.First, c.At,
                $"AWS Support case {c.DisplayId ?? c.CaseId} ({c.Severity}) resolved"));
        }
        return alerts;
    }
}
