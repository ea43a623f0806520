-- ECS deployments that started or ended in the window, with start, end, duration and outcome:
-- 'completed', 'failed' (SERVICE_DEPLOYMENT_FAILED, e.g. the circuit breaker), 'rolled_back' (a
-- deployment the circuit breaker started to roll back, once it completed) or 'in_progress'.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name)
WITH events AS (
    SELECT cluster_name, service_name, deployment_id, event_name, reason, event_time
    FROM ecs_deployment_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
),
deployments AS (
    SELECT cluster_name, service_name, deployment_id,
           min(CASE WHEN event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' THEN event_time END) AS started_at,
           min(CASE WHEN event_name IN ('SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED') THEN event_time END) AS ended_at,
           count_if(event_name = 'SERVICE_DEPLOYMENT_FAILED') > 0 AS failed,
           count_if(event_name = 'SERVICE_DEPLOYMENT_COMPLETED') > 0 AS completed,
           count_if(event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' AND strpos(lower(reason), 'rolling back') > 0) > 0 AS rollback,
           max_by(reason, event_time) AS last_reason
    FROM events
    GROUP BY cluster_name, service_name, deployment_id
)
SELECT cluster_name, service_name, deployment_id, started_at, ended_at,
       date_diff('second', started_at, ended_at) AS duration_seconds,
       CASE WHEN failed THEN 'failed'
            WHEN rollback AND completed THEN 'rolled_back'
            WHEN completed THEN 'completed'
            ELSE 'in_progress' END AS outcome,
       last_reason
FROM deployments
ORDER BY coalesce(started_at, ended_at), cluster_name, service_name, deployment_id
