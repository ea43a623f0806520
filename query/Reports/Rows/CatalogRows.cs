namespace Analytics.Query.Reports.Rows;

// One row type per catalog query the reports read, its parameters the query's columns in order (snake_case in the
// SQL). Answer<T> maps a result onto them by name; CatalogRowsTests fails when a query and its row differ. A value
// type is nullable where the query can answer NULL; a count is not, and a NULL there is an error naming the column.

/// <summary>A row of <c>cluster-state</c>: a step of a series (a service's revision's running tasks, or a status's container instances).</summary>
[CatalogRow("cluster-state")]
internal sealed record ClusterStateRow(
    DateTime? Since,
    string? Kind,
    string? ClusterName,
    string? ServiceName,
    int? TaskRevision,
    string? InstanceStatus,
    long Total);

/// <summary>A row of <c>crash-loops</c>.</summary>
[CatalogRow("crash-loops")]
internal sealed record CrashLoopRow(
    string? ClusterName,
    string? ServiceName,
    int? TaskRevision,
    long Failures,
    long NeverStarted,
    DateTime? FirstFailureAt,
    DateTime? LastFailureAt,
    double? AvgSecondsRunning,
    string? StopClasses,
    string? LastStoppedReason);

/// <summary>A row of <c>deployment-outcomes</c>.</summary>
[CatalogRow("deployment-outcomes")]
internal sealed record DeploymentRow(
    string? ClusterName,
    string? ServiceName,
    string? DeploymentId,
    DateTime? StartedAt,
    DateTime? EndedAt,
    long? DurationSeconds,
    string? Outcome,
    bool? IsRollback,
    string? RollsBack,
    string? RolledBackBy,
    string? TaskRevisions,
    string? Images,
    long FailedTasks,
    string? LastReason,
    string? ReturnsTo,
    string? AccountId);

/// <summary>A row of <c>health-impact</c>.</summary>
[CatalogRow("health-impact")]
internal sealed record HealthImpactRow(
    string? EventArn,
    string? Service,
    string? EventTypeCode,
    string? EventTypeCategory,
    string? EventScopeCode,
    string? Severity,
    string? StatusAtStart,
    string? StatusCode,
    long? VersionsInWindow,
    string? EventRegion,
    DateTime? StartTime,
    DateTime? EndTime,
    DateTime? LastUpdatedTime,
    long? AffectedEntities,
    long? ImpairedEntities,
    long? ImpairedInWindow,
    string? Entities,
    string? AffectedAccounts,
    string? NamedEcs,
    string? OverlapBasis,
    long OverlappingTaskFailures,
    string? Description);

/// <summary>A row of <c>health-organization</c>.</summary>
[CatalogRow("health-organization")]
internal sealed record AccountHealthRow(
    string? AffectedAccount,
    long Events,
    long Issues,
    long ScheduledChanges,
    long AccountNotifications,
    long OpenAtEnd,
    string? EventTypes,
    long? AffectedEntities,
    long ImpairedEntities);

/// <summary>A row of <c>incident-timeline</c>.</summary>
[CatalogRow("incident-timeline")]
internal sealed record TimelineRow(
    DateTime? EventTime,
    string? Source,
    string? Severity,
    string? ClusterName,
    string? ServiceName,
    string? Summary,
    string? Reference,
    string? Kind,
    string? AccountId);

/// <summary>A row of <c>oom-kills</c>.</summary>
[CatalogRow("oom-kills")]
internal sealed record OomKillRow(
    string? ClusterName,
    string? ServiceName,
    int? TaskRevision,
    string? ContainerName,
    int? MemoryMib,
    int? MemoryReservationMib,
    long OomKills,
    long Tasks,
    DateTime? FirstKilledAt,
    DateTime? LastKilledAt);

/// <summary>A row of <c>placement-failures</c>.</summary>
[CatalogRow("placement-failures")]
internal sealed record PlacementFailureRow(
    string? ClusterName,
    string? ServiceName,
    string? EventName,
    string? Reason,
    long Events,
    DateTime? FirstAt,
    DateTime? LastAt);

