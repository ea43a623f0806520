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
