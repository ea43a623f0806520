-- Per ISO week (Monday to Sunday, UTC), every week of the window, empty ones as zeros: task failures by stop
-- class (health-check kills, essential container exits, OOM kills, failed starts), Spot interruptions and
-- infrastructure stops, deployments started (rollbacks not counted) and failed, the change failure rate
-- (failed / started, null without deployments), Health events and Support cases opened (seen in
-- DescribeCases or as a CreateCase event), each count with its change from the week before. Tasks count once
-- at their final state, in the week they stopped; a deployment in the week it started (each start of an id is
-- one: a circuit-breaker rollback restarts the good deployment's id and is not counted), failed when its
-- SERVICE_DEPLOYMENT_FAILED came before the id started again; a Health event once per ARN, in the week of its
-- first version. A week's row is the same in reports of any length that end with it. The cluster and service
-- filters narrow the ECS figures; Health and Support figures are account-wide.
--
-- @param from     timestamp  required  Start of the first week (UTC, inclusive; use a Monday)
-- @param to       timestamp  required  End of the last week (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster's ECS figures (name)
-- @param service  string     optional  Only this service's ECS figures (name)
-- @param lookback_days  integer(0..366) default 90  Days before the first week read to tell a Health event first published in the window from an update of an older one
WITH latest AS (
    SELECT task_arn, last_status, stop_class, coalesce(stopped_at, event_time) AS stopped_at,
           @{latest_task_state_first} AS rn
    FROM ecs_task_events
    @{in_window_and_scope}
),
deployment_events AS (
    SELECT cluster_name, service_name, deployment_id, event_name, event_time, reason
    FROM ecs_deployment_events
    @{in_window_and_scope}
),
starts AS (
    -- Each start (SERVICE_DEPLOYMENT_IN_PROGRESS) of an id begins a deployment of its own: a circuit-breaker rollback
    -- starts the good deployment's id again, naming it in its reason, and is not a deployment the team started.
    SELECT cluster_name, service_name, deployment_id, event_time AS started_at,
           coalesce(strpos(reason, 'rolling back to deploymentId') > 0, false) AS is_rollback,
           lead(event_time) OVER (PARTITION BY cluster_name, service_name, deployment_id ORDER BY event_time) AS next_start
    FROM deployment_events
    WHERE event_name = 'SERVICE_DEPLOYMENT_IN_PROGRESS'
),
deployments AS (
    -- Deployments started in the window, each failed when SERVICE_DEPLOYMENT_FAILED came before its id started again.
    SELECT s.started_at AS first_seen, count(f.event_time) > 0 AS failed
    FROM starts s
    LEFT JOIN deployment_events f ON f.cluster_name = s.cluster_name AND f.service_name = s.service_name AND f.deployment_id = s.deployment_id
        AND f.event_name = 'SERVICE_DEPLOYMENT_FAILED' AND f.event_time >= s.started_at
        AND (s.next_start IS NULL OR f.event_time < s.next_start)
    WHERE NOT s.is_rollback
    GROUP BY s.cluster_name, s.service_name, s.deployment_id, s.started_at
),
facts AS (
    SELECT date_trunc('week', stopped_at) AS week, stop_class AS kind
    FROM latest
    WHERE rn = 1 AND last_status = 'STOPPED'
    UNION ALL
    SELECT date_trunc('week', first_seen), 'deployment' FROM deployments
    UNION ALL
    SELECT date_trunc('week', first_seen), 'failed_deployment' FROM deployments WHERE failed
    UNION ALL
    SELECT date_trunc('week', first_published), 'health_event'
    FROM (
        -- An event counts once, in the week of its first version; versions up to lookback_days before the window are
        -- read so that an update in the window of an event published before it is not counted as new. An event that
        -- started before the look-back is older than what is read, and not new either.
        SELECT event_arn, min(event_time) AS first_published, min(start_time) AS start_time
        FROM health_events
        WHERE dt BETWEEN CAST(CAST(date_add('day', -${lookback_days}, :from) AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
          AND event_time >= date_add('day', -${lookback_days}, :from) AND event_time < :to
        GROUP BY event_arn
    ) health
    WHERE first_published >= :from AND NOT coalesce(start_time < date_add('day', -${lookback_days}, :from), false)
    UNION ALL
    SELECT date_trunc('week', min(opened_at)), 'support_case'
    FROM (
        SELECT case_id, time_created AS opened_at
        FROM support_cases
        @{in_window}
          AND time_created >= :from AND time_created < :to
        UNION ALL
        SELECT case_id, event_time
        FROM support_case_events
        WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
          AND event_time >= :from AND event_time < :to AND event_name = 'CreateCase'
    ) opened
    GROUP BY case_id
),
calendar AS (
    SELECT week FROM UNNEST(sequence(date_trunc('week', ${from}), date_add('second', -1, ${to}), INTERVAL '7' DAY)) AS c(week)
),
weeks AS (
    SELECT c.week,
           count_if(f.kind = 'health_check_failed') AS health_check_failures,
           count_if(f.kind = 'essential_container_exited') AS container_exits,
           count_if(f.kind = 'out_of_memory') AS oom_kills,
           count_if(f.kind = 'failed_to_start') AS failed_starts,
           count_if(f.kind = 'spot_interruption') AS spot_interruptions,
           count_if(f.kind = 'infrastructure') AS infrastructure_stops,
           count_if(f.kind = 'deployment') AS deployments,
           count_if(f.kind = 'failed_deployment') AS failed_deployments,
           count_if(f.kind = 'health_event') AS health_events,
           count_if(f.kind = 'support_case') AS support_cases
    FROM calendar c
    LEFT JOIN facts f ON f.week = c.week
    GROUP BY c.week
)
SELECT CAST(CAST(week AS date) AS varchar) AS week_start,
       year_of_week(week) AS iso_year, week_of_year(week) AS iso_week,
       health_check_failures, health_check_failures - lag(health_check_failures) OVER (ORDER BY week) AS health_check_failures_change,
       container_exits, container_exits - lag(container_exits) OVER (ORDER BY week) AS container_exits_change,
       oom_kills, oom_kills - lag(oom_kills) OVER (ORDER BY week) AS oom_kills_change,
       failed_starts, failed_starts - lag(failed_starts) OVER (ORDER BY week) AS failed_starts_change,
       spot_interruptions, spot_interruptions - lag(spot_interruptions) OVER (ORDER BY week) AS spot_interruptions_change,
       infrastructure_stops, infrastructure_stops - lag(infrastructure_stops) OVER (ORDER BY week) AS infrastructure_stops_change,
       deployments, deployments - lag(deployments) OVER (ORDER BY week) AS deployments_change,
       failed_deployments, failed_deployments - lag(failed_deployments) OVER (ORDER BY week) AS failed_deployments_change,
       CASE WHEN deployments = 0 THEN NULL ELSE round(CAST(failed_deployments AS double) / deployments, 3) END AS change_failure_rate,
       health_events, health_events - lag(health_events) OVER (ORDER BY week) AS health_events_change,
       support_cases, support_cases - lag(support_cases) OVER (ORDER BY week) AS support_cases_change
FROM weeks
ORDER BY week
