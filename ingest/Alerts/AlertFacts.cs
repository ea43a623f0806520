namespace Analytics.Ingest.Alerts;

/// <summary>A lake row an alert rule reads, reduced to what the rules need; <see cref="At"/> orders them.</summary>
/// <param name="At">When it happened (the row's event_time).</param>
/// <param name="Account">The account it came from.</param>
/// <param name="Region">The Region it was recorded in.</param>
internal abstract record AlertFact(DateTime At, string? Account, string? Region);

/// <summary>An ECS task's STOPPED version.</summary>
internal sealed record TaskStopped(DateTime At, string? Account, string? Region, string? Cluster, string? Service, string TaskArn, string? StopClass, string? Reason)
    : AlertFact(At, Account, Region);

/// <summary>An ECS Deployment State Change.</summary>
internal sealed record DeploymentChanged(DateTime At, string? Account, string? Region, string? Cluster, string? Service, string? DeploymentId, string EventName, string? Reason)
    : AlertFact(At, Account, Region);

/// <summary>An ECS Service Action.</summary>
internal sealed record ServiceActed(DateTime At, string? Account, string? Region, string? Cluster, string? Service, string EventName, string? Reason)
    : AlertFact(At, Account, Region);

/// <summary>A version of an AWS Health event.</summary>
internal sealed record HealthChanged(DateTime At, string? Account, string? Region, string EventArn, string? Service, string? EventTypeCode, string? Category,
    string? Scope, string? Status, string? EventRegion, string? AffectedAccount, DateTime? StartTime) : AlertFact(At, Account, Region);

/// <summary>An observation of an AWS Support case.</summary>
internal sealed record CaseObserved(DateTime At, string? Account, string? Region, string CaseId, string? DisplayId, string? Subject, string? Severity, string? Status)
    : AlertFact(At, Account, Region);

/// <summary>The fact of a row the ingest read, for the rows the rules read; null for the others.</summary>
internal static class RowFacts
{
    /// <summary>The fact <paramref name="row"/> is, if the rules read its kind.</summary>
    public static AlertFact? Of(Analytics.Schemas.LakeRow row) => row switch
    {
        Analytics.Schemas.Tables.Ecs.EcsTaskEvent t when t.LastStatus == "STOPPED" =>
            new TaskStopped(Utc(t.EventTime), t.AccountId, t.Region, t.ClusterName, t.ServiceName ?? t.TaskGroup, t.TaskArn, t.StopClass, t.StoppedReason),
        Analytics.Schemas.Tables.Ecs.EcsDeploymentEvent d =>
            new DeploymentChanged(Utc(d.EventTime), d.AccountId, d.Region, d.ClusterName, d.ServiceName, d.DeploymentId, d.EventName, d.Reason),
        Analytics.Schemas.Tables.Ecs.EcsServiceAction s =>
            new ServiceActed(Utc(s.EventTime), s.AccountId, s.Region, s.ClusterName, s.ServiceName, s.EventName, s.Reason),
        Analytics.Schemas.Tables.Health.HealthEvent h =>
            new HealthChanged(Utc(h.EventTime), h.AccountId, h.Region, h.EventArn, h.Service, h.EventTypeCode, h.EventTypeCategory, h.EventScopeCode, h.StatusCode,
                h.EventRegion, h.AffectedAccount, h.StartTime is { } start ? Utc(start) : null),
        Analytics.Schemas.Tables.Support.SupportCase c =>
            new CaseObserved(Utc(c.EventTime), c.AccountId, c.Region, c.CaseId, c.DisplayId, c.Subject, c.SeverityCode, c.Status),
        _ => null,
    };

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    /// <summary>A run's <see cref="Run.IngestOptions.Read"/> that adds the fact of each row it reads to <paramref name="facts"/>.</summary>
    public static Action<Analytics.Schemas.LakeRow> Into(List<AlertFact> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return row =>
        {
            if (Of(row) is { } fact) facts.Add(fact);
        };
    }
}
