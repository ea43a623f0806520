-- Support cases opened in the window or open at its end, one row each, as known at the window's end: severity,
-- service and status at the latest DescribeCases observation made before `to` (cases known only from Support
-- Case Update events have what the events say), when it was opened and resolved, hours to resolution, and
-- whether it is open. Resolved means a ResolveCase event, else the first observation that saw 'resolved'
-- (observed_at, recorded with the API page); a case seen resolved only in a document with no observation time
-- has resolved_at and hours_to_resolve null: unknown, not guessed. Observations and events are read from
-- lookback_days before the window to its end, never after it: a case unchanged for longer is not seen. Group the
-- rows by severity_code or service_code for totals. Changed: observations after `to` were read (a later status
-- leaked into earlier windows), dt was bounded only from above, a file's modification time stood for the
-- resolution time, and a case known only from events stayed open in every later window.
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
           max(display_id) AS display_id,
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
    SELECT coalesce(o.case_id, e.case_id) AS case_id,
           coalesce(o.display_id, e.display_id) AS display_id,
           o.subject, o.severity_code, o.service_code, o.category_code,
           coalesce(o.status, CASE WHEN e.last_event = 'ResolveCase' THEN 'resolved' ELSE 'opened' END) AS status,
           coalesce(o.time_created, e.created_at) AS time_created,
           CASE WHEN ro.resolved_at IS NULL THEN e.resolved_at
                WHEN e.resolved_at IS NULL THEN ro.resolved_at
                ELSE least(ro.resolved_at, e.resolved_at) END AS resolved_at
    FROM (SELECT * FROM observations WHERE rn = 1) o
    FULL OUTER JOIN events e ON e.case_id = o.case_id
    LEFT JOIN resolved_observations ro ON ro.case_id = coalesce(o.case_id, e.case_id)
)
SELECT case_id, display_id, subject, severity_code, service_code, category_code, status, time_created, resolved_at,
       round(CAST(date_diff('second', time_created, resolved_at) AS double) / 3600, 1) AS hours_to_resolve,
       status <> 'resolved' AS is_open
FROM cases
WHERE time_created >= :from AND time_created < :to OR status <> 'resolved'
ORDER BY time_created, case_id
