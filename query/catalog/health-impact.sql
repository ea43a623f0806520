-- AWS Health events active in the window, each at its latest version: status, affected entities (and how
-- many are still impaired), and the ECS failures that overlap it: tasks stopped by an essential container
-- exit, a failed start, an OOM kill or a Spot interruption between the event's start and its end (or the
-- end of the window), in the event's region, optionally of one cluster or service.
--
-- @param from     timestamp  required  Start of the window (UTC, inclusive)
-- @param to       timestamp  required  End of the window (UTC, exclusive)
-- @param cluster  string     optional  Count only this cluster's overlapping failures (name)
-- @param service  string     optional  Count only this service's overlapping failures (name)
WITH versions AS (
    SELECT h.*, row_number() OVER (PARTITION BY event_arn ORDER BY last_updated_time DESC, event_time DESC, origin) AS rn
    FROM health_events h
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
),
latest AS (
    SELECT * FROM versions WHERE rn = 1
),
entities AS (
    SELECT event_arn, count(DISTINCT entity_value) AS affected_entities,
           count(DISTINCT CASE WHEN entity_status = 'IMPAIRED' THEN entity_value END) AS impaired_entities
    FROM health_affected_entities
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
    GROUP BY event_arn
),
failures AS (
    SELECT region, task_arn, min(stopped_at) AS stopped_at
    FROM ecs_task_events
    WHERE dt BETWEEN CAST(CAST(:from AS date) AS varchar) AND CAST(CAST(:to AS date) AS varchar)
      AND event_time >= :from AND event_time < :to
      AND (:cluster IS NULL OR cluster_name = :cluster)
      AND (:service IS NULL OR service_name = :service)
      AND last_status = 'STOPPED'
      AND stop_code IN ('EssentialContainerExited', 'TaskFailedToStart', 'SpotInterruption', 'TerminationNotice')
    GROUP BY region, task_arn
)
SELECT l.event_arn, l.service, l.event_type_code, l.event_type_category, l.status_code,
       coalesce(l.event_region, l.region) AS event_region, l.start_time, l.end_time, l.last_updated_time,
       coalesce(e.affected_entities, 0) AS affected_entities, coalesce(e.impaired_entities, 0) AS impaired_entities,
       count(f.task_arn) AS overlapping_task_failures,
       l.description
FROM latest l
LEFT JOIN entities e ON e.event_arn = l.event_arn
LEFT JOIN failures f ON f.region = coalesce(l.event_region, l.region)
    AND f.stopped_at >= coalesce(l.start_time, l.last_updated_time)
    AND f.stopped_at < coalesce(l.end_time, ${to})
GROUP BY l.event_arn, l.service, l.event_type_code, l.event_type_category, l.status_code, coalesce(l.event_region, l.region),
         l.start_time, l.end_time, l.last_updated_time, e.affected_entities, e.impaired_entities, l.description
ORDER BY coalesce(l.start_time, l.last_updated_time), l.event_arn
