-- Stopped tasks by stop class (why, decided at ingest from stop code, reason and containers: see the
-- stop_class column), stop code, stopped-reason family and exit code, per service. Each task counts once, at
-- its final state in the window (its highest task_version), so redeliveries and out-of-order versions do not
-- change the counts. The exit code is the highest any container reported at that state; the reason family is
-- the stopped reason up to its first ':' or '('.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name)
WITH latest AS (
    SELECT t.*, @{latest_task_state_first} AS rn
    FROM ecs_task_events t
    @{in_window_and_scope}
),
exit_codes AS (
    SELECT task_arn, task_version, max(exit_code) AS exit_code
    FROM ecs_container_states
    @{in_window}
    GROUP BY task_arn, task_version
)
SELECT
    l.cluster_name,
    coalesce(l.service_name, l.task_group) AS service_name,
    coalesce(l.stop_class, 'other') AS stop_class,
    l.severity,
    l.stop_code,
    trim(regexp_replace(coalesce(l.stopped_reason, ''), '[:(].*$', '')) AS reason_family,
    e.exit_code,
    count(*) AS tasks,
    min(l.stopped_at) AS first_stopped_at,
    max(l.stopped_at) AS last_stopped_at
FROM latest l
LEFT JOIN exit_codes e ON e.task_arn = l.task_arn AND e.task_version = l.task_version
WHERE l.rn = 1 AND l.last_status = 'STOPPED'
GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY tasks DESC, service_name, stop_class, stop_code, reason_family, exit_code
