-- Per ISO week (Monday to Sunday, UTC): task failures by kind (essential container exits, failed starts,
-- OOM kills, which are a subset of the exits, and Spot interruptions), failed deployments, Health events,
-- and Support cases opened (seen in DescribeCases or as a CreateCase event), each with its change from the
-- week before. Tasks count once at their final state, Health events once per ARN. The cluster and service
-- filters narrow the ECS figures; Health and Support figures are account-wide.
--
-- @param from     timestamp  required  Start of the first week (UTC, inclusive; use a Monday)
-- @param to       timestamp  required  End of the last week (UTC, exclusive)
-- @param cluster  string     optional  Only this cluster's ECS figures (name)
-- @param service  string     optional  Only this service's ECS figures (name)
WITH latest AS (
    SELECT task_arn, last_status, stop_code, stopped_at,
           row_number() OVER (PARTITION BY task_arn ORDER BY task_version DESC, event_time DESC) AS rn
    FROM ecs_task_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
),
ooms AS (
    SELECT date_trunc('week', min(event_time)) AS week, task_arn
    FROM ecs_container_states
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to AND oom_killed
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
    GROUP BY task_arn
),
facts AS (
    SELECT date_trunc('week', stopped_at) AS week,
           CASE stop_code WHEN 'EssentialContainerExited' THEN 'container_exits'
                          WHEN 'TaskFailedToStart' THEN 'failed_starts'
                          ELSE 'spot_interruptions' END AS kind, 1 AS n
    FROM latest
    WHERE rn = 1 AND last_status = 'STOPPED' AND stopped_at IS NOT NULL
      AND stop_code IN ('EssentialContainerExited', 'TaskFailedToStart', 'SpotInterruption', 'TerminationNotice')
    UNION ALL
    SELECT week, 'oom_kills', 1 FROM ooms
    UNION ALL
    SELECT date_trunc('week', min(event_time)), 'failed_deployments', 1
    FROM ecs_deployment_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to AND event_name = 'SERVICE_DEPLOYMENT_FAILED'
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
    GROUP BY deployment_id
    UNION ALL
    SELECT date_trunc('week', min(event_time)), 'health_events', 1
    FROM health_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
    GROUP BY event_arn
    UNION ALL
    SELECT date_trunc('week', min(opened_at)), 'support_cases', 1
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
weeks AS (
    SELECT week,
           sum(CASE WHEN kind = 'container_exits' THEN n ELSE 0 END) AS container_exits,
           sum(CASE WHEN kind = 'failed_starts' THEN n ELSE 0 END) AS failed_starts,
           sum(CASE WHEN kind = 'oom_kills' THEN n ELSE 0 END) AS oom_kills,
           sum(CASE WHEN kind = 'spot_interruptions' THEN n ELSE 0 END) AS spot_interruptions,
           sum(CASE WHEN kind = 'failed_deployments' THEN n ELSE 0 END) AS failed_deployments,
           sum(CASE WHEN kind = 'health_events' THEN n ELSE 0 END) AS health_events,
           sum(CASE WHEN kind = 'support_cases' THEN n ELSE 0 END) AS support_cases
    FROM facts
    GROUP BY week
)
SELECT CAST(CAST(week AS date) AS varchar) AS week_start,
       year_of_week(week) AS iso_year, week_of_year(week) AS iso_week,
       container_exits, container_exits - lag(container_exits) OVER (ORDER BY week) AS container_exits_change,
       failed_starts, failed_starts - lag(failed_starts) OVER (ORDER BY week) AS failed_starts_change,
       oom_kills, oom_kills - lag(oom_kills) OVER (ORDER BY week) AS oom_kills_change,
       spot_interruptions, spot_interruptions - lag(spot_interruptions) OVER (ORDER BY week) AS spot_interruptions_change,
       failed_deployments, failed_deployments - lag(failed_deployments) OVER (ORDER BY week) AS failed_deployments_change,
       health_events, health_events - lag(health_events) OVER (ORDER BY week) AS health_events_change,
       support_cases, support_cases - lag(support_cases) OVER (ORDER BY week) AS support_cases_change
FROM weeks
ORDER BY week
