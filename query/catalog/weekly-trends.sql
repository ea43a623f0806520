-- Per ISO week (Monday to Sunday, UTC), every week of the window, empty ones as zeros: task failures by stop
-- class (health-check kills, essential container exits, OOM kills, failed starts), Spot interruptions and
-- infrastructure stops, deployments started (rollbacks not counted) and failed, the change failure rate
-- (failed / started, null without deployments), Health events and Support cases opened (seen in
-- DescribeCases or as a CreateCase event), each count with its change from the week before. Tasks count once
-- at their final state, in the week they stopped; Health events once per ARN. The cluster and service filters
-- narrow the ECS figures; Health and Support figures are account-wide. Changed: health-check kills were not
-- failures, OOM kills were a subset of container exits (now each task is in one class), weeks without any
-- fact were missing, and deployments and the change failure rate are new.
--
-- @param from     timestamp  required  Start of the first week (UTC, inclusive; use a Monday)
-- @param to       timestamp  required  End of the last week (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster's ECS figures (name)
-- @param service  string     optional  Only this service's ECS figures (name)
WITH latest AS (
    SELECT task_arn, last_status, stop_class, coalesce(stopped_at, event_time) AS stopped_at,
           row_number() OVER (PARTITION BY task_arn ORDER BY task_version DESC, event_time DESC) AS rn
    FROM ecs_task_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
),
deployments AS (
    SELECT deployment_id,
           min(event_time) AS first_seen,
           count_if(event_name = 'SERVICE_DEPLOYMENT_FAILED') > 0 AS failed,
           count_if(strpos(lower(reason), 'rolling back') > 0) > 0 AS is_rollback
    FROM ecs_deployment_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
    GROUP BY deployment_id
),
facts AS (
    SELECT date_trunc('week', stopped_at) AS week, stop_class AS kind
    FROM latest
    WHERE rn = 1 AND last_status = 'STOPPED'
    UNION ALL
    SELECT date_trunc('week', first_seen), 'deployment' FROM deployments WHERE NOT is_rollback
    UNION ALL
    SELECT date_trunc('week', first_seen), 'failed_deployment' FROM deployments WHERE failed
    UNION ALL
    SELECT date_trunc('week', min(event_time)), 'health_event'
    FROM health_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
    GROUP BY event_arn
    UNION ALL
    SELECT date_trunc('week', min(opened_at)), 'support_case'
    FROM (
        SELECT case_id, time_created AS opened_at
        FROM support_cases
        WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
          AND event_time >= :from AND event_time < :to
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
