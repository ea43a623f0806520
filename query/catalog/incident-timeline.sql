-- Everything that happened in a window, as one time-ordered list: task stops (with stop code, reason and
-- exit codes), deployments, service actions, container-instance changes, Health events and their updates,
-- and Support cases opened or updated. The cluster and service filters narrow the ECS rows; Health and
-- Support rows are account-wide and always listed. Each task stop is listed once (its first STOPPED
-- version); each Health event version once, whichever way it was observed. Severity is the lake's own
-- severity column, mapped once at ingest from each source (ECS eventType, the task's stop class, a Health
-- event's category and status). kind says what a row is within its source: a task's stop class, a deployment's
-- or service action's event name, a container instance's status, a Health event's status, a Support event's name.
-- account_id is the account of the row (a Health event's affected account when its copies name one; null for a
-- PUBLIC event or one affecting several).
--
-- @param from          timestamp                   required      Start of the window (UTC, inclusive)
-- @param to            timestamp                   required      End of the window (UTC, exclusive)
-- @param cluster       string                      optional      Only this cluster (name)
-- @param service       string                      optional      Only this service (name)
-- @param min_severity  enum(info|warning|error)    default info  Leave out rows below this severity
WITH stops AS (
    SELECT t.*, row_number() OVER (PARTITION BY task_arn ORDER BY task_version, event_time) AS rn
    FROM ecs_task_events t
    @{in_window_and_scope}
      AND last_status = 'STOPPED'
),
exit_codes AS (
    SELECT task_arn, task_version,
           array_join(array_agg(container_name || '=' || CAST(exit_code AS varchar) ORDER BY container_name), ', ') AS exits,
           count_if(oom_killed) AS oom
    FROM ecs_container_states
    @{in_window}
      AND exit_code IS NOT NULL
    GROUP BY task_arn, task_version
),
health AS (
    SELECT event_arn, service, event_type_code, severity, status_code, event_region, last_updated_time,
           max(event_time) AS event_time,
           CASE WHEN min(affected_account) = max(affected_account) THEN min(affected_account) END AS account_id
    FROM health_events
    @{in_window}
    GROUP BY event_arn, service, event_type_code, severity, status_code, event_region, last_updated_time
)
SELECT * FROM (
    SELECT s.event_time, 'ecs_task' AS source,
           s.severity,
           s.cluster_name, coalesce(s.service_name, s.task_group) AS service_name,
           'Task ' || s.task_id || ' stopped (' || coalesce(s.stop_class, 'other') || ', ' || coalesce(s.stop_code, 'no stop code') || '): ' || coalesce(s.stopped_reason, '')
               || CASE WHEN e.exits IS NULL THEN '' ELSE '; exit codes ' || e.exits END
               || CASE WHEN e.oom > 0 THEN '; OutOfMemoryError' ELSE '' END AS summary,
           s.task_arn AS reference,
           coalesce(s.stop_class, 'other') AS kind,
           s.account_id
    FROM stops s
    LEFT JOIN exit_codes e ON e.task_arn = s.task_arn AND e.task_version = s.task_version
    WHERE s.rn = 1
    UNION ALL
    SELECT event_time, 'ecs_deployment', severity, cluster_name, service_name,
           event_name || ' ' || deployment_id || coalesce(': ' || reason, ''), deployment_id, event_name, account_id
    FROM ecs_deployment_events
    @{in_window_and_scope}
    UNION ALL
    SELECT event_time, 'ecs_service', severity, cluster_name, service_name,
           event_name || coalesce(': ' || reason, ''), service_arn, event_name, account_id
    FROM ecs_service_actions
    @{in_window_and_scope}
    UNION ALL
    SELECT event_time, 'ecs_container_instance', severity,
           cluster_name, CAST(NULL AS varchar),
           'Container instance ' || coalesce(ec2_instance_id, container_instance_arn) || ' ' || coalesce(status, '')
               || CASE WHEN agent_connected = false THEN ', agent disconnected' ELSE '' END,
           container_instance_arn, status, account_id
    FROM ecs_container_instance_events
    @{in_window}
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND :service IS NULL
    UNION ALL
    SELECT event_time, 'health', severity,
           CAST(NULL AS varchar), CAST(NULL AS varchar),
           'AWS Health ' || coalesce(service, '') || ' ' || coalesce(event_type_code, '') || ' ' || coalesce(status_code, '')
               || coalesce(' in ' || event_region, ''),
           event_arn, status_code, account_id
    FROM health
    UNION ALL
    SELECT event_time, 'support', 'info', CAST(NULL AS varchar), CAST(NULL AS varchar),
           'Support case ' || coalesce(display_id, case_id) || ': ' || event_name, case_id, event_name, account_id
    FROM support_case_events
    @{in_window}
) timeline
WHERE CASE severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END
   >= CASE :min_severity WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END
ORDER BY event_time, source, reference
