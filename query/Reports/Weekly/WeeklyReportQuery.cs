using System.Globalization;
using Analytics.Query.Engines;
using Analytics.Query.Reports.Rows;
using Analytics.Schemas.Semantics;
using static Analytics.Query.Reports.Weekly.WeeklyReport;

namespace Analytics.Query.Reports.Weekly;

/// <summary>Fills a <see cref="WeeklyReport"/> from the catalog's queries.</summary>
internal static class WeeklyReportQuery
{
    /// <summary>
    /// Builds the report for the <paramref name="weeks"/> ISO weeks that end before the Monday on or after
    /// <paramref name="until"/>; <paramref name="cluster"/> and <paramref name="service"/> narrow the ECS figures.
    /// </summary>
    public static async Task<WeeklyReport> BuildAsync(IQueryEngine engine, DateOnly until, int weeks, CancellationToken cancellationToken, string? cluster = null, string? service = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfLessThan(weeks, 1);
        var end = until.AddDays((8 - (int)until.DayOfWeek) % 7);
        var start = end.AddDays(-7 * weeks);
        var given = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["from"] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["cluster"] = cluster,
            ["service"] = service,
        };
        // Every query starts at once; the engine says how many run together.
        using var queries = new ReportQueries(engine, given, cancellationToken);
        var trendsQuery = queries.RunAsync<WeeklyTrendRow>();
        // Time to recover, per failure episode, in the week the episode began.
        var episodesQuery = queries.RunAsync<RecoveryEpisodeRow>();
        var mondays = Enumerable.Range(0, weeks).Select(i => start.AddDays(7 * i)).ToList();
        // Trusted Advisor's findings of each week, in one query: account-wide in the report, as its findings at each week's
        // end are (trends takes no service).
        var findingsQuery = queries.RunAsync<AdvisorFindingRow>(new Dictionary<string, string?>(given, StringComparer.Ordinal)
        {
            ["period"] = "week",
            ["cluster"] = null,
            ["service"] = null,
        });
        var stopsQuery = queries.RunAsync<StopReasonRow>();
        var deploymentsQuery = queries.RunAsync<DeploymentRow>();
        // Trusted Advisor at each week's end, and Health by account over the period.
        var advisorTrendsQuery = queries.RunAsync<AdvisorTrendRow>(new Dictionary<string, string?>(given) { ["unit"] = "week" });
        var healthQuery = queries.RunAsync<AccountHealthRow>();
        await Task.WhenAll(trendsQuery, episodesQuery, stopsQuery, deploymentsQuery, advisorTrendsQuery, healthQuery, findingsQuery).ConfigureAwait(false);

        var byWeek = trendsQuery.Result.Rows.ToDictionary(r => DateOnly.ParseExact(r.WeekStart!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        var episodes = episodesQuery.Result;
        var rows = new List<Week>();
        var advisor = new List<(long New, long Resolved, long Suppressed)>();
        foreach (var monday in mondays)
        {
            var row = byWeek.GetValueOrDefault(monday);
            var date = monday.ToDateTime(TimeOnly.MinValue);
            var began = episodes.Rows.Where(e => DateOnly.FromDateTime(e.FirstFailureAt!.Value) is var d && d >= monday && d < monday.AddDays(7)).ToList();
            var findings = findingsQuery.Result.Rows.Where(r => r.PeriodStart == date).ToList();
            advisor.Add((findings.Count(r => r.StatusAtStart is null), findings.Count(r => r.Change is "resolved" or "transient"),
                findings.Count(r => r.Change == "suppressed")));
            rows.Add(new Week(monday, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}",
                Measures.ToDictionary(m => m.Column, m => row is null ? 0L : m.Of(row), StringComparer.Ordinal),
                began.Select(r => r.MinutesToRecover).OfType<long>().ToList(),
                began.Count(r => r.SteadyStateAt is null)));
        }

        var (stops, deployments) = (stopsQuery.Result, deploymentsQuery.Result);
        var periodStart = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        // Deployments started in the period (deployment-outcomes also lists those under way at its start).
        var started = deployments.Rows.Where(d => d.IsRollback is not true && d.StartedAt is DateTime t && t >= periodStart).ToList();
        var services = stops.Rows.Select(r => r.ServiceName).Concat(started.Select(d => d.ServiceName)).OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(name =>
            {
                var own = stops.Rows.Where(r => r.ServiceName == name).ToList();
                var failures = own.Where(r => StopClass.IsFailure(r.StopClass)).GroupBy(r => r.StopClass!)
                    .Select(g => (Class: g.Key, Tasks: g.Sum(r => r.Tasks))).OrderByDescending(g => g.Tasks).ThenBy(g => g.Class, StringComparer.Ordinal).ToList();
                var deployed = started.Where(d => d.ServiceName == name).ToList();
                return new ServiceFigures(name, failures.Sum(f => f.Tasks), failures.Count == 0 ? null : failures[0].Class,
                    own.Where(r => StopClass.IsAbnormal(r.StopClass)).Sum(r => r.Tasks),
                    deployed.Count, deployed.Count(d => d.Outcome == "failed"));
            })
            .Where(f => f.Abnormal > 0 || f.Deployments > 0)
            .OrderByDescending(f => f.Failures).ThenByDescending(f => f.Abnormal).ThenBy(f => f.Service, StringComparer.Ordinal).ToList();
        var classes = stops.Rows.Where(r => StopClass.IsAbnormal(r.StopClass)).GroupBy(r => r.StopClass!)
            .Select(g => (Class: g.Key, Tasks: g.Sum(r => r.Tasks))).OrderByDescending(g => g.Tasks).ThenBy(g => g.Class, StringComparer.Ordinal).ToList();
        var trends = advisorTrendsQuery.Result;
        var pillars = Pillars.Concat(trends.Rows.Select(r => r.Category).OfType<string>().Where(c => !Pillars.Contains(c)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var advisorWeeks = rows.Select((w, i) =>
        {
            var own = trends.Rows.Where(r => r.PeriodStart == w.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
            return new AdvisorWeek(w.Monday,
                pillars.ToDictionary(p => p, p => own.Where(r => r.Category == p).Sum(r => r.Findings), StringComparer.Ordinal),
                advisor[i].New, advisor[i].Resolved, advisor[i].Suppressed,
                own.Where(r => r.Category == "cost_optimizing").Sum(r => r.EstimatedMonthlySavings ?? 0));
        }).ToList();
        var health = healthQuery.Result;
        var accounts = health.Rows.Select(r => new AccountHealth(r.AffectedAccount!, r.Events, r.Issues, r.ScheduledChanges,
            r.AccountNotifications, r.OpenAtEnd, r.ImpairedEntities)).ToList();
        return new WeeklyReport(start, weeks, rows, services, classes) { Advisor = advisorWeeks, AdvisorPillars = pillars, Accounts = accounts };
    }
}
