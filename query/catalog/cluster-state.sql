-- The cluster's state over the window as steps, for a step chart: how many tasks of each service and task
-- definition revision were running (kind 'tasks'), and how many container instances were in each status
-- (kind 'instances': ACTIVE, DRAINING, INACTIVE once deregistered, ...). A row is a change: total is the
-- count from since until the series' next row; each series opens at the window's start with the state then and
-- closes at its end, so a deployment shows as one revision giving way to the next. ECS keeps only a service's
-- last 100 events; this reads the lake's own. A task runs from its startedAt until it began stopping
-- (stoppingAt, else stoppedAt, else its first stopping or stopped version): ECS's running count counts RUNNING
-- tasks only. A task that never started never counts. Versions are read from lookback_days before the window,
-- so a task or instance with no change in that time is not seen. Container instances belong to the cluster:
-- the service filter does not narrow them.
--
-- @param from           timestamp  required   Start of the window (UTC, inclusive)
-- @param to             timestamp  required   End of the window (UTC, exclusive)
-- @param cluster        string     optional   Only this cluster (name)
-- @param service        string     optional   Only this service's tasks (name)
-- @param lookback_days  integer(0..366) default 7  Days before the window read to know what was running at its start
WITH task_rows AS (
    SELECT cluster_name, coalesce(service_name, task_group) AS service_name, task_arn, task_revision, task_version,
           last_status, event_time, started_at, stopping_at, stopped_at
    FROM ecs_task_events
    @{lookback_to_window_end}
      @{in_scope}
),
tasks AS (
    SELECT cluster_name, service_name, task_arn,
           max(task_revision) AS task_revision,
           coalesce(min(started_at), min(CASE WHEN last_status = 'RUNNING' THEN event_time END)) AS running_from,
           coalesce(min(stopping_at), min(stopped_at),
                    min(CASE WHEN last_status IN ('DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED') THEN event_time END)) AS running_to
    FROM task_rows
    GROUP BY cluster_name, service_name, task_arn
),
ran AS (
    SELECT * FROM tasks
    WHERE running_from IS NOT NULL AND running_from < ${to}
      AND (running_to IS NULL OR (running_to > running_from AND running_to > ${from}))
),
task_changes AS (
    SELECT cluster_name, service_name, task_revision, greatest(running_from, ${from}) AS since, 1 AS delta FROM ran
    UNION ALL
    SELECT cluster_name, service_name, task_revision, running_to, -1 FROM ran WHERE running_to < ${to}
),
task_steps AS (
    SELECT cluster_name, service_name, task_revision, since, sum(delta) AS delta
    FROM task_changes
    GROUP BY cluster_name, service_name, task_revision, since
    UNION ALL
    SELECT DISTINCT cluster_name, service_name, task_revision, ${to}, 0 FROM task_changes
),
instance_rows AS (
    SELECT cluster_name, container_instance_arn, coalesce(status, 'UNKNOWN') AS status, event_time,
           lag(coalesce(status, 'UNKNOWN')) OVER (PARTITION BY container_instance_arn ORDER BY instance_version, event_time) AS previous_status
    FROM ecs_container_instance_events
    @{lookback_to_window_end}
      AND (:cluster IS NULL OR cluster_name = :cluster)
),
instance_changes AS (
    SELECT cluster_name, status, greatest(event_time, ${from}) AS since, 1 AS delta
    FROM instance_rows WHERE previous_status IS NULL OR previous_status <> status
    UNION ALL
    SELECT cluster_name, previous_status, greatest(event_time, ${from}), -1
    FROM instance_rows WHERE previous_status <> status
),
instance_steps AS (
    SELECT cluster_name, status, since, sum(delta) AS delta
    FROM instance_changes
    GROUP BY cluster_name, status, since
    UNION ALL
    SELECT DISTINCT cluster_name, status, ${to}, 0 FROM instance_changes
)
SELECT since, 'tasks' AS kind, cluster_name, service_name, task_revision, CAST(NULL AS varchar) AS instance_status,
       sum(delta) OVER (PARTITION BY cluster_name, service_name, task_revision ORDER BY since ROWS UNBOUNDED PRECEDING) AS total
FROM task_steps
UNION ALL
SELECT since, 'instances', cluster_name, CAST(NULL AS varchar), CAST(NULL AS integer), status,
       sum(delta) OVER (PARTITION BY cluster_name, status ORDER BY since ROWS UNBOUNDED PRECEDING)
FROM instance_steps
ORDER BY kind DESC, cluster_name, service_name, task_revision, instance_status, since