/// <summary>A row of <c>recovery-episodes</c>.</summary>
[CatalogRow("recovery-episodes")]
internal sealed record RecoveryEpisodeRow(
    string? ClusterName,
    string? ServiceName,
    DateTime? FirstFailureAt,
    DateTime? LastFailureAt,
    long Failures,
    DateTime? SteadyStateAt,
    long? MinutesToRecover);

/// <summary>A row of <c>service-recovery</c>.</summary>
[CatalogRow("service-recovery")]
internal sealed record ServiceRecoveryRow(
    string? ClusterName,
    string? ServiceName,
    long Failures,
    DateTime? FirstFailureAt,
    DateTime? LastFailureAt,
    DateTime? SteadyStateAt,
    long? MinutesToRecover);

/// <summary>A row of <c>service-state</c>.</summary>
[CatalogRow("service-state")]
internal sealed record ServiceStateRow(
    string? ClusterName,
    string? ServiceName,
    long RunningAtStart,
    string? RevisionsAtStart,
    long RunningAtEnd,
    string? RevisionsAtEnd,
    long StartedInWindow,
    long StoppedInWindow,
    long FailedInWindow);

/// <summary>A row of <c>services</c>.</summary>
[CatalogRow("services")]
internal sealed record ServiceRow(
    string? ClusterName,
    string? ServiceName,
    long TaskEvents,
    long DeploymentEvents,
    long ServiceActions,
    DateTime? FirstSeen,
    DateTime? LastSeen);

/// <summary>A row of <c>support-cases</c>.</summary>
[CatalogRow("support-cases")]
internal sealed record SupportCaseRow(
    string? CaseId,
    string? DisplayId,
    string? Subject,
    string? SeverityCode,
    string? ServiceCode,
    string? CategoryCode,
    string? Status,
    DateTime? TimeCreated,
    DateTime? ResolvedAt,
    double? HoursToResolve,
    bool? IsOpen);

/// <summary>A row of <c>task-stop-reasons</c>.</summary>
[CatalogRow("task-stop-reasons")]
internal sealed record StopReasonRow(
    string? ClusterName,
    string? ServiceName,
    string? StopClass,
    string? Severity,
    string? StopCode,
    string? ReasonFamily,
    int? ExitCode,
    long Tasks,
    DateTime? FirstStoppedAt,
    DateTime? LastStoppedAt);

/// <summary>A row of <c>trusted-advisor-findings</c>.</summary>
[CatalogRow("trusted-advisor-findings")]
internal sealed record AdvisorFindingRow(
    DateTime? PeriodStart,
    string? Category,
    string? CheckName,
    string? CheckId,
    string? AccountId,
    string? ResourceId,
    string? ResourceRegion,
    string? Change,
    string? StatusAtStart,
    string? StatusAtEnd,
    DateTime? FirstFlaggedAt,
    bool? FlaggedSinceKnown,
    DateTime? ResolvedAt,
    DateTime? SuppressedAt,
    string? CheckStatus,
    string? Metadata);

/// <summary>A row of <c>trusted-advisor-trends</c>.</summary>
[CatalogRow("trusted-advisor-trends")]
internal sealed record AdvisorTrendRow(
    string? PeriodStart,
    string? Category,
    string? CheckName,
    string? CheckId,
    string? AccountId,
    string? Status,
    long Findings,
    long Errors,
    double? EstimatedMonthlySavings,
    DateTime? LastRefreshedAt);

/// <summary>A row of <c>weekly-trends</c>.</summary>
[CatalogRow("weekly-trends")]
internal sealed record WeeklyTrendRow(
    string? WeekStart,
    long IsoYear,
    long IsoWeek,
    long HealthCheckFailures,
    long? HealthCheckFailuresChange,
    long ContainerExits,
    long? ContainerExitsChange,
    long OomKills,
    long? OomKillsChange,
    long FailedStarts,
    long? FailedStartsChange,
    long SpotInterruptions,
    long? SpotInterruptionsChange,
    long InfrastructureStops,
    long? InfrastructureStopsChange,
    long Deployments,
    long? DeploymentsChange,
    long FailedDeployments,
    long? FailedDeploymentsChange,
    double? ChangeFailureRate,
    long HealthEvents,
    long? HealthEventsChange,
    long SupportCases,
    long? SupportCasesChange);
