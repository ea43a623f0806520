-- Crash loops: tasks of one service and task definition revision that failed again and again in the window,
-- whether they ran for seconds, were killed by failing health checks, or never started. A failure is a stop of
-- class health_check_failed, out_of_memory, essential_container_exited or failed_to_start (the stop_class
-- column, defined once at ingest); scale-ins, deployment replacements, Spot interruptions and user stops never
-- count. Each task counts once, at its final state in the window.
--
-- @param from       timestamp  required    Start of the window (UTC, inclusive)
-- @param to         timestamp  required    End of the window (UTC, exclusive)
-- @param cluster    string     optional    Only this cluster (name)
-- @param service    string     optional    Only this service (name)
-- @param min_stops  integer(1..100000) default 3   Fewest failed tasks of one service and revision that make a loop
WITH latest AS (
    SELECT cluster_name, coalesce(service_name, task_group) AS service_name, task_arn, task_revision,
           last_status, stop_class, stopped_reason, started_at, coalesce(stopped_at, event_time) AS stopped_at,
           @{latest_task_state_first} AS rn
    FROM ecs_task_events
    @{in_window_and_scope}
),
failures AS (
    SELECT * FROM latest
    WHERE rn = 1 AND last_status = 'STOPPED'
      AND stop_class IN (@{failure_classes})
)
SELECT cluster_name, service_name, task_revision,
       count(*) AS failures,
       count_if(started_at IS NULL) AS never_started,
       min(stopped_at) AS first_failure_at,
       max(stopped_at) AS last_failure_at,
       round(avg(date_diff('second', started_at, stopped_at)), 1) AS avg_seconds_running,
       array_join(array_agg(DISTINCT stop_class ORDER BY stop_class), ',') AS stop_classes,
       max_by(stopped_reason, stopped_at) AS last_stopped_reason
FROM failures
GROUP BY cluster_name, service_name, task_revision
HAVING count(*) >= ${min_stops}
ORDER BY failures DESC, cluster_name, service_name, task_revision
