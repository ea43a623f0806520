using System.Globalization;
using System.Net;
using System.Text;
using Analytics.Query.Engines;
using Analytics.Schemas.Semantics;

namespace Analytics.Query.Reports;

/// <summary>
/// The weekly trend report: per ISO week, task failures by kind, OOM kills, failed deployments, Health
/// events and Support cases, with the change from the week before, Trusted Advisor's findings by pillar and its
/// estimated savings, and AWS Health across the organization by account, as Markdown and as a self-contained
/// HTML page whose charts are inline SVG (no script, no network: its content security policy forbids both).
/// </summary>
internal sealed class WeeklyReport
{
    /// <summary>
    /// The measures, in report order: column name, label and unit. Charts of one unit share one scale, so a bar of
    /// one failed deployment is never drawn as tall as one of thirty container exits.
    /// </summary>
    public static readonly IReadOnlyList<Measure> Measures =
    [
        new("health_check_failures", "Health-check kills", "tasks"),
        new("container_exits", "Essential container exits", "tasks"),
        new("oom_kills", "OOM kills", "tasks"),
        new("failed_starts", "Tasks failed to start", "tasks"),
        new("spot_interruptions", "Spot interruptions", "tasks"),
        new("infrastructure_stops", "Infrastructure stops", "tasks"),
        new("deployments", "Deployments", "deployments"),
        new("failed_deployments", "Failed deployments", "deployments"),
        new("health_events", "AWS Health events", "events"),
        new("support_cases", "Support cases opened", "cases"),
    ];

    /// <summary>A measure of the report.</summary>
    /// <param name="Column">The weekly-trends column.</param>
    /// <param name="Label">Its label.</param>
    /// <param name="Unit">What it counts; the charts of one unit share a scale.</param>
    public sealed record Measure(string Column, string Label, string Unit);

    /// <summary>A service's figures over the whole period.</summary>
    /// <param name="Service">The service (or task group).</param>
    /// <param name="Failures">Tasks stopped for a failure class.</param>
    /// <param name="TopFailure">Its most frequent failure class, or null.</param>
    /// <param name="Abnormal">Tasks stopped abnormally (failures, infrastructure, Spot, unexplained).</param>
    /// <param name="Deployments">Deployments started in the period, rollbacks not counted.</param>
    /// <param name="FailedDeployments">Those of them that failed.</param>
    public sealed record ServiceFigures(string Service, long Failures, string? TopFailure, long Abnormal, long Deployments, long FailedDeployments)
    {
        /// <summary>Failed deployments over deployments; null without deployments.</summary>
        public double? ChangeFailureRate => Deployments == 0 ? null : (double)FailedDeployments / Deployments;
    }

    /// <summary>Trusted Advisor's pillars, in report order; a pillar Trusted Advisor adds later follows them under its own name.</summary>
    public static readonly IReadOnlyList<string> Pillars = ["fault_tolerance", "service_limits", "security", "performance", "cost_optimizing"];

    /// <summary>The pillars the report shows: <see cref="Pillars"/>, then any other category the checks of the period had.</summary>
    public IReadOnlyList<string> AdvisorPillars { get; private init; } = Pillars;

    /// <summary>Trusted Advisor in one week.</summary>
    /// <param name="Monday">The week's Monday.</param>
    /// <param name="Findings">Findings (warning or error, not suppressed) at the week's end, by pillar.</param>
    /// <param name="New">Findings flagged in the week that were not at its start (those gone again by its end included).</param>
    /// <param name="Resolved">Findings of the week's start, or flagged in it, that were no longer flagged at its end (suppressed ones not counted).</param>
    /// <param name="Suppressed">Findings of the week's start, or flagged in it, that the user suppressed by its end: ignored, not fixed.</param>
    /// <param name="Savings">Estimated monthly savings (USD) of the cost-optimizing checks at the week's end.</param>
    public sealed record AdvisorWeek(DateOnly Monday, IReadOnlyDictionary<string, long> Findings, long New, long Resolved, long Suppressed, double Savings);

