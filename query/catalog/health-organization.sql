-- AWS Health across the organization, by account: for each account, the Health events active in the window that
-- affected it (open or upcoming and due at its start, or updated inside it, as health-impact counts them), by category,
-- how many are still open at its end, their event types, and the account's affected and impaired entities of those
-- events at the window's end. An event's accounts are those its organization-view details and entities name, or, for
-- an EventBridge event, the account it affected (affectedAccount, else the account it was delivered in); a PUBLIC event
-- is listed under 'public', whatever account an EventBridge copy names. Versions are read from lookback_days before
-- the window.
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param lookback_days  integer(0..366) default 14  Days before the window read to know each event's state at its start
WITH versions AS (
    SELECT h.*, coalesce(last_updated_time, event_time) AS version_time
    FROM health_events h
    @{lookback_to_window_end}
),
events AS (
    SELECT event_arn,
           max_by(status_code, version_time) AS status_at_end,
           max_by(status_code, CASE WHEN event_time < ${from} THEN version_time END) AS status_at_start,
           count_if(event_time >= ${from}) AS versions_in_window,
           max_by(coalesce(start_time, version_time), version_time) AS start_time,
           -- What an event is does not change between versions; any row that says it will do (one may lack it).
           max(event_type_code) AS event_type_code,
           max(event_type_category) AS event_type_category,
           max(event_scope_code) AS event_scope_code
    FROM versions
    GROUP BY event_arn
),
active AS (
    SELECT *
    FROM events
    WHERE versions_in_window > 0
       OR status_at_start = 'open'
       OR (status_at_start = 'upcoming' AND start_time < ${to})
),
entity_versions AS (
    SELECT event_arn, entity_value, coalesce(affected_account, account_id) AS affected_account, entity_status,
           coalesce(last_updated_time, event_time) AS version_time
    FROM health_affected_entities
    @{lookback_to_window_end}
),
entities AS (
    SELECT event_arn, entity_value, affected_account, max_by(entity_status, version_time) AS status_at_end
    FROM entity_versions
    GROUP BY event_arn, entity_value, affected_account
),
-- A public event is not specific to any account, whatever account an EventBridge copy of it was delivered to.
named AS (
    SELECT DISTINCT v.event_arn, coalesce(v.affected_account, CASE WHEN v.event_scope_code <> 'PUBLIC' THEN v.account_id END) AS account
    FROM versions v
    JOIN events e ON e.event_arn = v.event_arn AND coalesce(e.event_scope_code, '') <> 'PUBLIC'
    UNION
    SELECT DISTINCT n.event_arn, n.affected_account
    FROM entities n
    JOIN events e ON e.event_arn = n.event_arn AND coalesce(e.event_scope_code, '') <> 'PUBLIC'
),
accounts AS (
    SELECT a.event_arn, coalesce(n.account, 'public') AS account
    FROM active a
    LEFT JOIN (SELECT * FROM named WHERE account IS NOT NULL) n ON n.event_arn = a.event_arn
),
per_account AS (
    SELECT x.account, a.event_arn, a.event_type_code, a.event_type_category, a.status_at_end,
           count(e.entity_value) AS affected_entities,
           count_if(e.status_at_end = 'IMPAIRED') AS impaired_entities
    FROM accounts x
    JOIN active a ON a.event_arn = x.event_arn
    LEFT JOIN entities e ON e.event_arn = x.event_arn AND (e.affected_account = x.account OR x.account = 'public')
    GROUP BY x.account, a.event_arn, a.event_type_code, a.event_type_category, a.status_at_end
)
SELECT account AS affected_account,
       count(*) AS events,
       count_if(event_type_category = 'issue') AS issues,
       count_if(event_type_category = 'scheduledChange') AS scheduled_changes,
       count_if(event_type_category = 'accountNotification') AS account_notifications,
       count_if(status_at_end = 'open') AS open_at_end,
       array_join(array_agg(DISTINCT event_type_code ORDER BY event_type_code), ',') AS event_types,
       sum(affected_entities) AS affected_entities,
       sum(impaired_entities) AS impaired_entities
FROM per_account
GROUP BY account
ORDER BY events DESC, account
