-- Trusted Advisor findings of the window: each resource a check flagged with a warning or an error (and the user did
-- not suppress) at the window's start or at a refresh inside it, once, with its status at the start and at the end:
-- new (flagged at the end, not at the start), resolved (flagged at the start; a later refresh of its check no longer
-- lists it, or lists it ok), open (flagged at both), or transient (flagged and resolved inside the window). A check's
-- state at a time is its last refresh before then, by the result's own timestamp, not by when it was collected; a
-- refresh whose resources were not collected (a summary alone) changes nothing, and one that flagged nothing clears
-- its check. metadata is the resource's values keyed by its check's columns, as JSON. With cluster or service, only
-- the findings whose values name them (the name, CLUSTER/SERVICE or an ARN) are kept, and the service-limit findings,
-- which are account-wide.
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param category       enum(cost_optimizing|security|fault_tolerance|performance|service_limits) optional  Only this pillar
-- @param cluster        string     optional    Only findings naming this cluster (name), and service limits
-- @param service        string     optional    Only findings naming this service (name), and service limits
-- @param lookback_days  integer(0..366) default 30  Days before the window read to find each check's last refresh before it
WITH checks AS (
    SELECT check_id, max_by(name, event_time) AS check_name, max_by(category, event_time) AS category
    FROM trusted_advisor_checks
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to
    GROUP BY check_id
),
-- The refreshes whose resources are known: those that listed some, and those that flagged none.
refreshes AS (
    SELECT DISTINCT check_id, event_time AS refreshed_at
    FROM trusted_advisor_flagged_resources
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to
    UNION
    SELECT check_id, event_time
    FROM trusted_advisor_check_results
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to AND resources_flagged = 0
),
bounds AS (
    SELECT check_id, max(refreshed_at) FILTER (WHERE refreshed_at < ${from}) AS start_refresh, max(refreshed_at) AS end_refresh
    FROM refreshes
    GROUP BY check_id
),
resources AS (
    SELECT check_id, resource_id, event_time, status, resource_region, metadata,
           status IN ('warning', 'error') AND NOT coalesce(is_suppressed, false) AS is_finding
    FROM trusted_advisor_flagged_resources
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to
),
states AS (
    SELECT r.check_id, r.resource_id,
           max(CASE WHEN r.event_time = b.start_refresh AND r.is_finding THEN r.status END) AS status_at_start,
           max(CASE WHEN r.event_time = b.end_refresh AND r.is_finding THEN r.status END) AS status_at_end,
           min(CASE WHEN r.is_finding THEN r.event_time END) AS first_flagged_at,
           max(CASE WHEN r.is_finding THEN r.event_time END) AS last_flagged_at,
           count_if(r.is_finding AND r.event_time >= ${from}) AS flagged_in_window,
           max_by(r.resource_region, r.event_time) AS resource_region,
           max_by(r.metadata, r.event_time) AS metadata
    FROM resources r
    JOIN bounds b ON b.check_id = r.check_id
    GROUP BY r.check_id, r.resource_id
),
resolutions AS (
    SELECT s.check_id, s.resource_id, min(x.refreshed_at) AS resolved_at
    FROM states s
    JOIN refreshes x ON x.check_id = s.check_id AND x.refreshed_at > s.last_flagged_at
    GROUP BY s.check_id, s.resource_id
),
findings AS (
    SELECT s.*, c.check_name, c.category, r.resolved_at,
           '|' || array_join(map_values(s.metadata), '|') || '|' AS cells
    FROM states s
    LEFT JOIN checks c ON c.check_id = s.check_id
    LEFT JOIN resolutions r ON r.check_id = s.check_id AND r.resource_id = s.resource_id
)
SELECT category, check_name, check_id, resource_id, resource_region,
       CASE WHEN status_at_start IS NULL AND status_at_end IS NOT NULL THEN 'new'
            WHEN status_at_start IS NOT NULL AND status_at_end IS NULL THEN 'resolved'
            WHEN status_at_start IS NOT NULL THEN 'open'
            ELSE 'transient' END AS change,
       status_at_start, status_at_end, first_flagged_at,
       CASE WHEN status_at_end IS NULL THEN resolved_at END AS resolved_at,
       json_format(CAST(metadata AS json)) AS metadata
FROM findings
WHERE (status_at_start IS NOT NULL OR flagged_in_window > 0)
  AND (:category IS NULL OR category = :category)
  AND (:cluster IS NULL OR category = 'service_limits' OR strpos(cells, '|' || :cluster || '|') > 0
       OR strpos(cells, '|' || :cluster || '/') > 0 OR strpos(cells, '/' || :cluster || '|') > 0 OR strpos(cells, '/' || :cluster || '/') > 0)
  AND (:service IS NULL OR category = 'service_limits' OR strpos(cells, '|' || :service || '|') > 0 OR strpos(cells, '/' || :service || '|') > 0)
ORDER BY category, check_name, check_id, change, resource_id
