namespace Analytics.Schemas.Views;

/// <summary>A view over the lake's tables: the same SQL (Athena's dialect) on DuckDB and in Athena.</summary>
/// <param name="Name">The view's name.</param>
/// <param name="Description">What a row is.</param>
/// <param name="Columns">The view's columns, in order.</param>
/// <param name="Sql">Its SELECT.</param>
public sealed record ViewDefinition(string Name, string Description, IReadOnlyList<string> Columns, string Sql);

/// <summary>
/// Views for dashboards and ad-hoc SQL: each thing's latest known state over the whole lake. They read every
/// partition (a view cannot take the catalog's window parameters), so the catalog's queries, which must bound what
/// they read, keep their own windowed form of the same rules; these answer "now" for a BI tool, on both engines.
/// </summary>
public static class SharedViews
{
    /// <summary>Each task's latest state: its row with the highest <c>task_version</c> (ECS's order of a task's changes).</summary>
    public static ViewDefinition TaskLatestState { get; } = new("task_latest_state",
        "Each ECS task's latest state: its event with the highest task_version (redeliveries and out-of-order arrivals do not matter).",
        ["cluster_name", "service_name", "task_arn", "task_revision", "last_status", "desired_status", "stop_class", "stop_code", "stopped_reason", "started_at", "stopped_at", "task_version", "event_time"],
        Semantics.SqlFragments.Expand("""
        SELECT cluster_name, service_name, task_arn, task_revision, last_status, desired_status, stop_class, stop_code, stopped_reason,
               started_at, stopped_at, task_version, event_time
        FROM (
            SELECT t.*, @{latest_task_state_first} AS rn
            FROM ecs_task_events t
        ) latest
        WHERE rn = 1
        """));

    /// <summary>
    /// Each Support case's resolution as known now: its status is its latest sign (an observation, a ResolveCase or
    /// ReopenCase event); resolved at the first ResolveCase event or timed observation that saw it resolved after it was
    /// last unresolved (a reopened case is open until its next resolution; DOMAIN.md), else unresolved.
    /// </summary>
    public static ViewDefinition SupportCaseResolution { get; } = new("support_case_resolution",
        "Each Support case as known now: its latest status (observation, ResolveCase or ReopenCase), when it was created and resolved (the first resolution after it was last reopened or seen unresolved) and hours to resolve.",
        ["case_id", "display_id", "severity_code", "service_code", "status", "time_created", "resolved_at", "hours_to_resolve", "is_open"],
        "WITH case_rows AS (SELECT * FROM support_cases),\nevent_rows AS (SELECT * FROM support_case_events),\n" + Semantics.SqlFragments.All["support_case_status"] + "\n" + """
        SELECT case_id, display_id, severity_code, service_code, status, time_created, resolved_at,
               round(CAST(date_diff('second', time_created, resolved_at) AS double) / 3600, 1) AS hours_to_resolve,
               status <> 'resolved' AS is_open
        FROM cases
        """);

    /// <summary>Every shared view, then the flat views for BI tools (<see cref="BiViews"/>), in the order they are created.</summary>
    public static IReadOnlyList<ViewDefinition> All { get; } = [TaskLatestState, SupportCaseResolution, .. BiViews.All.Select(v => v.View)];
}
