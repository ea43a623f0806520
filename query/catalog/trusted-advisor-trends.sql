-- Trusted Advisor over time, by pillar, check and account (each account's checks are its own): at the end of each day or ISO week of the window (the last one ends
-- at `to`), each check's status and its findings (resources flagged with a warning or an error and not suppressed) as
-- its last refresh before then gave them, how many of those are errors, and, for cost-optimizing checks, the estimated
-- monthly savings (USD) Trusted Advisor reported. A check's state is its last refresh by the result's own timestamp; a
-- refresh whose resources were not collected (a summary alone) gives its status and savings but keeps the findings of
-- the refresh before; a not_available refresh (the check could not run) gives its status but keeps the findings and
-- savings of the last refresh that ran. Only checks that were not ok at the end of some day or week of the window are
-- listed, in every day or week from their first known refresh.
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param unit           enum(day|week) default day  Day or ISO week (Monday to Sunday, UTC)
-- @param category       string     optional    Only this pillar: cost_optimizing, security, fault_tolerance, performance, service_limits, or one Trusted Advisor adds later
-- @param lookback_days  integer(0..366) default 30  Days before the window read to find each check's last refresh before it
WITH @{advisor_checks},
results AS (
    SELECT check_id, coalesce(account_id, '') AS account, event_time AS refreshed_at, status, resources_flagged, estimated_monthly_savings, category
    FROM trusted_advisor_check_results
    @{lookback_to_window_end}
),
listed AS (
    SELECT check_id, coalesce(account_id, '') AS account, event_time AS refreshed_at,
           count_if(status IN ('warning', 'error') AND NOT coalesce(is_suppressed, false)) AS findings,
           count_if(status = 'error' AND NOT coalesce(is_suppressed, false)) AS errors
    FROM trusted_advisor_flagged_resources
    @{lookback_to_window_end}
    GROUP BY check_id, coalesce(account_id, ''), event_time
),
-- Each refresh whose resources are known, with its findings: those that listed resources, and those that flagged none;
-- never a not_available one, which says nothing about them.
known AS (
    SELECT l.check_id, l.account, l.refreshed_at, l.findings, l.errors
    FROM listed l
    LEFT JOIN results r ON r.check_id = l.check_id AND r.account = l.account AND r.refreshed_at = l.refreshed_at AND r.status = 'not_available'
    WHERE r.check_id IS NULL
    UNION ALL
    SELECT check_id, account, refreshed_at, 0, 0
    FROM results
    WHERE resources_flagged = 0 AND status <> 'not_available'
),
calendar AS (
    SELECT bucket, least(date_add('day', CASE WHEN ${unit} = 'week' THEN 7 ELSE 1 END, bucket), ${to}) AS bucket_end
    FROM UNNEST(sequence(date_trunc(${unit}, ${from}), date_add('second', -1, ${to}),
                         CASE WHEN ${unit} = 'week' THEN INTERVAL '7' DAY ELSE INTERVAL '1' DAY END)) AS c(bucket)
),
states AS (
    SELECT c.bucket, r.check_id, r.account,
           max_by(r.status, r.refreshed_at) AS status,
           max_by(r.estimated_monthly_savings, CASE WHEN r.status <> 'not_available' THEN r.refreshed_at END) AS estimated_monthly_savings,
           max(r.refreshed_at) AS last_refreshed_at,
           max(r.category) AS result_category
    FROM calendar c
    JOIN results r ON r.refreshed_at < c.bucket_end
    GROUP BY c.bucket, r.check_id, r.account
),
found AS (
    SELECT c.bucket, l.check_id, l.account, max_by(l.findings, l.refreshed_at) AS findings, max_by(l.errors, l.refreshed_at) AS errors
    FROM calendar c
    JOIN known l ON l.refreshed_at < c.bucket_end
    GROUP BY c.bucket, l.check_id, l.account
),
buckets AS (
    SELECT s.bucket, s.check_id, s.account, coalesce(k.category, s.result_category) AS category, k.check_name, s.status,
           coalesce(f.findings, 0) AS findings, coalesce(f.errors, 0) AS errors, s.estimated_monthly_savings, s.last_refreshed_at
    FROM states s
    LEFT JOIN found f ON f.bucket = s.bucket AND f.check_id = s.check_id AND f.account = s.account
    LEFT JOIN checks k ON k.check_id = s.check_id
),
flagged AS (
    SELECT check_id, account
    FROM buckets
    GROUP BY check_id, account
    HAVING count_if(findings > 0 OR status IN ('warning', 'error')) > 0
)
SELECT CAST(CAST(b.bucket AS date) AS varchar) AS period_start, b.category, b.check_name, b.check_id, nullif(b.account, '') AS account_id, b.status,
       b.findings, b.errors, b.estimated_monthly_savings, b.last_refreshed_at
FROM buckets b
JOIN flagged f ON f.check_id = b.check_id AND f.account = b.account
WHERE :category IS NULL OR b.category = :category
ORDER BY b.bucket, b.category, b.check_name, b.check_id, account_id
