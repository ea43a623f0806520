-- Each failure episode of a service that began in the window: a burst of failures (a task stopped for a
-- failure class: health_check_failed, out_of_memory, essential_container_exited or failed_to_start; a failed
-- deployment; a placement failure) and the SERVICE_STEADY_STATE that ends it, the first after its failures.
-- minutes_to_recover runs from the episode's first failure to that steady state; an episode with no steady state
-- before the window's end has not recovered (null). Failures and steady states up to lookback_days before the
-- window are read, so an episode already under way when the window opens belongs to the day it began, not to
-- the window's first day. A stopped task counts once however many of its versions say STOPPED.
--
-- @param from           timestamp  required   Start of the window (UTC, inclusive)
-- @param to             timestamp  required   End of the window (UTC, exclusive)
-- @param cluster        string     optional   Only this cluster (name)
-- @param service        string     optional   Only this service (name)
-- @param lookback_days  integer(0..366) default 7  Days before the window read for episodes already under way at its start
WITH @{service_failures(lookback_to_window_end)},
steady AS (
    SELECT cluster_name, service_name, event_time
    FROM ecs_service_actions
    @{lookback_to_window_end}
      @{in_scope}
      AND event_name = 'SERVICE_STEADY_STATE'
),
ended_by AS (
    -- Each failure belongs to the episode the next steady state ends (none yet: the open episode).
    SELECT f.cluster_name, f.service_name, f.failure_id, f.failed_at, min(s.event_time) AS steady_state_at
    FROM failures f
    LEFT JOIN steady s ON s.cluster_name = f.cluster_name AND s.service_name = f.service_name AND s.event_time > f.failed_at
    GROUP BY f.cluster_name, f.service_name, f.failure_id, f.failed_at
),
episodes AS (
    SELECT cluster_name, service_name, steady_state_at, count(DISTINCT failure_id) AS failures,
           min(failed_at) AS first_failure_at, max(failed_at) AS last_failure_at
    FROM ended_by
    GROUP BY cluster_name, service_name, steady_state_at
)
SELECT cluster_name, service_name, first_failure_at, last_failure_at, failures, steady_state_at,
       date_diff('minute', first_failure_at, steady_state_at) AS minutes_to_recover
FROM episodes
WHERE first_failure_at >= :from
ORDER BY first_failure_at, cluster_name, service_name
