using System.Text;
using Analytics.Schemas.Semantics;

namespace Analytics.Schemas.Views;

/// <summary>A column of a BI view: its name and what it holds.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="Description">What it holds.</param>
public sealed record BiColumn(string Name, string Description);

/// <summary>
/// Flat views for BI tools (QuickSight, Grafana, Superset, Tableau): no arrays, maps or structs, one per figure of the
/// dashboard, each with the <c>dt</c> partition and an <c>event_time</c> so that a tool bounds both (Athena prunes
/// partitions only on <c>dt</c>). Those over one table keep <c>dt</c> a column of their rows or their grouping, so a
/// <c>dt</c> predicate reaches the table; created by athena-setup and on DuckDB like <see cref="SharedViews"/>.
/// </summary>
public static class BiViews
{
    private static readonly BiColumn Dt = new("dt", "The partition day (yyyy-MM-dd, UTC) of event_time: bound it beside event_time so Athena reads only those days");
    private static readonly BiColumn Account = new("account_id", "The AWS account the event came from");
    private static readonly BiColumn Region = new("region", "The AWS Region it was recorded in");

    private static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) Make(string name, string description, BiColumn[] columns, string sql) =>
        (new ViewDefinition(name, description, [.. columns.Select(c => c.Name)], SqlFragments.Expand(sql)), columns);

    /// <summary>One row per stopped task: when, where, and why, with its stop class.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) TaskStops { get; } = Make("bi_task_stops",
        "One row per stopped ECS task (its STOPPED versions merged, per day): the dashboard's abnormal stops, task failures on the timeline, and trends.",
        [Dt, new("event_time", "When ECS first reported the task STOPPED (UTC)"), Account, Region, new("cluster_name", "Cluster name"),
         new("service_name", "Service name (service:NAME group), else the task's group (family:NAME)"), new("task_arn", "Task ARN"),
         new("task_revision", "Task definition revision"), new("stop_class", $"Why it stopped: {string.Join(", ", StopClass.All)}"),
         new("severity", "error for a failure class, warning for infrastructure, Spot and other, info otherwise"), new("stop_code", "ECS stopCode"),
         new("stopped_reason", "ECS stoppedReason"), new("stopped_at", "ECS stoppedAt (UTC)"),
         new("is_failure", $"true for a failure of the service ({string.Join(", ", StopClass.Failures)})"),
         new("is_abnormal", "true for a failure, an infrastructure stop, a Spot interruption or an unexplained stop")],
        """
        SELECT dt, min(event_time) AS event_time, max(account_id) AS account_id, max(region) AS region, cluster_name,
               coalesce(service_name, task_group) AS service_name, task_arn, max(task_revision) AS task_revision,
               max_by(stop_class, task_version) AS stop_class, max_by(severity, task_version) AS severity,
               max_by(stop_code, task_version) AS stop_code, max_by(stopped_reason, task_version) AS stopped_reason,
               max(stopped_at) AS stopped_at,
               coalesce(max_by(stop_class, task_version) IN (@{failure_classes}), false) AS is_failure,
               coalesce(max_by(stop_class, task_version) IN (@{abnormal_classes}), false) AS is_abnormal
        FROM ecs_task_events
        WHERE last_status = 'STOPPED'
        GROUP BY dt, cluster_name, coalesce(service_name, task_group), task_arn
        """);

    /// <summary>One row per deployment event.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) DeploymentEvents { get; } = Make("bi_deployment_events",
        "One row per ECS Deployment State Change: deployments started, completed and failed (change failure rate: failed over started, rollbacks aside).",
        [Dt, new("event_time", "When the event happened (UTC)"), Account, Region, new("cluster_name", "Cluster name"), new("service_name", "Service name"),
         new("deployment_id", "Deployment id (ecs-svc/…); a circuit-breaker rollback runs under the id of the deployment it returns to"),
         new("event_name", "SERVICE_DEPLOYMENT_IN_PROGRESS, SERVICE_DEPLOYMENT_COMPLETED or SERVICE_DEPLOYMENT_FAILED"),
         new("severity", "error, warning or info (the event's eventType)"), new("reason", "The event's reason"),
         new("is_start", "true when a deployment starts (IN_PROGRESS) and it is not a rollback"),
         new("is_rollback", "true when a rollback starts: an IN_PROGRESS whose reason says 'rolling back to deploymentId'"),
         new("is_failure", "true for SERVICE_DEPLOYMENT_FAILED")],
        """
        SELECT dt, event_time, account_id, region, cluster_name, service_name, deployment_id, event_name, severity, reason,
               event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' AND coalesce(reason, '') NOT LIKE '%rolling back to deploymentId%' AS is_start,
               event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' AND coalesce(reason, '') LIKE '%rolling back to deploymentId%' AS is_rollback,
               event_name = 'SERVICE_DEPLOYMENT_FAILED' AS is_failure
        FROM ecs_deployment_events
        """);

    /// <summary>One row per service action.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) ServiceActions { get; } = Make("bi_service_actions",
        "One row per ECS Service Action: steady state, placement failures, task start impairment.",
        [Dt, new("event_time", "When the event happened (UTC)"), Account, Region, new("cluster_name", "Cluster name"), new("service_name", "Service name"),
         new("event_name", "SERVICE_STEADY_STATE, SERVICE_TASK_PLACEMENT_FAILURE, SERVICE_TASK_START_IMPAIRED, …"),
         new("severity", "error, warning or info (the event's eventType)"), new("reason", "The event's reason")],
        """
        SELECT dt, event_time, account_id, region, cluster_name, service_name, event_name, severity, reason
        FROM ecs_service_actions
        """);

    /// <summary>One row per container instance change.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) ContainerInstances { get; } = Make("bi_container_instances",
        "One row per ECS Container Instance State Change: an instance's status (ACTIVE, DRAINING, INACTIVE once deregistered) and agent.",
        [Dt, new("event_time", "When the event happened (UTC)"), Account, Region, new("cluster_name", "Cluster name"),
         new("container_instance_arn", "Container instance ARN"), new("ec2_instance_id", "EC2 instance id"), new("status", "ACTIVE, DRAINING, INACTIVE, …"),
         new("agent_connected", "Whether the ECS agent was connected"), new("instance_version", "The instance's version: the highest is its latest state"),
         new("severity", "warning when not ACTIVE or the agent is disconnected, else info")],
        """
        SELECT dt, event_time, account_id, region, cluster_name, container_instance_arn, ec2_instance_id, status, agent_connected,
               instance_version, severity
        FROM ecs_container_instance_events
        """);

    /// <summary>One row per Health event version observed.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) HealthEvents { get; } = Make("bi_health_events",
        "One row per AWS Health event version observed (EventBridge or the API): take an event's latest by last_updated_time.",
        [Dt, new("event_time", "When the version was published or observed (UTC)"), Account, Region, new("event_arn", "Event ARN (one per event, the same in every account)"),
         new("service", "AWS service (EC2, ECS, …)"), new("event_type_code", "Event type, e.g. AWS_ECS_OPERATIONAL_ISSUE"),
         new("event_type_category", "issue, accountNotification, scheduledChange or investigation"), new("event_scope_code", "PUBLIC, ACCOUNT_SPECIFIC or NONE"),
         new("status_code", "open, closed or upcoming"), new("event_region", "The Region the event is in"), new("start_time", "Start (UTC)"),
         new("end_time", "End (UTC); null while open"), new("last_updated_time", "When AWS last updated it (UTC)"),
         new("affected_account", "The affected account (organization view); null for PUBLIC events"), new("severity", "error for an open issue, warning for other issues and open or upcoming scheduled changes, else info")],
        """
        SELECT dt, event_time, account_id, region, event_arn, service, event_type_code, event_type_category, event_scope_code, status_code,
               event_region, start_time, end_time, last_updated_time, affected_account, severity
        FROM health_events
        """);

    /// <summary>One row per Support case.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) SupportCases { get; } = Make("bi_support_cases",
        "One row per AWS Support case as known now (support_case_resolution), dated by its creation: open cases by severity, time to resolve. It reads every partition (a case's status needs its whole history); Support data is small.",
        [new("dt", "The day the case was created (yyyy-MM-dd, UTC)"), new("event_time", "When the case was created (UTC)"), new("case_id", "Case id"),
         new("display_id", "Display id"), new("severity_code", "low, normal, high, urgent or critical"), new("service_code", "AWS service of the case"),
         new("status", "Its latest status"), new("resolved_at", "When it was resolved (UTC); null while open"),
         new("hours_to_resolve", "Hours from creation to resolution"), new("is_open", "true until it is resolved")],
        """
        SELECT CAST(CAST(time_created AS date) AS varchar) AS dt, time_created AS event_time, case_id, display_id, severity_code, service_code,
               status, resolved_at, hours_to_resolve, is_open
        FROM support_case_resolution
        """);

    /// <summary>One row per Trusted Advisor resource listed by a check's refresh.</summary>
    public static (ViewDefinition View, IReadOnlyList<BiColumn> Columns) AdvisorFindings { get; } = Make("bi_advisor_findings",
        "One row per resource a Trusted Advisor check's refresh listed, with the check's name and pillar: findings by pillar.",
        [Dt, new("event_time", "The refresh that listed it (UTC)"), Account, new("check_id", "Check id"), new("check_name", "Check name"),
         new("category", "Pillar: cost_optimizing, security, fault_tolerance, performance, service_limits, operational_excellence"),
         new("resource_id", "Resource id"), new("resource_region", "The resource's Region"), new("status", "ok, warning or error"),
         new("is_suppressed", "Whether the user suppressed it"), new("is_finding", "true when warning or error and not suppressed")],
        """
        SELECT r.dt, r.event_time, r.account_id, r.check_id, c.check_name, c.category, r.resource_id, r.resource_region, r.status, r.is_suppressed,
               r.status IN ('warning', 'error') AND NOT coalesce(r.is_suppressed, false) AS is_finding
        FROM trusted_advisor_flagged_resources r
        LEFT JOIN (
            SELECT check_id, max_by(name, event_time) AS check_name, max_by(category, event_time) AS category
            FROM trusted_advisor_checks
            GROUP BY check_id
        ) c ON c.check_id = r.check_id
        """);

    /// <summary>Every BI view with its columns, in documentation order.</summary>
    public static IReadOnlyList<(ViewDefinition View, IReadOnlyList<BiColumn> Columns)> All { get; } =
        [TaskStops, DeploymentEvents, ServiceActions, ContainerInstances, HealthEvents, SupportCases, AdvisorFindings];

    /// <summary>The views documented column by column, as dashboards/README.md has them.</summary>
    public static string Markdown()
    {
        var text = new StringBuilder();
        foreach (var (view, columns) in All)
        {
            text.Append("### `").Append(view.Name).Append("`\n").Append(view.Description).Append("\n\n| column | what it holds |\n|---|---|\n");
            foreach (var c in columns) text.Append("| `").Append(c.Name).Append("` | ").Append(c.Description).Append(" |\n");
            text.Append('\n');
        }
        return text.ToString();
    }
}
