-- Support cases per severity and service: how many were opened in the window, how many of those are
-- resolved, how many cases are open at its end, and the median and longest hours to resolution of the
-- cases resolved in the window. One case counts once, at its latest sign of status before `to` (see support-cases:
-- a reopened case is open until its next resolution; a case whose resolution time is unknown counts as resolved but
-- not in the hours).
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param lookback_days  integer(0..366) default 30  Days before the window read to know each case's state
WITH @{support_case_rows},
-- Each case's status and resolution (the rule: SqlFragments.support_case_status).
@{support_case_status},
totals AS (
    SELECT coalesce(severity_code, 'unknown') AS severity_code, coalesce(service_code, 'unknown') AS service_code, status, time_created, resolved_at
    FROM cases
)
-- The window's bounds are written as literals here: Athena binds parameters only in WHERE.
SELECT severity_code, service_code,
       count_if(time_created >= ${from} AND time_created < ${to}) AS opened,
       count_if(time_created >= ${from} AND time_created < ${to} AND status = 'resolved') AS opened_and_resolved,
       count_if(status <> 'resolved') AS open_at_end,
       round(approx_percentile(CASE WHEN resolved_at >= ${from} AND resolved_at < ${to}
                                    THEN CAST(date_diff('second', time_created, resolved_at) AS double) / 3600 END, 0.5), 1) AS median_hours_to_resolve,
       round(max(CASE WHEN resolved_at >= ${from} AND resolved_at < ${to}
                      THEN CAST(date_diff('second', time_created, resolved_at) AS double) / 3600 END), 1) AS max_hours_to_resolve
FROM totals
GROUP BY severity_code, service_code
ORDER BY opened DESC, severity_code, service_code
