-- AWS Health events active in the window: each event open (or upcoming and due) at its start, or updated
-- inside it, once, with its status at the window's start (null when first published inside it) and at its
-- end, the versions published inside it, its affected entities (impaired at the window's end, and impaired at
-- any time in it), and the ECS task failures that overlap it (a stop of a failure class, or an infrastructure,
-- Spot or unexplained stop, between the event's start and end, clipped to the window). Failures are matched to
-- the entities the event names where it names ECS ones (a service ARN, CLUSTER/SERVICE as ECS retirement
-- notices give it, a cluster ARN) or an EC2 instance the lake knows as a container instance (the tasks placed
-- on it); an event that names no entity is matched by its region; one that names only other entities (a
-- volume, an unknown instance) overlaps no task here (overlap_basis says which; named_ecs lists the
-- CLUSTER/SERVICE or CLUSTER it names, as ACCOUNT:CLUSTER/SERVICE when it affects several accounts; entities names
-- the first ten entities, in order, each with its status at the window's end). An event overlaps only the failures
-- of the accounts it affects (affected_accounts: those the organization view names, or the account of an
-- EventBridge event), any account's when it names none; a PUBLIC event affects no particular account, so it overlaps
-- every account's failures in its region. An event's latest version merges the rows of that version (its pages, and
-- the API's event and details observations). Versions
-- are read from lookback_days before the window: an event not updated since is not seen.
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param cluster        string     optional    Count only this cluster's overlapping failures (name)
-- @param service        string     optional    Count only this service's overlapping failures (name)
-- @param lookback_days  integer(0..366) default 14  Days before the window read to know each event's state at its start
WITH versions AS (
    SELECT h.*, coalesce(last_updated_time, event_time) AS version_time
    FROM health_events h
    @{lookback_to_window_end}
),
-- Each event's latest version, its rows merged: the pages of one publication, and the DescribeEvents and
-- DescribeEventDetails observations of one version, each carry part of it (only the details have the description).
latest AS (
    SELECT v.event_arn, v.version_time, max(v.event_time) AS event_time, max(v.service) AS service, max(v.event_type_code) AS event_type_code,
           max(v.event_type_category) AS event_type_category, max(v.event_scope_code) AS event_scope_code, max(v.severity) AS severity,
           max(v.status_code) AS status_code, max(v.event_region) AS event_region, max(v.region) AS region, max(v.start_time) AS start_time,
           max(v.end_time) AS end_time, max(v.last_updated_time) AS last_updated_time, max(v.description) AS description
    FROM versions v
    JOIN (SELECT event_arn, max(version_time) AS version_time FROM versions GROUP BY event_arn) m
        ON m.event_arn = v.event_arn AND m.version_time = v.version_time
    GROUP BY v.event_arn, v.version_time
),
-- A public event is not specific to any account, whatever account an EventBridge copy of it was delivered to.
public_events AS (
    SELECT DISTINCT event_arn FROM versions WHERE event_scope_code = 'PUBLIC'
),
at_start AS (
    SELECT event_arn, max_by(status_code, version_time) AS status_at_start
    FROM versions
    WHERE event_time < :from
    GROUP BY event_arn
),
changes AS (
    SELECT event_arn, count(DISTINCT version_time) AS versions_in_window
    FROM versions
    WHERE event_time >= :from
    GROUP BY event_arn
),
active AS (
    SELECT l.*, s.status_at_start, coalesce(c.versions_in_window, 0) AS versions_in_window
    FROM latest l
    LEFT JOIN at_start s ON s.event_arn = l.event_arn
    LEFT JOIN changes c ON c.event_arn = l.event_arn
    WHERE c.versions_in_window > 0
       OR s.status_at_start = 'open'
       OR (s.status_at_start = 'upcoming' AND coalesce(l.start_time, l.version_time) < ${to})
),
entity_versions AS (
    SELECT event_arn, entity_value, entity_status, event_time, coalesce(last_updated_time, event_time) AS version_time,
           CASE WHEN event_arn IN (SELECT event_arn FROM public_events) THEN NULL ELSE coalesce(affected_account, account_id) END AS affected_account
    FROM health_affected_entities
    @{lookback_to_window_end}
),
entity_state AS (
    SELECT event_arn, entity_value, affected_account,
           max_by(entity_status, version_time) AS status_at_end,
           max_by(entity_status, CASE WHEN event_time < ${from} THEN version_time END) AS status_at_start,
           count_if(event_time >= ${from} AND entity_status = 'IMPAIRED') AS impaired_versions_in_window
    FROM entity_versions
    GROUP BY event_arn, entity_value, affected_account
),
entities AS (
    SELECT event_arn, count(*) AS affected_entities,
           array_join(slice(array_agg(entity_value || ' (' || coalesce(status_at_end, 'unknown') || ')' ORDER BY entity_value), 1, 10), ', ') AS entities,
           count_if(status_at_end = 'IMPAIRED') AS impaired_entities,
           count_if(status_at_start = 'IMPAIRED' OR impaired_versions_in_window > 0) AS impaired_in_window
    FROM entity_state
    GROUP BY event_arn
),
-- What each named entity is in ECS terms: a service (cluster and service) or a whole cluster.
targets AS (
    SELECT DISTINCT e.event_arn, e.affected_account,
           coalesce(nullif(regexp_extract(e.entity_value, '^arn:[^:]+:ecs:[^:]*:[^:]*:service/([^/]+)/([^/]+)$', 1), ''),
                    CASE WHEN a.service = 'ECS' THEN nullif(regexp_extract(e.entity_value, '^([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)$', 1), '') END,
                    nullif(regexp_extract(e.entity_value, '^arn:[^:]+:ecs:[^:]*:[^:]*:cluster/([^/]+)$', 1), '')) AS cluster_name,
           coalesce(nullif(regexp_extract(e.entity_value, '^arn:[^:]+:ecs:[^:]*:[^:]*:service/([^/]+)/([^/]+)$', 2), ''),
                    CASE WHEN a.service = 'ECS' THEN nullif(regexp_extract(e.entity_value, '^([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)$', 2), '') END) AS service_name
    FROM entity_state e
    JOIN active a ON a.event_arn = e.event_arn
),
-- An EC2 instance named by its id or ARN, resolved to its container instances, on which tasks are placed.
instance_targets AS (
    SELECT DISTINCT e.event_arn, i.container_instance_arn
    FROM (
        SELECT event_arn,
               coalesce(nullif(regexp_extract(entity_value, '^arn:[^:]+:ec2:[^:]*:[^:]*:instance/(i-[0-9a-f]+)$', 1), ''),
                        nullif(regexp_extract(entity_value, '^(i-[0-9a-f]+)$', 1), '')) AS ec2_instance_id
        FROM entity_state
    ) e
    JOIN (
        SELECT DISTINCT container_instance_arn, ec2_instance_id
        FROM ecs_container_instance_events
        @{lookback_to_window_end}
    ) i ON i.ec2_instance_id = e.ec2_instance_id
),
-- The accounts an event affects (the organization view names them; an EventBridge event is its account's): it overlaps
-- only their failures. An event that names none (a public one, or seen only through the account view) overlaps any.
event_accounts AS (
    SELECT DISTINCT event_arn, coalesce(affected_account, CASE WHEN event_scope_code <> 'PUBLIC' THEN account_id END) AS account
    FROM versions
    WHERE event_arn NOT IN (SELECT event_arn FROM public_events)
    UNION
    SELECT DISTINCT event_arn, affected_account
    FROM entity_versions
),
account_counts AS (
    SELECT event_arn, count(account) AS accounts, array_join(array_agg(account ORDER BY account) FILTER (WHERE account IS NOT NULL), ',') AS affected_accounts
    FROM event_accounts
    GROUP BY event_arn
),
failures AS (
    SELECT account_id, region, cluster_name, service_name, container_instance_arn, task_arn, min(coalesce(stopped_at, event_time)) AS stopped_at
    FROM ecs_task_events
    @{in_window_and_scope}
      AND last_status = 'STOPPED'
      AND stop_class IN (@{abnormal_classes})
    GROUP BY account_id, region, cluster_name, service_name, container_instance_arn, task_arn
),
-- Qualified by the account (ACCOUNT:CLUSTER/SERVICE) when the event affects more than one.
named AS (
    SELECT event_arn, array_join(array_agg(DISTINCT name ORDER BY name), ',') AS named_ecs
    FROM (
        SELECT t.event_arn,
               CASE WHEN c.accounts > 1 THEN coalesce(t.affected_account, 'unknown') || ':' ELSE '' END || t.cluster_name || coalesce('/' || t.service_name, '') AS name
        FROM targets t
        JOIN account_counts c ON c.event_arn = t.event_arn
        WHERE t.cluster_name IS NOT NULL
    ) n
    GROUP BY event_arn
),
basis AS (
    SELECT a.event_arn,
           CASE WHEN NOT EXISTS (SELECT 1 FROM entity_state e WHERE e.event_arn = a.event_arn) THEN 'region'
                WHEN EXISTS (SELECT 1 FROM targets t WHERE t.event_arn = a.event_arn AND t.cluster_name IS NOT NULL)
                  OR EXISTS (SELECT 1 FROM instance_targets i WHERE i.event_arn = a.event_arn) THEN 'entity'
                ELSE 'none' END AS overlap_basis
    FROM active a
),
candidates AS (
    SELECT t.event_arn, f.account_id, f.task_arn, f.stopped_at
    FROM targets t
    JOIN failures f ON f.cluster_name = t.cluster_name AND (t.service_name IS NULL OR f.service_name = t.service_name)
        AND (t.affected_account IS NULL OR f.account_id = t.affected_account)
    UNION
    SELECT i.event_arn, f.account_id, f.task_arn, f.stopped_at
    FROM instance_targets i
    JOIN failures f ON f.container_instance_arn = i.container_instance_arn
    UNION
    SELECT a.event_arn, f.account_id, f.task_arn, f.stopped_at
    FROM active a
    JOIN basis b ON b.event_arn = a.event_arn AND b.overlap_basis = 'region'
    JOIN failures f ON f.region = coalesce(a.event_region, a.region)
),
overlapping AS (
    SELECT DISTINCT c.event_arn, c.task_arn, c.stopped_at
    FROM candidates c
    LEFT JOIN account_counts n ON n.event_arn = c.event_arn
    LEFT JOIN event_accounts x ON x.event_arn = c.event_arn AND x.account = c.account_id
    WHERE coalesce(n.accounts, 0) = 0 OR x.account IS NOT NULL
)
SELECT a.event_arn, a.service, a.event_type_code, a.event_type_category, a.event_scope_code, a.severity,
       a.status_at_start, a.status_code, a.versions_in_window,
       coalesce(a.event_region, a.region) AS event_region, a.start_time, a.end_time, a.last_updated_time,
       coalesce(e.affected_entities, 0) AS affected_entities,
       coalesce(e.impaired_entities, 0) AS impaired_entities,
       coalesce(e.impaired_in_window, 0) AS impaired_in_window,
       e.entities,
       ac.affected_accounts,
       n.named_ecs,
       b.overlap_basis,
       count(o.task_arn) AS overlapping_task_failures,
       a.description
FROM active a
JOIN basis b ON b.event_arn = a.event_arn
LEFT JOIN entities e ON e.event_arn = a.event_arn
LEFT JOIN named n ON n.event_arn = a.event_arn
LEFT JOIN account_counts ac ON ac.event_arn = a.event_arn
LEFT JOIN overlapping o ON o.event_arn = a.event_arn
    AND o.stopped_at >= greatest(coalesce(a.start_time, a.version_time), ${from})
    AND o.stopped_at < least(coalesce(a.end_time, ${to}), ${to})
GROUP BY a.event_arn, a.service, a.event_type_code, a.event_type_category, a.event_scope_code, a.severity,
         a.status_at_start, a.status_code, a.versions_in_window, coalesce(a.event_region, a.region),
         a.start_time, a.end_time, a.last_updated_time, e.affected_entities, e.impaired_entities, e.impaired_in_window, e.entities, ac.affected_accounts,
         n.named_ecs, b.overlap_basis, a.description
ORDER BY coalesce(a.start_time, a.last_updated_time), a.event_arn
