-- Task placement failures (SERVICE_TASK_PLACEMENT_FAILURE, e.g. RESOURCE:MEMORY) and start impairments
-- (SERVICE_TASK_START_IMPAIRED) per service and reason, with when they began and last happened.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name)
SELECT cluster_name, service_name, event_name, coalesce(reason, '') AS reason,
       count(*) AS events, min(event_time) AS first_at, max(event_time) AS last_at
FROM ecs_service_actions
@{in_window_and_scope}
  AND event_name IN ('SERVICE_TASK_PLACEMENT_FAILURE', 'SERVICE_TASK_START_IMPAIRED')
GROUP BY cluster_name, service_name, event_name, coalesce(reason, '')
ORDER BY events DESC, cluster_name, service_name, event_name, reason