    /// <summary>An account's AWS Health events active in the period (health-organization).</summary>
    public sealed record AccountHealth(string Account, long Events, long Issues, long ScheduledChanges, long Notifications, long OpenAtEnd, long ImpairedEntities);

    /// <summary>Trusted Advisor, week by week.</summary>
    public IReadOnlyList<AdvisorWeek> Advisor { get; private init; } = [];

    /// <summary>AWS Health across the organization over the period, most events first.</summary>
    public IReadOnlyList<AccountHealth> Accounts { get; private init; } = [];

    private WeeklyReport(DateOnly firstMonday, int weeks, IReadOnlyList<Week> rows, IReadOnlyList<ServiceFigures> services, IReadOnlyList<(string Class, long Tasks)> stopClasses)
    {
        FirstMonday = firstMonday;
        Weeks = rows;
        WeekCount = weeks;
        Services = services;
        StopClasses = stopClasses;
    }

    /// <summary>Per service over the period, most failures first.</summary>
    public IReadOnlyList<ServiceFigures> Services { get; }

    /// <summary>Abnormal stops over the period by stop class, most first.</summary>
    public IReadOnlyList<(string Class, long Tasks)> StopClasses { get; }

    /// <summary>The Monday the report starts on.</summary>
    public DateOnly FirstMonday { get; }

    /// <summary>How many weeks.</summary>
    public int WeekCount { get; }

    /// <summary>Every week of the period, weeks without any fact included (all zeros).</summary>
    public IReadOnlyList<Week> Weeks { get; }

    /// <summary>One week's figures.</summary>
    /// <param name="Monday">The week's Monday.</param>
    /// <param name="IsoWeek">ISO year and week, e.g. 2026-W45.</param>
    /// <param name="Values">Each measure's count, by column name.</param>
    /// <param name="MinutesToRecover">For each failure episode that began in the week (a burst of failures of a service and the steady state that ends it: recovery-episodes), minutes from its first failure to that steady state; episodes not recovered by the period's end are left out.</param>
    /// <param name="Unrecovered">Episodes that began in the week and had not reached steady state by the period's end.</param>
    public sealed record Week(DateOnly Monday, string IsoWeek, IReadOnlyDictionary<string, long> Values, IReadOnlyList<long> MinutesToRecover, int Unrecovered)
    {
        /// <summary>Failed deployments over deployments; null in a week without deployments.</summary>
        public double? ChangeFailureRate => Values["deployments"] == 0 ? null : (double)Values["failed_deployments"] / Values["deployments"];

        /// <summary>The median minutes to recover (the lower middle of an even count); null when no service recovered.</summary>
        public long? MedianMinutesToRecover => MinutesToRecover.Count == 0 ? null : MinutesToRecover.Order().ElementAt((MinutesToRecover.Count - 1) / 2);

