-- The ECS services the lake knows in the window, one row each: the tasks, deployment events and service actions
-- seen of it, and when it was first and last seen. What a --service or -p service= must name; dashboards' filters.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name), to see whether the lake has it in the window
WITH seen AS (
    SELECT cluster_name, service_name, 'task' AS kind, event_time
    FROM ecs_task_events
    @{in_window_and_scope}
      AND service_name IS NOT NULL
    UNION ALL
    SELECT cluster_name, service_name, 'deployment', event_time
    FROM ecs_deployment_events
    @{in_window_and_scope}
      AND service_name IS NOT NULL
    UNION ALL
    SELECT cluster_name, service_name, 'action', event_time
    FROM ecs_service_actions
    @{in_window_and_scope}
      AND service_name IS NOT NULL
)
SELECT cluster_name, service_name,
       count_if(kind = 'task') AS task_events,
       count_if(kind = 'deployment') AS deployment_events,
       count_if(kind = 'action') AS service_actions,
       min(event_time) AS first_seen, max(event_time) AS last_seen
FROM seen
GROUP BY cluster_name, service_name
ORDER BY cluster_name, service_name
