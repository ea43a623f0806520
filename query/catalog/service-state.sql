-- Per service, its tasks at the window's start and at its end: how many were running (a task's latest version
-- before that instant says RUNNING) and on which task definition revisions, and how many tasks started,
-- stopped, and stopped for a failure class inside the window. Versions are read from lookback_days before the
-- window, so a task running longer than that with no state change since is not seen; a task counts by its
-- versions, whatever order they arrived in.
--
-- @param from           timestamp  required   Start of the window (UTC, inclusive)
-- @param to             timestamp  required   End of the window (UTC, exclusive)
-- @param cluster        string     optional   Only this cluster (name)
-- @param service        string     optional   Only this service (name)
-- @param lookback_days  integer(0..366) default 7  Days before the window read to know which tasks were running at its start
WITH versions AS (
    SELECT cluster_name, coalesce(service_name, task_group) AS service_name, task_arn, task_revision, task_version,
           last_status, stop_class, event_time, started_at, stopped_at
    FROM ecs_task_events
    @{lookback_to_window_end}
      @{in_scope}
),
tasks AS (
    SELECT cluster_name, service_name, task_arn,
           max_by(last_status, CASE WHEN event_time < ${from} THEN task_version END) AS status_at_start,
           max_by(task_revision, CASE WHEN event_time < ${from} THEN task_version END) AS revision_at_start,
           max_by(last_status, task_version) AS status_at_end,
           max_by(task_revision, task_version) AS revision_at_end,
           max_by(stop_class, task_version) AS stop_class,
           max(started_at) AS started_at,
           max(stopped_at) AS stopped_at
    FROM versions
    GROUP BY cluster_name, service_name, task_arn
)
SELECT cluster_name, service_name,
       count_if(status_at_start = 'RUNNING') AS running_at_start,
       array_join(array_agg(DISTINCT CAST(revision_at_start AS varchar) ORDER BY CAST(revision_at_start AS varchar))
                  FILTER (WHERE status_at_start = 'RUNNING'), ',') AS revisions_at_start,
       count_if(status_at_end = 'RUNNING') AS running_at_end,
       array_join(array_agg(DISTINCT CAST(revision_at_end AS varchar) ORDER BY CAST(revision_at_end AS varchar))
                  FILTER (WHERE status_at_end = 'RUNNING'), ',') AS revisions_at_end,
       count_if(started_at >= ${from}) AS started_in_window,
       count_if(stopped_at >= ${from} AND status_at_end = 'STOPPED') AS stopped_in_window,
       count_if(stopped_at >= ${from} AND status_at_end = 'STOPPED'
                AND stop_class IN (@{failure_classes})) AS failed_in_window
FROM tasks
GROUP BY cluster_name, service_name
HAVING count_if(status_at_start = 'RUNNING') > 0 OR count_if(status_at_end = 'RUNNING') > 0 OR count_if(started_at >= ${from}) > 0
    OR count_if(stopped_at >= ${from} AND status_at_end = 'STOPPED') > 0
ORDER BY cluster_name, service_name
