using System.Globalization;
using System.Text;
using static Analytics.Query.Reports.Weekly.WeeklyReport;
using static Analytics.Query.Reports.Weekly.WeeklyText;

namespace Analytics.Query.Reports.Weekly;

/// <summary>The weekly report as Markdown.</summary>
internal static class WeeklyMarkdown
{
    /// <summary>The report as Markdown.</summary>
    public static string Write(WeeklyReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {report.Title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"_Weeks are ISO weeks, Monday to Sunday, UTC, from {report.FirstMonday:yyyy-MM-dd}. Written by the Analytics `report weekly` command. Each cell is the week's count and its change from the week before. Failures are stops of a failure class (health-check kills, essential container exits, OOM kills, failed starts); the change failure rate is failed deployments over deployments started (rollbacks not counted); time to recover is, per failure episode (a service's burst of failures and the steady state that ends it), minutes from its first failure to that steady state (median / longest), in the week the episode began._\n\n");
        md.Append("## Highlights\n\n");
        foreach (var line in WeeklyText.Highlights(report)) md.Append("- ").Append(line).Append('\n');
        md.Append("\n## Week by week\n\n");
        md.Append("| week | starts | ").Append(string.Join(" | ", Measures.Select(m => m.Label))).Append(" | Change failure rate | Time to recover (min) |\n");
        md.Append("|---|---|").Append(string.Concat(Measures.Select(_ => "---:|"))).Append("---:|---:|\n");
        Week? previous = null;
        foreach (var week in report.Weeks)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {week.IsoWeek} | {week.Monday:yyyy-MM-dd} | ");
            md.Append(string.Join(" | ", Measures.Select(m => Cell(week, previous, m.Column))));
            md.Append(CultureInfo.InvariantCulture, $" | {Percent(week.ChangeFailureRate)} | {Recovery(week)} |\n");
            previous = week;
        }
        md.Append("\n## By service\n\n");
        if (report.Services.Count == 0) md.Append("_No abnormal stop and no deployment in the period._\n");
        else
        {
            md.Append("| service | failures | most frequent failure | abnormal stops | deployments | failed | change failure rate |\n|---|---:|---|---:|---:|---:|---:|\n");
            foreach (var f in report.Services)
                md.Append(CultureInfo.InvariantCulture, $"| {f.Service} | {f.Failures:N0} | {f.TopFailure ?? "–"} | {f.Abnormal:N0} | {f.Deployments:N0} | {f.FailedDeployments:N0} | {Percent(f.ChangeFailureRate)} |\n");
        }
        md.Append("\n## Top stop classes\n\n");
        if (report.StopClasses.Count == 0) md.Append("_No abnormal stop in the period._\n");
        foreach (var (stopClass, tasks) in report.StopClasses.Take(5)) md.Append(CultureInfo.InvariantCulture, $"- {stopClass}: {tasks:N0} tasks\n");
        md.Append("\n## Trusted Advisor\n\n_Findings (warning or error, not suppressed) at each week's end by pillar, as each check's last refresh before then listed them; new, resolved and suppressed by the user (ignored, not fixed) in the week; the cost-optimizing checks' estimated monthly savings at its end._\n\n");
        md.Append("| week | ").Append(string.Join(" | ", report.AdvisorPillars.Select(Label))).Append(" | new | resolved | suppressed | est. monthly savings (USD) |\n|---|").Append(string.Concat(report.AdvisorPillars.Select(_ => "---:|"))).Append("---:|---:|---:|---:|\n");
        foreach (var (week, a) in report.Weeks.Zip(report.Advisor))
            md.Append(CultureInfo.InvariantCulture, $"| {week.IsoWeek} | {string.Join(" | ", report.AdvisorPillars.Select(p => a.Findings[p].ToString("N0", CultureInfo.InvariantCulture)))} | {a.New:N0} | {a.Resolved:N0} | {a.Suppressed:N0} | {a.Savings:N2} |\n");
        md.Append("\n## AWS Health by account\n\n");
        if (report.Accounts.Count == 0) md.Append("_No AWS Health event in the period._\n");
        else
        {
            md.Append("| account | events | issues | scheduled changes | notifications | open at the end | impaired entities |\n|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var h in report.Accounts)
                md.Append(CultureInfo.InvariantCulture, $"| {h.Account} | {h.Events:N0} | {h.Issues:N0} | {h.ScheduledChanges:N0} | {h.Notifications:N0} | {h.OpenAtEnd:N0} | {h.ImpairedEntities:N0} |\n");
        }
        return md.ToString();
    }
}
