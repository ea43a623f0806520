-- ECS deployments active in the window (started before its end and not ended before its start; one started
-- up to lookback_days earlier is seen), each once, with its outcome as of the window's end: 'completed',
-- 'failed' (SERVICE_DEPLOYMENT_FAILED, e.g. the circuit breaker) or 'in_progress'.
-- A circuit-breaker rollback returns the service to the last deployment that completed, and ECS runs it under
-- that deployment's own id ("rolling back to deploymentId X" names X, the good one): a deployment id can start
-- twice, and each start (SERVICE_DEPLOYMENT_IN_PROGRESS) begins a row of its own. A rollback row has
-- is_rollback, returns_to (the deployment named in its reason) and rolls_back: the deployment whose
-- SERVICE_DEPLOYMENT_FAILED last preceded it in that service, which names it in rolled_back_by. Each
-- deployment's tasks are the tasks it started (startedBy is the deployment id) from its start to the next
-- start of the same id: task_revisions are their task definition revisions, images their containers'
-- images, failed_tasks those that stopped for a failure class (health_check_failed, out_of_memory,
-- essential_container_exited, failed_to_start) in the window.
--
-- @param from           timestamp  required   Start of the window (UTC, inclusive)
-- @param to             timestamp  required   End of the window (UTC, exclusive)
-- @param cluster        string     optional   Only this cluster (name)
-- @param service        string     optional   Only this service (name)
-- @param lookback_days  integer(0..366) default 7  Days before the window read for deployments already under way at its start
WITH events AS (
    SELECT cluster_name, service_name, deployment_id, event_name, reason, event_time, account_id,
           nullif(regexp_extract(reason, 'rolling back to deploymentId ([^\s.]+)', 1), '') AS returns_to,
           -- Each start of an id begins its next life; events before the first start read are life 0.
           sum(CASE WHEN event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' THEN 1 ELSE 0 END)
               OVER (PARTITION BY cluster_name, service_name, deployment_id ORDER BY event_time, event_name ROWS UNBOUNDED PRECEDING) AS life
    FROM ecs_deployment_events
    @{lookback_to_window_end}
      @{in_scope}
),
lives AS (
    SELECT cluster_name, service_name, deployment_id, life,
           min(event_time) AS first_event_at,
           min(CASE WHEN event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' THEN event_time END) AS started_at,
           min(CASE WHEN event_name IN ('SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED') THEN event_time END) AS ended_at,
           min(CASE WHEN event_name = 'SERVICE_DEPLOYMENT_FAILED' THEN event_time END) AS failed_at,
           count_if(event_name = 'SERVICE_DEPLOYMENT_COMPLETED') > 0 AS completed,
           max(CASE WHEN event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS' THEN returns_to END) AS returns_to,
           max_by(reason, event_time) AS last_reason,
           max(account_id) AS account_id
    FROM events
    GROUP BY cluster_name, service_name, deployment_id, life
),
deployments AS (
    SELECT l.*, lead(first_event_at) OVER (PARTITION BY cluster_name, service_name, deployment_id ORDER BY life) AS next_life_at
    FROM lives l
),
rollbacks AS (
    -- The deployment a rollback undoes: the last one in the service that failed before the rollback began.
    SELECT r.cluster_name, r.service_name, r.deployment_id, r.life, r.started_at,
           max_by(f.deployment_id, f.failed_at) AS rolls_back
    FROM deployments r
    JOIN deployments f ON f.cluster_name = r.cluster_name AND f.service_name = r.service_name
        AND f.deployment_id <> r.deployment_id AND f.failed_at <= r.first_event_at
    WHERE r.returns_to IS NOT NULL
    GROUP BY r.cluster_name, r.service_name, r.deployment_id, r.life, r.started_at
),
rolled_back AS (
    SELECT cluster_name, service_name, rolls_back AS deployment_id, min_by(deployment_id, started_at) AS rolled_back_by
    FROM rollbacks
    GROUP BY cluster_name, service_name, rolls_back
),
tasks AS (
    SELECT started_by, task_arn, min(event_time) AS first_seen, max(task_revision) AS task_revision,
           max_by(stop_class, task_version) AS stop_class, max_by(last_status, task_version) AS last_status
    FROM ecs_task_events
    @{in_window_and_scope}
      AND started_by LIKE 'ecs-svc/%'
    GROUP BY started_by, task_arn
),
task_lives AS (
    -- A task belongs to the life of its deployment id that had begun when the task was first seen.
    SELECT d.cluster_name, d.service_name, d.deployment_id, d.life, t.task_arn, t.task_revision, t.stop_class, t.last_status
    FROM tasks t
    JOIN deployments d ON d.deployment_id = t.started_by
        AND (d.life = 0 OR t.first_seen >= d.first_event_at)
        AND (d.next_life_at IS NULL OR t.first_seen < d.next_life_at)
),
per_life AS (
    SELECT cluster_name, service_name, deployment_id, life,
           array_join(array_agg(DISTINCT CAST(task_revision AS varchar) ORDER BY CAST(task_revision AS varchar)), ',') AS task_revisions,
           count_if(last_status = 'STOPPED' AND stop_class IN (@{failure_classes})) AS failed_tasks
    FROM task_lives
    GROUP BY cluster_name, service_name, deployment_id, life
),
images AS (
    SELECT t.cluster_name, t.service_name, t.deployment_id, t.life, array_join(array_agg(DISTINCT c.image ORDER BY c.image), ',') AS images
    FROM (
        SELECT DISTINCT task_arn, image
        FROM ecs_container_states
        @{in_window}
          AND image IS NOT NULL
    ) c
    JOIN task_lives t ON t.task_arn = c.task_arn
    GROUP BY t.cluster_name, t.service_name, t.deployment_id, t.life
)
SELECT d.cluster_name, d.service_name, d.deployment_id, d.started_at, d.ended_at,
       date_diff('second', d.started_at, d.ended_at) AS duration_seconds,
       CASE WHEN d.failed_at IS NOT NULL THEN 'failed' WHEN d.completed THEN 'completed' ELSE 'in_progress' END AS outcome,
       d.returns_to IS NOT NULL AS is_rollback,
       r.rolls_back,
       rb.rolled_back_by,
       t.task_revisions,
       i.images,
       coalesce(t.failed_tasks, 0) AS failed_tasks,
       d.last_reason,
       d.returns_to,
       d.account_id
FROM deployments d
LEFT JOIN rollbacks r ON r.cluster_name = d.cluster_name AND r.service_name = d.service_name AND r.deployment_id = d.deployment_id AND r.life = d.life
LEFT JOIN rolled_back rb ON rb.cluster_name = d.cluster_name AND rb.service_name = d.service_name AND rb.deployment_id = d.deployment_id AND d.failed_at IS NOT NULL
LEFT JOIN per_life t ON t.cluster_name = d.cluster_name AND t.service_name = d.service_name AND t.deployment_id = d.deployment_id AND t.life = d.life
LEFT JOIN images i ON i.cluster_name = d.cluster_name AND i.service_name = d.service_name AND i.deployment_id = d.deployment_id AND i.life = d.life
WHERE d.ended_at IS NULL OR d.ended_at >= :from
ORDER BY coalesce(d.started_at, d.ended_at), d.cluster_name, d.service_name, d.deployment_id, d.life
