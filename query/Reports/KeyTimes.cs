using Analytics.Query.Reports.Rows;
using Analytics.Schemas.Semantics;

namespace Analytics.Query.Reports;

/// <summary>
/// The times a post-incident review measures from: the first abnormal signal, the first human signal
/// (detection), the first mitigating change (mitigation) and the return to steady state (recovery), each with
/// what marks it, taken from the catalog's answers.
/// </summary>
/// <param name="FirstSignal">The first abnormal signal of the services in scope: an ECS event of severity warning or error in the window (AWS Health events are context, listed as contributing factors, not the start of the services' own incident).</param>
/// <param name="FirstSignalWhat">What the first signal was.</param>
/// <param name="Detected">The first human signal at or after the first signal: a Support case opened, a deployment started by hand, a task stopped by someone.</param>
/// <param name="DetectedWhat">What it was.</param>
/// <param name="Mitigated">The first rollback or new deployment started at or after the first signal.</param>
/// <param name="MitigatedWhat">What it was.</param>
/// <param name="Recovered">When the last affected service was back to steady state after its last failure; null if one was not.</param>
/// <param name="RecoveredWhat">What it was, or why there is none.</param>
internal sealed record KeyTimes(
    DateTime? FirstSignal, string? FirstSignalWhat,
    DateTime? Detected, string? DetectedWhat,
    DateTime? Mitigated, string? MitigatedWhat,
    DateTime? Recovered, string? RecoveredWhat)
{
    /// <summary>Works the key times out of the review's answers.</summary>
    public static KeyTimes From(Answer<TimelineRow> timeline, Answer<DeploymentRow> deployments, Answer<SupportCaseRow> cases, Answer<ServiceRecoveryRow> recovery)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(recovery);
        var signals = timeline.Rows
            .Where(r => (r.Source)?.StartsWith("ecs", StringComparison.Ordinal) == true && Severity.Rank(r.Severity) >= Severity.Rank(Severity.Warning))
            .Select(r => (At: r.EventTime!.Value, What: $"{r.Summary}"))
            .OrderBy(s => s.At).ToList();
        if (signals.Count == 0) return new KeyTimes(null, null, null, null, null, null, null, null);
        var first = signals[0];

        var human = cases.Rows.Where(c => c.TimeCreated is DateTime t && t >= first.At)
                .Select(c => (At: c.TimeCreated!.Value, What: $"Support case {c.DisplayId ?? c.CaseId} opened ({c.SeverityCode ?? "severity unknown"})"))
            .Concat(deployments.Rows.Where(d => d.IsRollback is not true && d.StartedAt is DateTime t && t >= first.At)
                .Select(d => (At: d.StartedAt!.Value, What: $"deployment {d.DeploymentId} of {d.ServiceName} started")))
            // Each stop by a user on its own: an earlier one of the same service must not hide one after the first signal.
            .Concat(timeline.Rows.Where(s => s.Source == "ecs_task" && s.Kind == StopClass.UserStopped && s.EventTime is DateTime t && t >= first.At)
                .Select(s => (At: s.EventTime!.Value, What: $"a task of {s.ServiceName} stopped by someone")))
            .OrderBy(h => h.At).FirstOrDefault();

        var mitigation = deployments.Rows.Where(d => d.StartedAt is DateTime t && t >= first.At)
            .Select(d => (At: d.StartedAt!.Value, What: d.IsRollback is true
                ? $"rollback of {d.ServiceName} to {d.ReturnsTo} started{(d.RollsBack is string undone ? $", undoing failed deployment {undone}" : "")}"
                : $"deployment {d.DeploymentId} of {d.ServiceName} started"))
            .OrderBy(m => m.At).FirstOrDefault();

        DateTime? recovered = null;
        string? recoveredWhat;
        if (recovery.Rows.Count == 0) recoveredWhat = "no service failed in the window";
        else if (recovery.Rows.Any(r => r.SteadyStateAt is null))
            recoveredWhat = $"{string.Join(", ", recovery.Rows.Where(r => r.SteadyStateAt is null).Select(r => r.ServiceName))} not back to steady state within the window";
        else
        {
            var last = recovery.Rows.MaxBy(r => r.SteadyStateAt!.Value)!;
            recovered = last.SteadyStateAt!.Value;
            recoveredWhat = $"{last.ServiceName} back to steady state";
        }
        return new KeyTimes(first.At, first.What,
            human == default ? null : human.At, human == default ? null : human.What,
            mitigation == default ? null : mitigation.At, mitigation == default ? null : mitigation.What,
            recovered, recoveredWhat);
    }

    /// <summary>Minutes from the first signal to <paramref name="at"/>, or null.</summary>
    public long? MinutesTo(DateTime? at) => at is { } t && FirstSignal is { } s ? (long)Math.Floor((t - s).TotalMinutes) : null;

    /// <summary>The review's lines, one per time.</summary>
    public IEnumerable<string> Lines()
    {
        if (FirstSignal is null)
        {
            yield return "No abnormal signal in the window: nothing to detect, mitigate or recover from.";
            yield break;
        }
        yield return $"First abnormal signal: {IncidentReview.Display(FirstSignal)}, {FirstSignalWhat}";
        yield return Detected is null
            ? "Time to detect: unknown. No human signal (Support case, deployment by hand, task stopped by someone) followed the first signal in the window."
            : $"Time to detect: {MinutesTo(Detected)} minutes ({IncidentReview.Display(Detected)}, {DetectedWhat}).";
        yield return Mitigated is null
            ? "Time to mitigate: unknown. No rollback or new deployment started after the first signal in the window."
            : $"Time to mitigate: {MinutesTo(Mitigated)} minutes ({IncidentReview.Display(Mitigated)}, {MitigatedWhat}).";
        yield return Recovered is null
            ? $"Time to recover: unknown ({RecoveredWhat})."
            : $"Time to recover: {MinutesTo(Recovered)} minutes ({IncidentReview.Display(Recovered)}, {RecoveredWhat}).";
    }
}