        /// <summary>The change of <paramref name="column"/> from <paramref name="previous"/>; null for the first week.</summary>
        public long? Change(string column, Week? previous) => previous is null ? null : Values[column] - previous.Values[column];
    }

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
        var answer = await Answer.RunAsync(engine, "weekly-trends", given, cancellationToken).ConfigureAwait(false);
        var byWeek = answer.Rows.ToDictionary(r => DateOnly.ParseExact((string)r["week_start"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        // Time to recover, per failure episode, in the week the episode began.
        var episodes = await Answer.RunAsync(engine, "recovery-episodes", given, cancellationToken).ConfigureAwait(false);
        var rows = new List<Week>();
        var advisor = new List<(long New, long Resolved, long Suppressed)>();
        foreach (var monday in Enumerable.Range(0, weeks).Select(i => start.AddDays(7 * i)))
        {
            var row = byWeek.GetValueOrDefault(monday);
            var date = monday.ToDateTime(TimeOnly.MinValue);
            var week = new Dictionary<string, string?>(given, StringComparer.Ordinal)
            {
                ["from"] = monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["to"] = monday.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            var began = episodes.Rows.Where(e => DateOnly.FromDateTime((DateTime)e["first_failure_at"]!) is var d && d >= monday && d < monday.AddDays(7)).ToList();
            // Trusted Advisor is account-wide in the report, as its findings at each week's end are (trends takes no service).
            var findings = await Answer.RunAsync(engine, "trusted-advisor-findings", new Dictionary<string, string?>(week) { ["cluster"] = null, ["service"] = null }, cancellationToken).ConfigureAwait(false);
            advisor.Add((findings.Rows.Count(r => r["status_at_start"] is null), findings.Rows.Count(r => r["change"] is "resolved" or "transient"),
                findings.Rows.Count(r => (string?)r["change"] == "suppressed")));
            rows.Add(new Week(monday, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}",
                Measures.ToDictionary(m => m.Column, m => row?[m.Column] is long n ? n : 0L, StringComparer.Ordinal),
                began.Select(r => r["minutes_to_recover"]).OfType<long>().ToList(),
                began.Count(r => r["steady_state_at"] is null)));
        }

        var stops = await Answer.RunAsync(engine, "task-stop-reasons", given, cancellationToken).ConfigureAwait(false);
        var deployments = await Answer.RunAsync(engine, "deployment-outcomes", given, cancellationToken).ConfigureAwait(false);
        var periodStart = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        // Deployments started in the period (deployment-outcomes also lists those under way at its start).
        var started = deployments.Rows.Where(d => d["is_rollback"] is not true && d["started_at"] is DateTime t && t >= periodStart).ToList();
        var services = stops.Rows.Select(r => (string?)r["service_name"]).Concat(started.Select(d => (string?)d["service_name"])).OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(name =>
            {
                var own = stops.Rows.Where(r => (string?)r["service_name"] == name).ToList();
                var failures = own.Where(r => StopClass.IsFailure((string?)r["stop_class"])).GroupBy(r => (string)r["stop_class"]!)
                    .Select(g => (Class: g.Key, Tasks: g.Sum(r => (long)r["tasks"]!))).OrderByDescending(g => g.Tasks).ThenBy(g => g.Class, StringComparer.Ordinal).ToList();
                var deployed = started.Where(d => (string?)d["service_name"] == name).ToList();
                return new ServiceFigures(name, failures.Sum(f => f.Tasks), failures.Count == 0 ? null : failures[0].Class,
                    own.Where(r => StopClass.IsAbnormal((string?)r["stop_class"])).Sum(r => (long)r["tasks"]!),
                    deployed.Count, deployed.Count(d => (string?)d["outcome"] == "failed"));
            })
            .Where(f => f.Abnormal > 0 || f.Deployments > 0)
            .OrderByDescending(f => f.Failures).ThenByDescending(f => f.Abnormal).ThenBy(f => f.Service, StringComparer.Ordinal).ToList();
        var classes = stops.Rows.Where(r => StopClass.IsAbnormal((string?)r["stop_class"])).GroupBy(r => (string)r["stop_class"]!)
            .Select(g => (Class: g.Key, Tasks: g.Sum(r => (long)r["tasks"]!))).OrderByDescending(g => g.Tasks).ThenBy(g => g.Class, StringComparer.Ordinal).ToList();
        // Trusted Advisor at each week's end, and Health by account over the period.
        var trends = await Answer.RunAsync(engine, "trusted-advisor-trends", new Dictionary<string, string?>(given) { ["unit"] = "week" }, cancellationToken).ConfigureAwait(false);
        var pillars = Pillars.Concat(trends.Rows.Select(r => (string?)r["category"]).OfType<string>().Where(c => !Pillars.Contains(c)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var advisorWeeks = rows.Select((w, i) =>
        {
            var own = trends.Rows.Where(r => (string?)r["period_start"] == w.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
            return new AdvisorWeek(w.Monday,
                pillars.ToDictionary(p => p, p => own.Where(r => (string?)r["category"] == p).Sum(r => (long)r["findings"]!), StringComparer.Ordinal),
                advisor[i].New, advisor[i].Resolved, advisor[i].Suppressed,
                own.Where(r => (string?)r["category"] == "cost_optimizing").Sum(r => r["estimated_monthly_savings"] as double? ?? 0));
        }).ToList();
        var health = await Answer.RunAsync(engine, "health-organization", given, cancellationToken).ConfigureAwait(false);
        var accounts = health.Rows.Select(r => new AccountHealth((string)r["affected_account"]!, (long)r["events"]!, (long)r["issues"]!, (long)r["scheduled_changes"]!,
            (long)r["account_notifications"]!, (long)r["open_at_end"]!, (long)r["impaired_entities"]!)).ToList();
        return new WeeklyReport(start, weeks, rows, services, classes) { Advisor = advisorWeeks, AdvisorPillars = pillars, Accounts = accounts };
    }

    private string Title => $"Weekly trends, {Weeks[0].IsoWeek} to {Weeks[^1].IsoWeek}";

    private static string Signed(long? n) => n switch { null => "", > 0 => $"+{n:N0}", _ => n.Value.ToString("N0", CultureInfo.InvariantCulture) };

    private static string Percent(double? rate) => rate is { } r ? r.ToString("0%", CultureInfo.InvariantCulture) : "–";

    private static string Recovery(Week week) =>
        (week.MinutesToRecover.Count == 0 ? "–" : $"{week.MedianMinutesToRecover:N0} / {week.MinutesToRecover.Max():N0}")
        + (week.Unrecovered > 0 ? $" ({week.Unrecovered} not recovered)" : "");

    /// <summary>The report as Markdown.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {Title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"_Weeks are ISO weeks, Monday to Sunday, UTC, from {FirstMonday:yyyy-MM-dd}. Written by the Analytics `report weekly` command. Each cell is the week's count and its change from the week before. Failures are stops of a failure class (health-check kills, essential container exits, OOM kills, failed starts); the change failure rate is failed deployments over deployments started (rollbacks not counted); time to recover is, per failure episode (a service's burst of failures and the steady state that ends it), minutes from its first failure to that steady state (median / longest), in the week the episode began._\n\n");
        md.Append("## Highlights\n\n");
        foreach (var line in Highlights()) md.Append("- ").Append(line).Append('\n');
        md.Append("\n## Week by week\n\n");
        md.Append("| week | starts | ").Append(string.Join(" | ", Measures.Select(m => m.Label))).Append(" | Change failure rate | Time to recover (min) |\n");
        md.Append("|---|---|").Append(string.Concat(Measures.Select(_ => "---:|"))).Append("---:|---:|\n");
        Week? previous = null;
        foreach (var week in Weeks)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {week.IsoWeek} | {week.Monday:yyyy-MM-dd} | ");
            md.Append(string.Join(" | ", Measures.Select(m => Cell(week, previous, m.Column))));
            md.Append(CultureInfo.InvariantCulture, $" | {Percent(week.ChangeFailureRate)} | {Recovery(week)} |\n");
            previous = week;
        }
        md.Append("\n## By service\n\n");
        if (Services.Count == 0) md.Append("_No abnormal stop and no deployment in the period._\n");
        else
        {
            md.Append("| service | failures | most frequent failure | abnormal stops | deployments | failed | change failure rate |\n|---|---:|---|---:|---:|---:|---:|\n");
            foreach (var f in Services)
                md.Append(CultureInfo.InvariantCulture, $"| {f.Service} | {f.Failures:N0} | {f.TopFailure ?? "–"} | {f.Abnormal:N0} | {f.Deployments:N0} | {f.FailedDeployments:N0} | {Percent(f.ChangeFailureRate)} |\n");
        }
        md.Append("\n## Top stop classes\n\n");
        if (StopClasses.Count == 0) md.Append("_No abnormal stop in the period._\n");
        foreach (var (stopClass, tasks) in StopClasses.Take(5)) md.Append(CultureInfo.InvariantCulture, $"- {stopClass}: {tasks:N0} tasks\n");
        md.Append("\n## Trusted Advisor\n\n_Findings (warning or error, not suppressed) at each week's end by pillar, as each check's last refresh before then listed them; new, resolved and suppressed by the user (ignored, not fixed) in the week; the cost-optimizing checks' estimated monthly savings at its end._\n\n");
        md.Append("| week | ").Append(string.Join(" | ", AdvisorPillars.Select(Label))).Append(" | new | resolved | suppressed | est. monthly savings (USD) |\n|---|").Append(string.Concat(AdvisorPillars.Select(_ => "---:|"))).Append("---:|---:|---:|---:|\n");
        foreach (var (week, a) in Weeks.Zip(Advisor))
            md.Append(CultureInfo.InvariantCulture, $"| {week.IsoWeek} | {string.Join(" | ", AdvisorPillars.Select(p => a.Findings[p].ToString("N0", CultureInfo.InvariantCulture)))} | {a.New:N0} | {a.Resolved:N0} | {a.Suppressed:N0} | {a.Savings:N2} |\n");
        md.Append("\n## AWS Health by account\n\n");
        if (Accounts.Count == 0) md.Append("_No AWS Health event in the period._\n");
        else
        {
            md.Append("| account | events | issues | scheduled changes | notifications | open at the end | impaired entities |\n|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var h in Accounts)
                md.Append(CultureInfo.InvariantCulture, $"| {h.Account} | {h.Events:N0} | {h.Issues:N0} | {h.ScheduledChanges:N0} | {h.Notifications:N0} | {h.OpenAtEnd:N0} | {h.ImpairedEntities:N0} |\n");
        }
        return md.ToString();
    }

    private static string Label(string pillar) => pillar.Replace('_', ' ');

    private static string Cell(Week week, Week? previous, string column) =>
        week.Change(column, previous) is { } change ? $"{week.Values[column]:N0} ({Signed(change)})" : $"{week.Values[column]:N0}";

    /// <summary>What changed between the last two weeks, and the period's totals.</summary>
    public IEnumerable<string> Highlights()
    {
        var last = Weeks[^1];
        var before = Weeks.Count > 1 ? Weeks[^2] : null;
        foreach (var (column, label, _) in Measures)
        {
            var total = Weeks.Sum(w => w.Values[column]);
            var change = last.Change(column, before);
            yield return before is null
                ? $"{label}: {total:N0}."
                : $"{label}: {last.Values[column]:N0} in {last.IsoWeek} ({Signed(change)} on {before.IsoWeek}); {total:N0} over {WeekCount} weeks.";
        }
        var deployed = Weeks.Sum(w => w.Values["deployments"]);
        var failed = Weeks.Sum(w => w.Values["failed_deployments"]);
        yield return $"Change failure rate: {Percent(last.ChangeFailureRate)} in {last.IsoWeek}; {Percent(deployed == 0 ? null : (double)failed / deployed)} over {WeekCount} weeks ({failed:N0} of {deployed:N0}).";
        if (Advisor.Count > 0)
        {
            var a = Advisor[^1];
            var total = a.Findings.Values.Sum();
            var change = Advisor.Count > 1 ? total - Advisor[^2].Findings.Values.Sum() : (long?)null;
            yield return $"Trusted Advisor: {total:N0} findings at the end of {last.IsoWeek}{(change is null ? "" : $" ({Signed(change)} on {before!.IsoWeek})")}, {a.New:N0} new, {a.Resolved:N0} resolved and {a.Suppressed:N0} suppressed in the week; estimated savings {a.Savings.ToString("N2", CultureInfo.InvariantCulture)} USD a month.";
        }
        var recoveries = Weeks.SelectMany(w => w.MinutesToRecover).ToList();
        yield return recoveries.Count == 0
            ? "Time to recover: no service failed and recovered in the period."
            : $"Time to recover: median {recoveries.Order().ElementAt((recoveries.Count - 1) / 2):N0} minutes, longest {recoveries.Max():N0}, over {recoveries.Count} recoveries.";
    }

    /// <summary>The report as a self-contained HTML page with one SVG bar chart per measure, charts of one unit on one labelled scale.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{Encode(Title)}</title>\n");
        html.Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600;margin-bottom:.25rem}.bar{fill:#3b6ea8}.axis{stroke:#888}.label{font-size:10px;fill:#555}.up{color:#a33}.down{color:#2a7}</style>\n");
        html.Append("</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(Title)}</h1>\n<p>ISO weeks, Monday to Sunday, UTC, from {FirstMonday:yyyy-MM-dd}. Charts that count the same thing share one scale.</p>\n<h2>Highlights</h2>\n<ul>\n");
        foreach (var line in Highlights()) html.Append("<li>").Append(Encode(line)).Append("</li>\n");
        html.Append("</ul>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        foreach (var measure in Measures) html.Append(Chart(measure, Scale(measure.Unit)));
        html.Append("</div>\n<h2>Week by week</h2>\n<table>\n<thead><tr><th>week</th><th>starts</th>");
        foreach (var measure in Measures) html.Append("<th>").Append(Encode(measure.Label)).Append("</th>");
        html.Append("<th>Change failure rate</th><th>Time to recover (min, median / longest)</th></tr></thead>\n<tbody>\n");
        Week? previous = null;
        foreach (var week in Weeks)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{week.IsoWeek}</td><td>{week.Monday:yyyy-MM-dd}</td>");
            foreach (var measure in Measures)
            {
                var change = week.Change(measure.Column, previous);
                var css = change switch { > 0 => " class=\"up\"", < 0 => " class=\"down\"", _ => "" };
                html.Append(CultureInfo.InvariantCulture, $"<td{css}>{Encode(Cell(week, previous, measure.Column))}</td>");
            }
            html.Append(CultureInfo.InvariantCulture, $"<td>{Encode(Percent(week.ChangeFailureRate))}</td><td>{Encode(Recovery(week))}</td></tr>\n");
            previous = week;
        }
        html.Append("</tbody>\n</table>\n<h2>By service</h2>\n<table>\n<thead><tr><th>service</th><th>failures</th><th>most frequent failure</th><th>abnormal stops</th><th>deployments</th><th>failed</th><th>change failure rate</th></tr></thead>\n<tbody>\n");
        foreach (var f in Services)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(f.Service)}</td><td>{f.Failures:N0}</td><td>{Encode(f.TopFailure ?? "–")}</td><td>{f.Abnormal:N0}</td><td>{f.Deployments:N0}</td><td>{f.FailedDeployments:N0}</td><td>{Encode(Percent(f.ChangeFailureRate))}</td></tr>\n");
        html.Append("</tbody>\n</table>\n<h2>Top stop classes</h2>\n<ul>\n");
        foreach (var (stopClass, tasks) in StopClasses.Take(5)) html.Append(CultureInfo.InvariantCulture, $"<li>{Encode(stopClass)}: {tasks:N0} tasks</li>\n");
        html.Append("</ul>\n<h2>Trusted Advisor</h2>\n<table id=\"trusted-advisor\">\n<thead><tr><th>week</th>");
        foreach (var pillar in AdvisorPillars) html.Append("<th>").Append(Encode(Label(pillar))).Append("</th>");
        html.Append("<th>new</th><th>resolved</th><th>suppressed</th><th>est. monthly savings (USD)</th></tr></thead>\n<tbody>\n");
        foreach (var (week, a) in Weeks.Zip(Advisor))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{week.IsoWeek}</td>");
            foreach (var pillar in AdvisorPillars) html.Append(CultureInfo.InvariantCulture, $"<td data-pillar=\"{pillar}\">{a.Findings[pillar]:N0}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{a.New:N0}</td><td>{a.Resolved:N0}</td><td>{a.Suppressed:N0}</td><td>{a.Savings:N2}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n<h2>AWS Health by account</h2>\n<table id=\"health-accounts\">\n<thead><tr><th>account</th><th>events</th><th>issues</th><th>scheduled changes</th><th>notifications</th><th>open at the end</th><th>impaired entities</th></tr></thead>\n<tbody>\n");
        foreach (var h in Accounts)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(h.Account)}</td><td>{h.Events:N0}</td><td>{h.Issues:N0}</td><td>{h.ScheduledChanges:N0}</td><td>{h.Notifications:N0}</td><td>{h.OpenAtEnd:N0}</td><td>{h.ImpairedEntities:N0}</td></tr>\n");
        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>The top of the shared scale of <paramref name="unit"/>: the largest weekly value of its measures, rounded up to an even number (at least 2) so that its half is a whole tick.</summary>
    public long Scale(string unit)
    {
        var max = Measures.Where(m => m.Unit == unit).SelectMany(m => Weeks.Select(w => w.Values[m.Column])).DefaultIfEmpty(0).Max();
        return Math.Max(2, max + max % 2);
    }

    private string Chart(Measure measure, long scale)
    {
        const int Width = 340, Height = 170, Top = 16, Bottom = 28, Left = 40, Right = 8;
        var slot = (double)(Width - Left - Right) / Weeks.Count;
        var plot = Height - Top - Bottom;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure data-measure=\"{measure.Column}\" data-unit=\"{measure.Unit}\" data-scale=\"{scale}\"><figcaption>{Encode(measure.Label)}</figcaption>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(measure.Label)} per week, in {measure.Unit}, scale 0 to {scale}\">\n");
        // The value axis: 0, half and the top of the unit's shared scale, labelled, with the unit as its title.
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\"/>\n");
        foreach (var tick in new[] { 0, scale / 2, scale })
        {
            var y = Height - Bottom - plot * (double)tick / scale;
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left - 3}\" y1=\"{y:0.#}\" x2=\"{Left}\" y2=\"{y:0.#}\"/><text class=\"label tick\" x=\"{Left - 5}\" y=\"{y + 3:0.#}\" text-anchor=\"end\">{tick:N0}</text>\n"));
        }
        svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label axis-title\" x=\"10\" y=\"{Top + plot / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 10 {Top + plot / 2})\">{Encode(measure.Unit)}</text>\n"));
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\"/>\n");
        for (var i = 0; i < Weeks.Count; i++)
        {
            var value = Weeks[i].Values[measure.Column];
            var h = plot * (double)value / scale;
            var x = Left + i * slot + slot * 0.15;
            var y = Height - Bottom - h;
            svg.Append(string.Create(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" data-week=\"{Weeks[i].IsoWeek}\" data-value=\"{value}\" x=\"{x:0.#}\" y=\"{y:0.###}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.###}\"><title>{Weeks[i].IsoWeek}: {value:N0}</title></rect>\n"));
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x + slot * 0.35:0.#}\" y=\"{Height - Bottom + 12}\" text-anchor=\"middle\">W{Weeks[i].IsoWeek[^2..]}</text>\n"));
            if (value > 0) svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x + slot * 0.35:0.#}\" y=\"{y - 3:0.#}\" text-anchor=\"middle\">{value:N0}</text>\n"));
        }
        svg.Append("</svg></figure>\n");
        return svg.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
