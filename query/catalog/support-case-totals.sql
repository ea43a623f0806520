-- Support cases per severity and service: how many were opened in the window, how many of those are
-- resolved, how many cases are open at its end, and the median and longest hours to resolution of the
-- cases resolved in the window. One case counts once, at its latest observation before `to` (see support-cases:
-- a case whose resolution time is unknown counts as resolved but not in the hours). Changed: observations after
-- `to` were read, dt was bounded only from above, and file times stood for resolution times.
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param lookback_days  integer(0..366) default 30  Days before the window read to know each case's state
WITH observations AS (
    SELECT c.*, row_number() OVER (PARTITION BY case_id ORDER BY coalesce(observed_at, event_time) DESC, event_time DESC) AS rn
    FROM support_cases c
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to
),
events AS (
    SELECT case_id,
           min(CASE WHEN event_name = 'CreateCase' THEN event_time END) AS created_at,
           min(CASE WHEN event_name = 'ResolveCase' THEN event_time END) AS resolved_at,
           max_by(event_name, event_time) AS last_event
    FROM support_case_events
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to
    GROUP BY case_id
),
resolved_observations AS (
    SELECT case_id, min(observed_at) AS resolved_at
    FROM support_cases
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to AND status = 'resolved' AND observed_at IS NOT NULL
    GROUP BY case_id
),
cases AS (
    SELECT coalesce(o.severity_code, 'unknown') AS severity_code,
           coalesce(o.service_code, 'unknown') AS service_code,
           coalesce(o.status, CASE WHEN e.last_event = 'ResolveCase' THEN 'resolved' ELSE 'opened' END) AS status,
           coalesce(o.time_created, e.created_at) AS time_created,
           CASE WHEN ro.resolved_at IS NULL THEN e.resolved_at
                WHEN e.resolved_at IS NULL THEN ro.resolved_at
                ELSE least(ro.resolved_at, e.resolved_at) END AS resolved_at
    FROM (SELECT * FROM observations WHERE rn = 1) o
    FULL OUTER JOIN events e ON e.case_id = o.case_id
    LEFT JOIN resolved_observations ro ON ro.case_id = coalesce(o.case_id, e.case_id)
)
-- The window's bounds are written as literals here: Athena binds parameters only in WHERE.
SELECT severity_code, service_code,
       count_if(time_created >= ${from} AND time_created < ${to}) AS opened,
       count_if(time_created >= ${from} AND time_created < ${to} AND status = 'resolved') AS opened_and_resolved,
       count_if(status <> 'resolved') AS open_at_end,
       round(approx_percentile(CASE WHEN resolved_at >= ${from} AND resolved_at < ${to}
                                    THEN CAST(date_diff('second', time_created, resolved_at) AS double) / 3600 END, 0.5), 1) AS median_hours_to_resolve,
       round(max(CASE WHEN resolved_at >= ${from} AND resolved_at < ${to}
                      THEN CAST(date_diff('second', time_created, resolved_at) AS double) / 3600 END), 1) AS max_hours_to_resolve
FROM cases
GROUP BY severity_code, service_code
ORDER BY opened DESC, severity_code, service_code
