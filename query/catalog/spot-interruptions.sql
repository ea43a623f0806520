-- Fargate Spot interruptions (stop code SpotInterruption, or TerminationNotice in older documents) by
-- service and availability zone. Each task counts once, at its final state in the window.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name)
WITH latest AS (
    SELECT cluster_name, coalesce(service_name, task_group) AS service_name, availability_zone, capacity_provider_name,
           last_status, stop_code, stopped_at,
           @{latest_task_state_first} AS rn
    FROM ecs_task_events
    @{in_window_and_scope}
)
SELECT cluster_name, service_name, availability_zone, capacity_provider_name,
       count(*) AS interruptions, min(stopped_at) AS first_stopped_at, max(stopped_at) AS last_stopped_at
FROM latest
WHERE rn = 1 AND last_status = 'STOPPED' AND stop_code IN ('SpotInterruption', 'TerminationNotice')
GROUP BY cluster_name, service_name, availability_zone, capacity_provider_name
ORDER BY interruptions DESC, cluster_name, service_name, availability_zone
