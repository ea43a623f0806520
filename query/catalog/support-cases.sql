-- Support cases opened in the window or open at its end, one row each, as known at the window's end: severity,
-- service and status at the latest DescribeCases observation made before `to` (cases known only from Support
-- Case Update events have what the events say), when it was opened and resolved, hours to resolution, and
-- whether it is open. The status is the latest sign of it: an observation, or a ResolveCase or ReopenCase event; a
-- reopened case is open until its next resolution, and its time to resolve runs to that one. Resolved means the first
-- ResolveCase event or observation that saw 'resolved' (observed_at, recorded with the API page) after the case was
-- last unresolved; a case seen resolved only in a document with no observation time has resolved_at and
-- hours_to_resolve null: unknown, not guessed. Observations and events are read from lookback_days before the
-- window to its end, never after it: a case unchanged for longer is not seen. Group the rows by severity_code or
-- service_code for totals.
--
-- @param from           timestamp  required    Start of the window (UTC, inclusive)
-- @param to             timestamp  required    End of the window (UTC, exclusive)
-- @param lookback_days  integer(0..366) default 30  Days before the window read to know each case's state
WITH @{support_case_rows},
-- Each case's status and resolution (the rule: SqlFragments.support_case_status).
@{support_case_status}
SELECT case_id, display_id, subject, severity_code, service_code, category_code, status, time_created, resolved_at,
       round(CAST(date_diff('second', time_created, resolved_at) AS double) / 3600, 1) AS hours_to_resolve,
       status <> 'resolved' AS is_open
FROM cases
WHERE time_created >= :from AND time_created < :to OR status <> 'resolved'
ORDER BY time_created, case_id
