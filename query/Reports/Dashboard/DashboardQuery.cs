using System.Globalization;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Reports.Rows;
using Analytics.Schemas.Semantics;

namespace Analytics.Query.Reports.Dashboard;

/// <summary>Fills a <see cref="DashboardData"/> from the catalog: nine queries, started together.</summary>
internal static class DashboardQuery
{
    /// <summary>How many ISO weeks the trends show: the week of the window's end and those before it.</summary>
    public const int TrendWeeks = 8;

    /// <summary>Runs the dashboard's queries for the window [<paramref name="from"/>, <paramref name="to"/>) and works out its tiles.</summary>
    public static async Task<DashboardData> BuildAsync(IQueryEngine engine, DateTime from, DateTime to, string? cluster, string? service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var given = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["from"] = Iso(from), ["to"] = Iso(to), ["cluster"] = cluster, ["service"] = service,
        };
        // The trends: the ISO week holding the window's last instant and the weeks before it.
        var lastDay = DateOnly.FromDateTime(to.AddTicks(-1));
        var lastMonday = lastDay.AddDays(-(((int)lastDay.DayOfWeek + 6) % 7));
        var firstMonday = lastMonday.AddDays(-7 * (TrendWeeks - 1));
        var trendValues = new Dictionary<string, string?>(given, StringComparer.Ordinal)
        {
            ["from"] = firstMonday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = lastMonday.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        // Trusted Advisor's findings are the account's, whatever cluster or service is asked.
        var advisorValues = new Dictionary<string, string?>(given, StringComparer.Ordinal) { ["cluster"] = null, ["service"] = null };

        using var queries = new ReportQueries(engine, given, cancellationToken);
        var timelineQuery = queries.RunAsync<TimelineRow>();
        var stopsQuery = queries.RunAsync<StopReasonRow>();
        var deploymentsQuery = queries.RunAsync<DeploymentRow>();
        var episodesQuery = queries.RunAsync<RecoveryEpisodeRow>();
        var healthQuery = queries.RunAsync<HealthImpactRow>();
        var casesQuery = queries.RunAsync<SupportCaseRow>();
        var findingsQuery = queries.RunAsync<AdvisorFindingRow>(advisorValues);
        var stateQuery = queries.RunAsync<ClusterStateRow>();
        var trendsQuery = queries.RunAsync<WeeklyTrendRow>(trendValues);
        await Task.WhenAll(timelineQuery, stopsQuery, deploymentsQuery, episodesQuery, healthQuery, casesQuery, findingsQuery, stateQuery, trendsQuery).ConfigureAwait(false);

        var statistics = (engine as AthenaEngine)?.Statistics ?? [];
        FigureSource Source<T>(IReadOnlyDictionary<string, string?>? values = null) where T : class
        {
            var name = RowMapper<T>.Query;
            return new FigureSource(name, Answer<T>.Declared(QueryCatalog.Default.Get(name), values ?? given), statistics.LastOrDefault(s => s.Query == name));
        }

        var stops = stopsQuery.Result.Rows;
        var deployments = deploymentsQuery.Result.Rows;
        var episodes = episodesQuery.Result.Rows;
        var health = healthQuery.Result.Rows;
        var cases = casesQuery.Result.Rows;
        var findings = findingsQuery.Result.Rows;

        var abnormal = stops.Where(r => StopClass.IsAbnormal(r.StopClass)).GroupBy(r => r.StopClass!)
            .Select(g => (Class: g.Key, Tasks: g.Sum(r => r.Tasks))).OrderByDescending(g => g.Tasks).ThenBy(g => g.Class, StringComparer.Ordinal).ToList();
        // Deployments started in the window (deployment-outcomes also lists those under way at its start); a rollback is
        // ECS undoing a failed one, not a change of its own.
        var started = deployments.Where(d => d.IsRollback is not true && d.StartedAt >= from && d.StartedAt < to).ToList();
        var failed = started.Count(d => d.Outcome == "failed");
        var rollbacks = deployments.Count(d => d.IsRollback is true && d.StartedAt >= from && d.StartedAt < to);
        double? changeFailureRate = started.Count == 0 ? null : (double)failed / started.Count;
        var recovered = episodes.Select(e => e.MinutesToRecover).OfType<long>().Order().ToList();
        long? median = recovered.Count == 0 ? null : recovered[(recovered.Count - 1) / 2];
        var openIssues = health.Where(h => h.EventTypeCategory == "issue" && h.StatusCode == "open").ToList();
        var scheduled = health.Where(h => h.EventTypeCategory == "scheduledChange" && h.StatusCode is "upcoming" or "open")
            .OrderBy(h => h.StartTime).ToList();
        var openCases = cases.Where(c => c.IsOpen is true).ToList();
        var resolvedHours = cases.Where(c => c.IsOpen is false && c.HoursToResolve is not null).Select(c => c.HoursToResolve!.Value).Order().ToList();
        var advisor = findings.GroupBy(f => f.Category ?? "unknown")
            .Select(g => (Pillar: g.Key, New: (long)g.Count(r => r.StatusAtStart is null), Resolved: (long)g.Count(r => r.Change is "resolved" or "transient"),
                Suppressed: (long)g.Count(r => r.Change == "suppressed")))
            .OrderBy(g => g.Pillar, StringComparer.Ordinal).ToList();

        var tiles = new List<Tile>
        {
            new("abnormal-stops", "Abnormal task stops", abnormal.Sum(a => a.Tasks).ToString("N0", CultureInfo.InvariantCulture), abnormal.Sum(a => a.Tasks),
                [.. abnormal.Select(a => $"{a.Class}: {a.Tasks:N0}")], [Source<StopReasonRow>()]),
            new("change-failure-rate", "Change failure rate", changeFailureRate is { } r ? r.ToString("0%", CultureInfo.InvariantCulture) : "–", changeFailureRate,
                [$"{started.Count:N0} deployments started, {failed:N0} failed", rollbacks == 1 ? "1 rollback" : $"{rollbacks:N0} rollbacks"], [Source<DeploymentRow>()]),
            new("time-to-recover", "Time to recover (median)", median is { } m ? $"{m:N0} min" : "–", median,
                [episodes.Count == 1 ? "1 failure episode began" : $"{episodes.Count:N0} failure episodes began", recovered.Count == 0 ? "none recovered" : $"longest {recovered[^1]:N0} min",
                 $"{episodes.Count(e => e.SteadyStateAt is null):N0} not recovered by the window's end"], [Source<RecoveryEpisodeRow>()]),
            new("health", "Open AWS Health issues", openIssues.Count.ToString("N0", CultureInfo.InvariantCulture), openIssues.Count,
                [.. openIssues.Select(h => $"{h.Service} {h.EventTypeCode} since {Short(h.StartTime)}"),
                 .. scheduled.Select(h => $"scheduled: {h.Service} {h.EventTypeCode} ({h.StatusCode}), starts {Short(h.StartTime)}")], [Source<HealthImpactRow>()]),
            new("support", "Open Support cases", openCases.Count.ToString("N0", CultureInfo.InvariantCulture), openCases.Count,
                [.. openCases.GroupBy(c => c.SeverityCode ?? "unknown").OrderBy(g => Severity(g.Key)).Select(g => $"{g.Key}: {g.Count():N0}"),
                 resolvedHours.Count == 0 ? "none resolved" : $"{resolvedHours.Count:N0} resolved, median {resolvedHours[(resolvedHours.Count - 1) / 2].ToString("0.#", CultureInfo.InvariantCulture)} h to resolve"],
                [Source<SupportCaseRow>()]),
            new("trusted-advisor", "New Trusted Advisor findings", advisor.Sum(a => a.New).ToString("N0", CultureInfo.InvariantCulture), advisor.Sum(a => a.New),
                [.. advisor.Select(a => $"{a.Pillar.Replace('_', ' ')}: {a.New:N0} new, {a.Resolved:N0} resolved, {a.Suppressed:N0} suppressed")], [Source<AdvisorFindingRow>(advisorValues)]),
        };

        var byWeek = trendsQuery.Result.Rows.ToDictionary(r => DateOnly.ParseExact(r.WeekStart!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        var weeks = Enumerable.Range(0, TrendWeeks).Select(i => firstMonday.AddDays(7 * i)).Select(monday =>
        {
            var date = monday.ToDateTime(TimeOnly.MinValue);
            return new TrendWeek(monday, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}", byWeek.GetValueOrDefault(monday));
        }).ToList();

        return new DashboardData
        {
            From = from, To = to, Cluster = cluster, Service = service, Engine = engine.Name, Tiles = tiles,
            Timeline = timelineQuery.Result.Rows, Deployments = deployments, Health = health, ClusterState = stateQuery.Result.Rows,
            Advisor = advisor, Weeks = weeks,
            Sources = new Dictionary<string, IReadOnlyList<FigureSource>>(StringComparer.Ordinal)
            {
                ["timeline"] = [Source<TimelineRow>(), Source<DeploymentRow>(), Source<HealthImpactRow>()],
                ["running-tasks"] = [Source<ClusterStateRow>()],
                ["container-instances"] = [Source<ClusterStateRow>()],
                ["trusted-advisor"] = [Source<AdvisorFindingRow>(advisorValues)],
                ["trends"] = [Source<WeeklyTrendRow>(trendValues)],
            },
        };
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Short(DateTime? t) => t is { } v ? v.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "an unknown time";

    private static int Severity(string code) => code switch { "critical" => 0, "urgent" => 1, "high" => 2, "normal" => 3, "low" => 4, _ => 5 };
}
