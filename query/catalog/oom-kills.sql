-- Containers killed for running out of memory (reason starting with OutOfMemoryError; exit code 137 alone
-- is any SIGKILL), per service and task definition revision, with the containers' memory settings. Each
-- task's container counts once however many task versions repeat the reason.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name)
WITH kills AS (
    SELECT cluster_name, service_name, task_arn, task_revision, container_name,
           max(memory_mib) AS memory_mib, max(memory_reservation_mib) AS memory_reservation_mib,
           min(event_time) AS killed_at
    FROM ecs_container_states
    @{in_window_and_scope}
      AND oom_killed
    GROUP BY cluster_name, service_name, task_arn, task_revision, container_name
)
SELECT cluster_name, service_name, task_revision, container_name, memory_mib, memory_reservation_mib,
       count(*) AS oom_kills, count(DISTINCT task_arn) AS tasks,
       min(killed_at) AS first_killed_at, max(killed_at) AS last_killed_at
FROM kills
GROUP BY cluster_name, service_name, task_revision, container_name, memory_mib, memory_reservation_mib
ORDER BY oom_kills DESC, cluster_name, service_name, task_revision, container_name
