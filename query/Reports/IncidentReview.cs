using System.Globalization;
using System.Text;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Analytics.Query.Reports.Rows;
using Analytics.Schemas.Semantics;

namespace Analytics.Query.Reports;

/// <summary>
/// A post-incident review in Markdown, for one window and optionally one cluster or service: the window, the
/// state at its start (what was already going on), a summary of impact, the key times (first signal, detection,
/// mitigation, recovery), what changed just before, contributing factors, the timeline, stop reasons,
/// deployments, Health events with their affected entities, Trusted Advisor's fault-tolerance and service-limit
/// findings, Support cases, and the questions the review should answer. Every figure comes
/// from the catalog queries, so the document says what <c>run</c> would.
/// </summary>
internal static class IncidentReview
{
    /// <summary>Writes the review of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <exception cref="ArgumentException">The window or a filter is invalid; names the parameter.</exception>
    /// <exception cref="QueryFailedException">A query failed, or (with <paramref name="refuseUnknownService"/>) the lake has no such service in the window.</exception>
    /// <param name="engine">The engine the catalog runs on.</param>
    /// <param name="from">The window's start.</param>
    /// <param name="to">The window's end (exclusive).</param>
    /// <param name="cluster">Only this cluster; null for all.</param>
    /// <param name="service">Only this service; null for all.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <param name="refuseUnknownService">Refuse a <paramref name="service"/> the lake's ECS events do not name in the window (a misspelt name), checked among the review's queries.</param>
    public static async Task<string> WriteAsync(IQueryEngine engine, DateTime from, DateTime to, string? cluster, string? service, CancellationToken cancellationToken,
        bool refuseUnknownService = false)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var given = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["from"] = Iso(from), ["to"] = Iso(to), ["cluster"] = cluster, ["service"] = service,
        };
        // Every query starts at once; the engine says how many run together. A service asked for is checked among them.
        using var queries = new ReportQueries(engine, given, cancellationToken);
        var servicesQuery = service is null || !refuseUnknownService ? null : queries.RunAsync<ServiceRow>(KnownServices.Window(from, to, cluster));
        var timelineQuery = queries.RunAsync<TimelineRow>();
        var stopsQuery = queries.RunAsync<StopReasonRow>();
        var oomsQuery = queries.RunAsync<OomKillRow>();
        var loopsQuery = queries.RunAsync<CrashLoopRow>();
        var deploymentsQuery = queries.RunAsync<DeploymentRow>();
        var placementsQuery = queries.RunAsync<PlacementFailureRow>();
        var healthQuery = queries.RunAsync<HealthImpactRow>();
        var casesQuery = queries.RunAsync<SupportCaseRow>();
        var recoveryQuery = queries.RunAsync<ServiceRecoveryRow>();
        var stateQuery = queries.RunAsync<ServiceStateRow>();
        // Trusted Advisor's findings that bear on an outage: fault tolerance naming these services, and service limits.
        var advisorQuery = queries.RunAsync<AdvisorFindingRow>();
        await Task.WhenAll(timelineQuery, stopsQuery, oomsQuery, loopsQuery, deploymentsQuery, placementsQuery, healthQuery, casesQuery, recoveryQuery, stateQuery, advisorQuery).ConfigureAwait(false);
        if (servicesQuery is not null && KnownServices.Problem(await servicesQuery.ConfigureAwait(false), from, to, cluster, service!) is { } problem)
            throw new QueryFailedException(problem + " No review written.");
        var (timeline, stops, ooms, loops, deployments) = (timelineQuery.Result, stopsQuery.Result, oomsQuery.Result, loopsQuery.Result, deploymentsQuery.Result);
        var (placements, health, cases, recovery, state, advisor) = (placementsQuery.Result, healthQuery.Result, casesQuery.Result, recoveryQuery.Result, stateQuery.Result, advisorQuery.Result);
        static bool Resilience(AdvisorFindingRow r) => r.Category is "fault_tolerance" or "service_limits";

        var md = new StringBuilder();
        var scope = string.Join(", ", new[] { cluster is null ? null : $"cluster {cluster}", service is null ? null : $"service {service}" }.OfType<string>());
        md.Append(CultureInfo.InvariantCulture, $"# Post-incident review: {(scope.Length == 0 ? "all services" : scope)}, {Display(from)} to {Display(to)} UTC\n\n");
        md.Append("_Written by the Analytics `review` command from the lake. All times are UTC. Task stops count each task once, at its final state in the window._\n\n");

        md.Append("## Window\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- From {Display(from)} to {Display(to)} ({(to - from).TotalMinutes:N0} minutes, end exclusive)\n");
        md.Append(CultureInfo.InvariantCulture, $"- Scope: {(scope.Length == 0 ? "every cluster and service" : scope)}; Health events and Support cases are account-wide\n\n");

        md.Append("## State at the window's start\n\n");
        foreach (var line in StateAtStart(state, deployments, health, cases, from)) md.Append("- ").Append(line).Append('\n');
        md.Append('\n');

        md.Append("## Summary of impact\n\n");
        foreach (var line in Impact(stops, ooms, loops, deployments, placements, health, cases, recovery, from, to)) md.Append("- ").Append(line).Append('\n');
        md.Append('\n');

        var times = KeyTimes.From(timeline, deployments, cases, recovery);
        md.Append("## Detection, mitigation and recovery\n\n");
        foreach (var line in times.Lines()) md.Append("- ").Append(line).Append('\n');
        md.Append('\n');

        md.Append("## What changed just before\n\n");
        foreach (var line in Changes(deployments, times.FirstSignal ?? from)) md.Append("- ").Append(line).Append('\n');
        md.Append('\n');

        md.Append("## Contributing factors\n\n");
        foreach (var line in Factors(health, advisor.Rows.Where(Resilience).ToList(), service)) md.Append("- ").Append(line).Append('\n');
        md.Append('\n');

        md.Append("## Timeline\n\n");
        static bool Notable(TimelineRow r) => !(r.Source == "ecs_task" && r.Severity == "info");
        var routine = timeline.Rows.Count(r => !Notable(r));
        if (routine > 0)
            md.Append(CultureInfo.InvariantCulture, $"{routine:N0} routine task stops (scheduler replacements, scale-in) are left out; `run incident-timeline` lists them.\n\n");
        await Table(md, timeline.Where(Notable, "event_time", "source", "severity", "service_name", "summary"), cancellationToken).ConfigureAwait(false);

        md.Append("## Stop reasons\n\n");
        await Table(md, stops.Columns("service_name", "stop_class", "stop_code", "reason_family", "exit_code", "tasks", "first_stopped_at", "last_stopped_at"), cancellationToken).ConfigureAwait(false);
        if (ooms.Rows.Count > 0)
        {
            md.Append("Out-of-memory kills, with the containers' memory settings:\n\n");
            await Table(md, ooms.Columns("service_name", "task_revision", "container_name", "memory_mib", "memory_reservation_mib", "oom_kills", "first_killed_at", "last_killed_at"), cancellationToken).ConfigureAwait(false);
        }

        md.Append("## Deployments\n\n");
        await Table(md, deployments.Columns("service_name", "deployment_id", "started_at", "ended_at", "outcome", "is_rollback", "rolled_back_by", "task_revisions", "failed_tasks", "last_reason"), cancellationToken).ConfigureAwait(false);

        md.Append("## AWS Health events\n\n");
        await Table(md, health.Columns("service", "event_type_code", "status_at_start", "status_code", "event_region", "start_time", "end_time", "impaired_entities", "impaired_in_window", "entities", "affected_accounts", "overlapping_task_failures"), cancellationToken).ConfigureAwait(false);

        md.Append("## Trusted Advisor: fault tolerance and service limits\n\n");
        md.Append("Findings (warning or error, not suppressed) at the window's start or refreshed in it, by each check's last refresh before then; fault tolerance for these services, service limits account-wide.\n\n");
        await Table(md, advisor.Where(Resilience, "category", "check_name", "change", "status_at_start", "status_at_end", "first_flagged_at", "resolved_at", "suppressed_at", "check_status", "resource_region", "metadata"), cancellationToken).ConfigureAwait(false);

        // Case subjects and bodies are personal data: the review names cases, not their contents.
        md.Append("## AWS Support cases\n\n");
        await Table(md, cases.Columns("display_id", "severity_code", "service_code", "status", "time_created", "resolved_at", "hours_to_resolve"), cancellationToken).ConfigureAwait(false);

        md.Append("## Questions for the review\n\n");
        foreach (var question in Questions(stops, loops, deployments, health, cases, recovery, advisor.Rows.Where(Resilience).ToList())) md.Append("- ").Append(question).Append('\n');
        return md.ToString();
    }

    private static IEnumerable<string> StateAtStart(Answer<ServiceStateRow> state, Answer<DeploymentRow> deployments, Answer<HealthImpactRow> health, Answer<SupportCaseRow> cases, DateTime from)
    {
        foreach (var service in state.Rows)
            yield return $"{service.ServiceName}: {service.RunningAtStart:N0} tasks running{Revisions(service.RevisionsAtStart)}; at the window's end "
                + $"{service.RunningAtEnd:N0}{Revisions(service.RevisionsAtEnd)}, after {service.StartedInWindow:N0} started and {service.StoppedInWindow:N0} stopped "
                + $"({service.FailedInWindow:N0} of them failures).";
        var any = false;
        foreach (var h in health.Rows.Where(h => h.StatusAtStart is "open" or "upcoming"))
        {
            any = true;
            yield return $"AWS Health {h.EventTypeCode} was already {h.StatusAtStart} (since {Display(h.StartTime)}){(h.NamedEcs is string named ? $", naming {named}" : "")}; at the window's end: {h.StatusCode}.";
        }
        foreach (var d in deployments.Rows.Where(d => d.StartedAt is DateTime started && started < from))
        {
            any = true;
            yield return $"Deployment {d.DeploymentId} of {d.ServiceName} was under way (started {Display(d.StartedAt)}{Revisions(d.TaskRevisions, ", ")}); it {Outcome(d)}.";
        }
        // Open at the start: opened before it, and not resolved before it (a resolution of unknown time counts as not before).
        foreach (var c in cases.Rows.Where(c => c.TimeCreated is DateTime t && t < from && (c.ResolvedAt is not DateTime r || r >= from)))
        {
            any = true;
            yield return $"Support case {c.DisplayId ?? c.CaseId} was open (since {Display(c.TimeCreated)}); at the window's end: {c.Status}.";
        }
        if (!any) yield return "Nothing else was already under way: no Health event open, no deployment in progress, no Support case open.";
    }

    private static IEnumerable<string> Impact(Answer<StopReasonRow> stops, Answer<OomKillRow> ooms, Answer<CrashLoopRow> loops, Answer<DeploymentRow> deployments, Answer<PlacementFailureRow> placements,
        Answer<HealthImpactRow> health, Answer<SupportCaseRow> cases, Answer<ServiceRecoveryRow> recovery, DateTime from, DateTime to)
    {
        var abnormal = stops.Rows.Where(r => StopClass.IsAbnormal(r.StopClass)).ToList();
        var byClass = abnormal.GroupBy(r => r.StopClass!).OrderBy(g => StopClass.All.ToList().IndexOf(g.Key))
            .Select(g => $"{g.Sum(r => r.Tasks):N0} {g.Key}").ToList();
        var services = abnormal.Select(r => r.ServiceName).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        yield return abnormal.Count == 0
            ? "No task stopped abnormally."
            : $"{abnormal.Sum(r => r.Tasks):N0} tasks stopped abnormally ({string.Join(", ", byClass)}) in {string.Join(", ", services)}.";
        var oomKills = ooms.Rows.Sum(r => r.OomKills);
        if (oomKills > 0) yield return $"{oomKills:N0} containers were killed for running out of memory.";
        foreach (var loop in loops.Rows)
            yield return $"Crash loop: {loop.Failures:N0} tasks of {loop.ServiceName} (task definition revision {loop.TaskRevision}) failed ({loop.StopClasses}) from {Display(loop.FirstFailureAt)} to {Display(loop.LastFailureAt)}{(loop.NeverStarted > 0 ? $"; {loop.NeverStarted:N0} never started" : "")}.";
        var own = deployments.Rows.Where(d => d.IsRollback is not true).ToList();
        var outcomes = own.GroupBy(r => r.Outcome!).Select(g => $"{g.Count()} {g.Key.Replace('_', ' ')}").ToList();
        var rollbacks = deployments.Rows.Count(d => d.IsRollback is true);
        if (outcomes.Count > 0) yield return $"Deployments: {string.Join(", ", outcomes)}{(rollbacks > 0 ? $"; {rollbacks} rolled back by the circuit breaker" : "")}.";
        foreach (var failed in own.Where(r => r.Outcome == "failed"))
        {
            var rollback = deployments.Rows.FirstOrDefault(d => d.IsRollback is true && d.RollsBack == failed.DeploymentId);
            yield return $"Deployment {failed.DeploymentId} of {failed.ServiceName}{Revisions(failed.TaskRevisions)} failed at {Display(failed.EndedAt)}: {failed.LastReason}"
                + $" {failed.FailedTasks:N0} of its tasks failed in the window."
                + (rollback is null ? "" : $" Rolled back to {rollback.ReturnsTo}, {Outcome(rollback)}.");
        }
        var placementEvents = placements.Rows.Sum(r => r.Events);
        if (placementEvents > 0) yield return $"{placementEvents:N0} task placement failures or start impairments.";
        if (health.Rows.Count > 0)
            yield return $"{Count(health.Rows.Count, "AWS Health event")} active: {string.Join("; ", health.Rows.Select(h => $"{h.EventTypeCode} ({h.StatusAtStart ?? "not yet published"} at the start, {h.StatusCode} at the end, {h.OverlappingTaskFailures} overlapping task failures)"))}.";
        var opened = cases.Rows.Count(c => c.TimeCreated is DateTime t && t >= from && t < to);
        if (cases.Rows.Count > 0) yield return $"{Count(opened, "Support case")} opened in the window; {cases.Rows.Count(c => c.IsOpen == true)} open at its end.";
        foreach (var r in recovery.Rows)
            yield return r.SteadyStateAt is DateTime steady
                ? $"{r.ServiceName} reached steady state at {Display(steady)}, {r.MinutesToRecover} minutes after its first failure ({Display(r.FirstFailureAt)})."
                : $"{r.ServiceName} did not reach steady state after its last failure ({Display(r.LastFailureAt)}) within the window.";
    }

    private static IEnumerable<string> Changes(Answer<DeploymentRow> deployments, DateTime firstSignal)
    {
        var before = deployments.Rows.Where(d => d.IsRollback is not true && d.StartedAt is DateTime t && t <= firstSignal)
            .OrderByDescending(d => d.StartedAt!.Value).ToList();
        if (before.Count == 0)
        {
            yield return $"No deployment started before the first signal ({Display(firstSignal)}) within the look-back.";
            yield break;
        }
        foreach (var d in before)
            yield return $"{Display(d.StartedAt)}: deployment {d.DeploymentId} of {d.ServiceName}{Revisions(d.TaskRevisions)}, {(firstSignal - d.StartedAt!.Value).TotalMinutes:N0} minutes before the first signal; it {Outcome(d)}."
                + (d.Images is string images && images.Length > 0 ? $" Images: {images.Replace(",", ", ", StringComparison.Ordinal)}." : "");
    }

    private static IEnumerable<string> Factors(Answer<HealthImpactRow> health, List<AdvisorFindingRow> advisor, string? service)
    {
        var named = health.Rows.Where(h => h.NamedEcs is string n && (service is null || n.Split(',').Any(x => x.EndsWith("/" + service, StringComparison.Ordinal)))).ToList();
        foreach (var h in named)
            yield return $"AWS Health {h.EventTypeCode} names {h.NamedEcs} ({Display(h.StartTime)} to {(h.EndTime is null ? "still open" : Display(h.EndTime))}); {h.OverlappingTaskFailures} task failures of those overlap it. Affected entities: {h.Entities}.";
        foreach (var h in health.Rows.Except(named).Where(h => h.OverlappingTaskFailures > 0))
            yield return $"AWS Health {h.EventTypeCode} in {h.EventRegion} ({h.OverlapBasis}-wide match) overlaps {h.OverlappingTaskFailures} task failures.";
        if (named.Count == 0 && !health.Rows.Any(h => h.OverlappingTaskFailures > 0))
            yield return "No AWS Health event names these services or overlaps their failures.";
        // Flagged while the window opened, or flagged during it: a known weakness the incident may have found.
        foreach (var f in advisor.Where(f => f.StatusAtStart is not null || f.StatusAtEnd is not null))
            yield return $"Trusted Advisor {f.CheckName} ({(f.Category)?.Replace('_', ' ')}) {(f.StatusAtStart is null ? "newly flagged" : FlaggedSince(f))}: {f.Metadata}"
                + (f.Change switch
                {
                    _ when f.StatusAtEnd is not null => $"; {f.StatusAtEnd} at the window's end",
                    "suppressed" => $"; suppressed by the user at {Display(f.SuppressedAt)} (ignored, not fixed)",
                    _ => $"; resolved at {Display(f.ResolvedAt)}",
                })
                + (f.CheckStatus is "not_available" ? "; the check was not available at its last refresh, so this is its last known state." : ".");
    }

    private static string Count(long n, string thing) => $"{n:N0} {thing}{(n == 1 ? "" : "s")}";

    // The start of the current flagged streak; "at least since" when the look-back began inside it.
    private static string FlaggedSince(AdvisorFindingRow finding) =>
        $"flagged {(finding.FlaggedSinceKnown is false ? "at least " : "")}since {Display(finding.FirstFlaggedAt)}";

    private static string Revisions(object? revisions, string? separator = null) =>
        revisions is string r && r.Length > 0 ? separator is null ? $" (task definition revision {r})" : $"{separator}task definition revision {r}" : "";

    private static string Outcome(DeploymentRow deployment) => deployment.Outcome switch
    {
        "failed" => $"failed at {Display(deployment.EndedAt)}",
        "completed" => $"completed at {Display(deployment.EndedAt)}",
        _ => "was still in progress at the window's end",
    };

    private static IEnumerable<string> Questions(Answer<StopReasonRow> stops, Answer<CrashLoopRow> loops, Answer<DeploymentRow> deployments, Answer<HealthImpactRow> health,
        Answer<SupportCaseRow> cases, Answer<ServiceRecoveryRow> recovery, List<AdvisorFindingRow> advisor)
    {
        yield return "When was the first signal, and when did a person notice it? How could detection have come sooner?";
        foreach (var failed in deployments.Rows.Where(r => r.Outcome == "failed"))
            yield return $"Why did deployment {failed.DeploymentId} of {failed.ServiceName} fail, and why did it pass review and pre-production?";
        foreach (var loop in loops.Rows)
            yield return $"Why did the tasks of {loop.ServiceName} exit right after starting (last reason: {loop.LastStoppedReason})? What do the container logs say?";
        if (stops.Rows.Any(r => r.StopCode == "EssentialContainerExited" && r.ExitCode is 137))
            yield return "Exit code 137 is any SIGKILL: which of these were out-of-memory kills, and are the memory limits right?";
        if (health.Rows.Count > 0) yield return "Did the AWS Health event cause the failures, or only coincide with them?";
        if (cases.Rows.Count > 0) yield return "Did the Support case get the right severity, and what did it change?";
        foreach (var check in advisor.Where(f => f.StatusAtStart is not null).Select(f => f.CheckName).Distinct())
            yield return $"Trusted Advisor's {check} was flagged before the incident: was it known, did it matter here, and who fixes it?";
        if (recovery.Rows.Any(r => r.SteadyStateAt is null)) yield return "Which services have not recovered, and who owns the follow-up?";
        yield return "What would have limited the blast radius (circuit breaker, alarms on task stops, deployment pacing)?";
        yield return "Which action items come out of this, with owners and dates?";
    }

    private static async Task Table(StringBuilder md, QueryResult result, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        var rows = await ResultWriter.WriteAsync(result, OutputFormat.Markdown, stream, cancellationToken).ConfigureAwait(false);
        md.Append(rows == 0 ? "_None in this window._\n" : Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n")).Append('\n');
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string Display(object? value) => value is DateTime t ? t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : Cells.Display(value);
}
