-- Services whose tasks stop within a few minutes of starting, again and again: the tasks that started and
-- stopped in the window within `minutes` of each other, per service, when there are at least `min_stops`.
-- Each task counts once, at its final state in the window.
--
-- @param from       timestamp  required    Start of the window (UTC, inclusive)
-- @param to         timestamp  required    End of the window (UTC, exclusive)
-- @param cluster    string     optional    Only this cluster (name)
-- @param service    string     optional    Only this service (name)
-- @param minutes    integer    default 5   A task that stops within this many minutes of starting counts as a crash
-- @param min_stops  integer    default 3   Fewest crashes in the window that make a loop
WITH latest AS (
    SELECT cluster_name, coalesce(service_name, task_group) AS service_name, task_arn, task_revision,
           last_status, stop_code, stopped_reason, started_at, stopped_at,
           row_number() OVER (PARTITION BY task_arn ORDER BY task_version DESC, event_time DESC) AS rn
    FROM ecs_task_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
),
crashes AS (
    SELECT * FROM latest
    WHERE rn = 1 AND last_status = 'STOPPED' AND started_at IS NOT NULL AND stopped_at IS NOT NULL
      AND date_diff('second', started_at, stopped_at) <= ${minutes} * 60
)
SELECT cluster_name, service_name,
       count(*) AS crashes,
       min(stopped_at) AS first_crash_at,
       max(stopped_at) AS last_crash_at,
       round(avg(date_diff('second', started_at, stopped_at)), 1) AS avg_seconds_running,
       max_by(stopped_reason, stopped_at) AS last_stopped_reason,
       array_join(array_agg(DISTINCT task_revision ORDER BY task_revision), ',') AS task_revisions
FROM crashes
GROUP BY cluster_name, service_name
HAVING count(*) >= ${min_stops}
ORDER BY crashes DESC, cluster_name, service_name
