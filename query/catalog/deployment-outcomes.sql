-- ECS deployments active in the window (started before its end and not ended before its start; one started
-- up to lookback_days earlier is seen), each once, with its outcome as of the window's end: 'completed',
-- 'failed' (SERVICE_DEPLOYMENT_FAILED, e.g. the circuit breaker) or 'in_progress'. A circuit-breaker rollback
-- is a deployment of its own: is_rollback, and rolls_back names the deployment it replaced, which names it in
-- rolled_back_by. Each deployment's tasks are the tasks it started (startedBy is the deployment id):
-- task_revisions are their task definition revisions, images their containers' images, failed_tasks those
-- that stopped for a failure class (health_check_failed, out_of_memory, essential_container_exited,
-- failed_to_start) in the window. Changed:
-- 'rolled_back' was put on the rollback (which succeeded), so one bad deployment read as two; deployments
-- started before the window were missing; tasks were not tied to deployments.
--
-- @param from           timestamp  required   Start of the window (UTC, inclusive)
-- @param to             timestamp  required   End of the window (UTC, exclusive)
-- @param cluster        string     optional   Only this cluster (name)
-- @param service        string     optional   Only this service (name)
-- @param lookback_days  integer(0..366) default 7  Days before the window read for deployments already under way at its start
WITH events AS (
    SELECT cluster_name, service_name, deployment_id, event_name, reason, event_time
    FROM ecs_deployment_events
    WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
),
deployments AS (
    SELECT cluster_name, service_name, deployment_id,
           min(CASE WHEN event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' THEN event_time END) AS started_at,
           min(CASE WHEN event_name IN ('SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED') THEN event_time END) AS ended_at,
           count_if(event_name = 'SERVICE_DEPLOYMENT_FAILED') > 0 AS failed,
           count_if(event_name = 'SERVICE_DEPLOYMENT_COMPLETED') > 0 AS completed,
           max(nullif(regexp_extract(reason, 'rolling back to deploymentId ([^\s.]+)', 1), '')) AS rolls_back,
           max_by(reason, event_time) AS last_reason
    FROM events
    GROUP BY cluster_name, service_name, deployment_id
),
tasks AS (
    SELECT started_by, task_arn, max(task_revision) AS task_revision,
           max_by(stop_class, task_version) AS stop_class, max_by(last_status, task_version) AS last_status
    FROM ecs_task_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
      AND started_by LIKE 'ecs-svc/%'
    GROUP BY started_by, task_arn
),
per_deployment AS (
    SELECT started_by,
           array_join(array_agg(DISTINCT CAST(task_revision AS varchar) ORDER BY CAST(task_revision AS varchar)), ',') AS task_revisions,
           count_if(last_status = 'STOPPED' AND stop_class IN ('health_check_failed', 'out_of_memory', 'essential_container_exited', 'failed_to_start')) AS failed_tasks
    FROM tasks
    GROUP BY started_by
),
images AS (
    SELECT t.started_by, array_join(array_agg(DISTINCT c.image ORDER BY c.image), ',') AS images
    FROM (
        SELECT DISTINCT task_arn, image
        FROM ecs_container_states
        WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
          AND event_time >= :from AND event_time < :to
          AND image IS NOT NULL
    ) c
    JOIN tasks t ON t.task_arn = c.task_arn
    GROUP BY t.started_by
)
SELECT d.cluster_name, d.service_name, d.deployment_id, d.started_at, d.ended_at,
       date_diff('second', d.started_at, d.ended_at) AS duration_seconds,
       CASE WHEN d.failed THEN 'failed' WHEN d.completed THEN 'completed' ELSE 'in_progress' END AS outcome,
       d.rolls_back IS NOT NULL AS is_rollback,
       d.rolls_back,
       r.deployment_id AS rolled_back_by,
       t.task_revisions,
       i.images,
       coalesce(t.failed_tasks, 0) AS failed_tasks,
       d.last_reason
FROM deployments d
LEFT JOIN deployments r ON r.rolls_back = d.deployment_id AND r.cluster_name = d.cluster_name AND r.service_name = d.service_name
LEFT JOIN per_deployment t ON t.started_by = d.deployment_id
LEFT JOIN images i ON i.started_by = d.deployment_id
WHERE d.ended_at IS NULL OR d.ended_at >= :from
ORDER BY coalesce(d.started_at, d.ended_at), d.cluster_name, d.service_name, d.deployment_id
