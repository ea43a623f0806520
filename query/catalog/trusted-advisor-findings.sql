-- Trusted Advisor findings of the window, per account (each account's checks are its own; account_id is the account
-- whose view the collector stored, null for pages collected before it was recorded): each resource a check flagged with a warning or an error (and the user did
-- not suppress) at the window's start or at a refresh inside it, once, with its status at the start and at the end:
-- new (flagged at the end, not at the start), resolved (flagged at the start; a later refresh of its check no longer
-- lists it, or lists it ok), suppressed (flagged, then listed as suppressed by the user: ignored, not fixed), open
-- (flagged at both), or transient (flagged and resolved inside the window). A check's state at a time is its last
-- refresh before then, by the result's own timestamp, not by when it was collected; a refresh whose resources were not
-- collected (a summary alone) changes nothing, one that flagged nothing clears its check, and a not_available one (the
-- check could not run) says nothing about its findings: each keeps its last known state, and check_status says the
-- check was not available. first_flagged_at is the start of the resource's current flagged streak (its first flagged
-- refresh after the last one that did not flag it); flagged_since_known is false when the look-back begins inside the
-- streak, so it was flagged at least since then. metadata is the resource's values keyed by its check's columns, as
-- JSON. With cluster or service, only the findings whose values name them (the name, CLUSTER/SERVICE or an ARN) are
-- kept, and the service-limit findings, which are account-wide. With period week, the window is cut into ISO weeks
-- (Monday to Sunday, UTC; the first and last clipped to the window) and each week's findings are its own, as if
-- asked for that week alone (period_start says which).
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param category       string     optional    Only this pillar: cost_optimizing, security, fault_tolerance, performance, service_limits, or one Trusted Advisor adds later
-- @param cluster        string     optional    Only findings naming this cluster (name), and service limits
-- @param service        string     optional    Only findings naming this service (name), and service limits
-- @param lookback_days  integer(0..366) default 30  Days before the window read to find each check's last refresh before it
-- @param period         enum(window|week) default window  The whole window, or each ISO week of it
WITH @{advisor_checks},
periods AS (
    SELECT greatest(week, ${from}) AS period_start, least(date_add('day', 7, week), ${to}) AS period_end
    FROM UNNEST(sequence(date_trunc('week', ${from}), date_add('second', -1, ${to}), INTERVAL '7' DAY)) AS c(week)
    WHERE ${period} = 'week'
    UNION ALL
    SELECT ${from}, ${to} WHERE ${period} = 'window'
),
results AS (
    SELECT check_id, coalesce(account_id, '') AS account, event_time AS refreshed_at, max(status) AS status, max(resources_flagged) AS resources_flagged
    FROM trusted_advisor_check_results
    @{lookback_to_window_end}
    GROUP BY check_id, coalesce(account_id, ''), event_time
),
listed AS (
    SELECT check_id, coalesce(account_id, '') AS account, resource_id, event_time, status, resource_region, metadata, coalesce(is_suppressed, false) AS is_suppressed
    FROM trusted_advisor_flagged_resources
    @{lookback_to_window_end}
),
-- The refreshes whose resources are known: those that listed some, and those that flagged none; never a not_available one.
refreshes AS (
    SELECT DISTINCT check_id, account, event_time AS refreshed_at FROM listed
    UNION
    SELECT check_id, account, refreshed_at FROM results WHERE resources_flagged = 0
    EXCEPT
    SELECT check_id, account, refreshed_at FROM results WHERE status = 'not_available'
),
bounds AS (
    SELECT q.period_start, x.check_id, x.account,
           max(x.refreshed_at) FILTER (WHERE x.refreshed_at < q.period_start) AS start_refresh,
           max(x.refreshed_at) FILTER (WHERE x.refreshed_at < q.period_end) AS end_refresh
    FROM refreshes x
    CROSS JOIN periods q
    GROUP BY q.period_start, x.check_id, x.account
),
resources AS (
    SELECT l.check_id, l.account, l.resource_id, l.event_time, l.status, l.resource_region, l.metadata, l.is_suppressed,
           l.status IN ('warning', 'error') AND NOT l.is_suppressed AS is_finding
    FROM listed l
    JOIN refreshes x ON x.check_id = l.check_id AND x.account = l.account AND x.refreshed_at = l.event_time
),
-- Every known refresh of each listed resource's check, and what it said of the resource (not listed: not flagged), as
-- seen from each period: the refreshes before its end.
presence AS (
    SELECT q.period_start, k.check_id, k.account, k.resource_id, x.refreshed_at,
           coalesce(r.is_finding, false) AS flagged, coalesce(r.is_suppressed, false) AS suppressed, r.status
    FROM (SELECT DISTINCT check_id, account, resource_id FROM resources) k
    JOIN refreshes x ON x.check_id = k.check_id AND x.account = k.account
    JOIN periods q ON x.refreshed_at < q.period_end
    LEFT JOIN resources r ON r.check_id = k.check_id AND r.account = k.account AND r.resource_id = k.resource_id AND r.event_time = x.refreshed_at
),
last_flags AS (
    SELECT period_start, check_id, account, resource_id, max(refreshed_at) FILTER (WHERE flagged) AS last_flagged_at
    FROM presence
    GROUP BY period_start, check_id, account, resource_id
),
states AS (
    SELECT p.period_start, p.check_id, p.account, p.resource_id,
           max(CASE WHEN p.refreshed_at = b.start_refresh AND p.flagged THEN p.status END) AS status_at_start,
           max(CASE WHEN p.refreshed_at = b.end_refresh AND p.flagged THEN p.status END) AS status_at_end,
           count_if(p.refreshed_at = b.end_refresh AND p.suppressed) > 0 AS suppressed_at_end,
           max(p.refreshed_at) FILTER (WHERE NOT p.flagged AND p.refreshed_at < l.last_flagged_at) AS last_clear_at,
           min(p.refreshed_at) FILTER (WHERE p.refreshed_at > l.last_flagged_at) AS ended_at,
           min(p.refreshed_at) FILTER (WHERE p.suppressed AND p.refreshed_at > l.last_flagged_at) AS suppressed_at,
           l.last_flagged_at,
           count_if(p.flagged AND p.refreshed_at >= p.period_start) AS flagged_in_window
    FROM presence p
    JOIN bounds b ON b.period_start = p.period_start AND b.check_id = p.check_id AND b.account = p.account
    JOIN last_flags l ON l.period_start = p.period_start AND l.check_id = p.check_id AND l.account = p.account AND l.resource_id = p.resource_id
    WHERE l.last_flagged_at IS NOT NULL
    GROUP BY p.period_start, p.check_id, p.account, p.resource_id, l.last_flagged_at
),
streaks AS (
    SELECT s.period_start, s.check_id, s.account, s.resource_id, min(p.refreshed_at) AS first_flagged_at
    FROM states s
    JOIN presence p ON p.period_start = s.period_start AND p.check_id = s.check_id AND p.account = s.account AND p.resource_id = s.resource_id AND p.flagged
        AND (s.last_clear_at IS NULL OR p.refreshed_at > s.last_clear_at)
    GROUP BY s.period_start, s.check_id, s.account, s.resource_id
),
latest AS (
    SELECT q.period_start, r.check_id, r.account, r.resource_id, max_by(r.resource_region, r.event_time) AS resource_region, max_by(r.metadata, r.event_time) AS metadata
    FROM resources r
    JOIN periods q ON r.event_time < q.period_end
    GROUP BY q.period_start, r.check_id, r.account, r.resource_id
),
check_states AS (
    SELECT q.period_start, r.check_id, r.account, max_by(r.status, r.refreshed_at) AS check_status
    FROM results r
    JOIN periods q ON r.refreshed_at < q.period_end
    GROUP BY q.period_start, r.check_id, r.account
),
findings AS (
    SELECT s.*, t.first_flagged_at, m.resource_region, m.metadata, c.check_name, c.category, cs.check_status,
           '|' || array_join(map_values(m.metadata), '|') || '|' AS cells
    FROM states s
    JOIN streaks t ON t.period_start = s.period_start AND t.check_id = s.check_id AND t.account = s.account AND t.resource_id = s.resource_id
    JOIN latest m ON m.period_start = s.period_start AND m.check_id = s.check_id AND m.account = s.account AND m.resource_id = s.resource_id
    LEFT JOIN checks c ON c.check_id = s.check_id
    LEFT JOIN check_states cs ON cs.period_start = s.period_start AND cs.check_id = s.check_id AND cs.account = s.account
)
SELECT period_start, category, check_name, check_id, nullif(account, '') AS account_id, resource_id, resource_region,
       CASE WHEN status_at_end IS NOT NULL THEN CASE WHEN status_at_start IS NULL THEN 'new' ELSE 'open' END
            WHEN suppressed_at_end THEN 'suppressed'
            WHEN status_at_start IS NOT NULL THEN 'resolved'
            ELSE 'transient' END AS change,
       status_at_start, status_at_end, first_flagged_at, last_clear_at IS NOT NULL AS flagged_since_known,
       CASE WHEN status_at_end IS NULL AND NOT suppressed_at_end THEN ended_at END AS resolved_at,
       CASE WHEN status_at_end IS NULL AND suppressed_at_end THEN suppressed_at END AS suppressed_at,
       check_status,
       -- Keys in order, as Trino writes a map cast to JSON, so both engines print the same text.
       json_format(CAST(map_from_entries(array_sort(map_entries(metadata))) AS json)) AS metadata
FROM findings
WHERE (status_at_start IS NOT NULL OR flagged_in_window > 0)
  AND (:category IS NULL OR category = :category)
  AND (:cluster IS NULL OR category = 'service_limits' OR strpos(cells, '|' || :cluster || '|') > 0
       OR strpos(cells, '|' || :cluster || '/') > 0 OR strpos(cells, '/' || :cluster || '|') > 0 OR strpos(cells, '/' || :cluster || '/') > 0)
  AND (:service IS NULL OR category = 'service_limits' OR strpos(cells, '|' || :service || '|') > 0 OR strpos(cells, '/' || :service || '|') > 0)
ORDER BY period_start, category, check_name, check_id, account_id, change, resource_id
