using System.Text.RegularExpressions;

namespace Analytics.Schemas.Semantics;

/// <summary>
/// The analytic rules the catalog's SQL and the shared views share, each written once here and placed where a query
/// says <c>@{name}</c> (before its parameters are read, so a fragment may use them). Athena runs no function of ours, so
/// a rule shared by queries is shared as SQL text; the stop-class lists come from <see cref="StopClass"/>, the one
/// definition of the classes.
/// </summary>
public static partial class SqlFragments
{
    /// <summary>Every fragment, by name.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The rows of the window [from, to): its dt partitions (pruned first), then its event times, end exclusive.
        ["in_window"] = """
            WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
              AND event_time >= :from AND event_time < :to
            """,
        // The rows of the cluster and the service asked for (all of them when not asked), after a WHERE.
        ["in_scope"] = """
            AND (:cluster IS NULL OR cluster_name = :cluster)
            AND (:service IS NULL OR service_name = :service)
            """,
        // The rows of the window [from, to) of the cluster and the service asked for.
        ["in_window_and_scope"] = """
            @{in_window}
              @{in_scope}
            """,
        // The rows from lookback_days before the window to its end, never after it: what was already under way at its start.
        ["lookback_to_window_end"] = """
            WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
              AND event_time < :to
            """,
        // A task's states numbered latest first: its highest task_version (ECS increments it with every change), the latest
        // event among redeliveries of one version; row 1 is the task's state.
        ["latest_task_state_first"] = "row_number() OVER (PARTITION BY task_arn ORDER BY task_version DESC, event_time DESC)",
        // Each failure of a service (failures AS …: cluster_name, service_name, failure_id, failed_at): a task stopped for a
        // failure class (once, however many of its versions say STOPPED), a failed deployment, a placement failure (told
        // apart by its time). Placed as @{service_failures(ROWS)}, ROWS the fragment that picks the rows read: in_window,
        // or lookback_to_window_end for episodes already under way at the window's start.
        ["service_failures"] = """
            failures AS (
                SELECT cluster_name, service_name, task_arn AS failure_id, coalesce(stopped_at, event_time) AS failed_at
                FROM ecs_task_events
                @{rows}
                  @{in_scope}
                  AND service_name IS NOT NULL AND last_status = 'STOPPED'
                  AND stop_class IN (@{failure_classes})
                UNION ALL
                SELECT cluster_name, service_name, deployment_id, event_time
                FROM ecs_deployment_events
                @{rows}
                  @{in_scope}
                  AND event_name = 'SERVICE_DEPLOYMENT_FAILED'
                UNION ALL
                SELECT cluster_name, service_name, 'placement ' || CAST(event_time AS varchar), event_time
                FROM ecs_service_actions
                @{rows}
                  @{in_scope}
                  AND event_name = 'SERVICE_TASK_PLACEMENT_FAILURE'
            )
            """,
        // The stop classes that are failures of the service (StopClass.Failures), as a SQL list.
        ["failure_classes"] = List(StopClass.Failures),
        // The stop classes that are abnormal (StopClass.Abnormal), as a SQL list.
        ["abnormal_classes"] = List(StopClass.Abnormal),
        // The Support case rows a query over a window reads (case_rows: DescribeCases observations; event_rows: Support Case
        // Update events), from lookback_days before the window to its end, never after it.
        ["support_case_rows"] = """
            case_rows AS (
                SELECT case_id, display_id, subject, severity_code, service_code, category_code, status, time_created, observed_at, event_time
                FROM support_cases
                @{lookback_to_window_end}
            ),
            event_rows AS (
                SELECT case_id, display_id, event_name, event_time
                FROM support_case_events
                @{lookback_to_window_end}
            )
            """,
        // Each Support case as case_rows and event_rows tell it (cases AS …: case_id, display_id, subject, severity_code,
        // service_code, category_code, status, time_created, resolved_at): its details at its latest observation, its status
        // at its latest sign (an observation, a ResolveCase or ReopenCase event; a reopened case is open again until its next
        // resolution), and resolved at the first timed resolution after it was last unresolved (a ResolveCase event, or an
        // observation whose time was recorded; one without an observation time says nothing of when).
        ["support_case_status"] = """
            observations AS (
                SELECT c.*, row_number() OVER (PARTITION BY case_id ORDER BY coalesce(observed_at, event_time) DESC, event_time DESC) AS rn
                FROM case_rows c
            ),
            events AS (
                SELECT case_id,
                       max(display_id) AS display_id,
                       min(CASE WHEN event_name = 'CreateCase' THEN event_time END) AS created_at
                FROM event_rows
                GROUP BY case_id
            ),
            signals AS (
                SELECT case_id, coalesce(observed_at, event_time) AS signal_at, status, status = 'resolved' AS resolved, observed_at IS NOT NULL AS timed
                FROM case_rows
                UNION ALL
                SELECT case_id, event_time, CASE WHEN event_name = 'ResolveCase' THEN 'resolved' ELSE 'reopened' END, event_name = 'ResolveCase', true
                FROM event_rows
                WHERE event_name IN ('ResolveCase', 'ReopenCase')
            ),
            states AS (
                SELECT case_id, max_by(status, signal_at) AS status, max_by(resolved, signal_at) AS resolved, max(signal_at) FILTER (WHERE NOT resolved) AS last_unresolved_at
                FROM signals
                GROUP BY case_id
            ),
            resolutions AS (
                SELECT s.case_id, min(g.signal_at) AS resolved_at
                FROM states s
                JOIN signals g ON g.case_id = s.case_id AND g.resolved AND g.timed AND (s.last_unresolved_at IS NULL OR g.signal_at > s.last_unresolved_at)
                WHERE s.resolved
                GROUP BY s.case_id
            ),
            cases AS (
                SELECT coalesce(o.case_id, e.case_id) AS case_id,
                       coalesce(o.display_id, e.display_id) AS display_id,
                       o.subject, o.severity_code, o.service_code, o.category_code,
                       coalesce(st.status, 'opened') AS status,
                       coalesce(o.time_created, e.created_at) AS time_created,
                       r.resolved_at
                FROM (SELECT * FROM observations WHERE rn = 1) o
                FULL OUTER JOIN events e ON e.case_id = o.case_id
                LEFT JOIN states st ON st.case_id = coalesce(o.case_id, e.case_id)
                LEFT JOIN resolutions r ON r.case_id = coalesce(o.case_id, e.case_id)
            )
            """,
        // Each Trusted Advisor check's name and pillar as last observed before the window's end (checks AS …), read from
        // lookback_days before it.
        ["advisor_checks"] = """
            checks AS (
                SELECT check_id, max_by(name, event_time) AS check_name, max_by(category, event_time) AS category
                FROM trusted_advisor_checks
                @{lookback_to_window_end}
                GROUP BY check_id
            )
            """,
    };

    /// <summary>
    /// <paramref name="sql"/> with each <c>@{name}</c> replaced by its fragment, indented as the marker is; a fragment's own
    /// markers are expanded too, and in <c>@{name(other)}</c> the fragment's <c>@{rows}</c> is <c>@{other}</c>.
    /// </summary>
    /// <exception cref="FormatException">A marker names no fragment; the message lists them.</exception>
    public static string Expand(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return Marker().Replace(sql, m =>
        {
            if (!All.TryGetValue(m.Groups["name"].Value, out var fragment) || m.Groups["rows"].Success && !All.ContainsKey(m.Groups["rows"].Value))
                throw new FormatException($"{m.Value.Trim()} is no SQL fragment; fragments: {string.Join(", ", All.Keys)}");
            if (m.Groups["rows"].Success) fragment = fragment.Replace("@{rows}", $"@{{{m.Groups["rows"].Value}}}", StringComparison.Ordinal);
            var indent = m.Groups["indent"].Value;
            return indent + Expand(fragment).TrimEnd().ReplaceLineEndings("\n").Replace("\n", "\n" + indent, StringComparison.Ordinal);
        });
    }

    private static string List(IEnumerable<string> values) => string.Join(", ", values.Select(v => $"'{v}'"));

    [GeneratedRegex(@"(?<indent>^[ \t]*)?@\{(?<name>[a-z_]+)(\((?<rows>[a-z_]+)\))?\}", RegexOptions.Multiline)]
    private static partial Regex Marker();
}
