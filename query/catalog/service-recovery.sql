-- Per service, for the incident window: the first and last failure (a task stopped for a failure class:
-- health_check_failed, out_of_memory, essential_container_exited or failed_to_start; a failed deployment; a
-- placement failure, told apart by its time), the first SERVICE_STEADY_STATE after the last failure, and the minutes from the first
-- failure to it. A service with no steady state after its last failure has not recovered in the window
-- (null). A stopped task counts once however many of its versions say STOPPED.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster (name)
-- @param service  string     optional  Only this service (name)
WITH @{service_failures(in_window)},
per_service AS (
    SELECT cluster_name, service_name, count(DISTINCT failure_id) AS failures, min(failed_at) AS first_failure_at, max(failed_at) AS last_failure_at
    FROM failures
    GROUP BY cluster_name, service_name
),
steady AS (
    SELECT cluster_name, service_name, event_time
    FROM ecs_service_actions
    @{in_window}
      AND event_name = 'SERVICE_STEADY_STATE'
)
SELECT p.cluster_name, p.service_name, p.failures, p.first_failure_at, p.last_failure_at,
       min(s.event_time) AS steady_state_at,
       date_diff('minute', p.first_failure_at, min(s.event_time)) AS minutes_to_recover
FROM per_service p
LEFT JOIN steady s ON s.cluster_name = p.cluster_name AND s.service_name = p.service_name AND s.event_time > p.last_failure_at
GROUP BY p.cluster_name, p.service_name, p.failures, p.first_failure_at, p.last_failure_at
ORDER BY p.first_failure_at, p.cluster_name, p.service_name
