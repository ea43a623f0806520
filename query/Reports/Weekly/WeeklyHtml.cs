using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Query.Reports.Charts;
using static Analytics.Query.Reports.Weekly.WeeklyReport;
using static Analytics.Query.Reports.Weekly.WeeklyText;

namespace Analytics.Query.Reports.Weekly;

/// <summary>
/// The weekly report as a self-contained HTML page: its charts drawn by the inlined ECharts (<see cref="ChartPage"/>), no
/// request of any kind (its content security policy forbids them).
/// </summary>
internal static class WeeklyHtml
{
    /// <summary>The report as a self-contained HTML page with one bar chart per measure, charts of one unit on one labelled scale.</summary>
    public static string Write(WeeklyReport report)
    {
        var html = new StringBuilder();
        var charts = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        html.Append(ChartPage.Head(report.Title, ".charts{grid-template-columns:repeat(auto-fit,minmax(300px,1fr))}"));
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(report.Title)}</h1>\n<p>ISO weeks, Monday to Sunday, UTC, from {report.FirstMonday:yyyy-MM-dd}. Charts that count the same thing share one scale.</p>\n<h2>Highlights</h2>\n<ul>\n");
        foreach (var line in WeeklyText.Highlights(report)) html.Append("<li>").Append(Encode(line)).Append("</li>\n");
        html.Append("</ul>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        foreach (var measure in Measures) html.Append(Chart(report, measure, report.Scale(measure.Unit), charts));
        html.Append("</div>\n<h2>Week by week</h2>\n<table>\n<thead><tr><th>week</th><th>starts</th>");
        foreach (var measure in Measures) html.Append("<th>").Append(Encode(measure.Label)).Append("</th>");
        html.Append("<th>Change failure rate</th><th>Time to recover (min, median / longest)</th></tr></thead>\n<tbody>\n");
        Week? previous = null;
        foreach (var week in report.Weeks)
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
        foreach (var f in report.Services)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(f.Service)}</td><td>{f.Failures:N0}</td><td>{Encode(f.TopFailure ?? "–")}</td><td>{f.Abnormal:N0}</td><td>{f.Deployments:N0}</td><td>{f.FailedDeployments:N0}</td><td>{Encode(Percent(f.ChangeFailureRate))}</td></tr>\n");
        html.Append("</tbody>\n</table>\n<h2>Top stop classes</h2>\n<ul>\n");
        foreach (var (stopClass, tasks) in report.StopClasses.Take(5)) html.Append(CultureInfo.InvariantCulture, $"<li>{Encode(stopClass)}: {tasks:N0} tasks</li>\n");
        html.Append("</ul>\n<h2>Trusted Advisor</h2>\n<table id=\"trusted-advisor\">\n<thead><tr><th>week</th>");
        foreach (var pillar in report.AdvisorPillars) html.Append("<th>").Append(Encode(Label(pillar))).Append("</th>");
        html.Append("<th>new</th><th>resolved</th><th>suppressed</th><th>est. monthly savings (USD)</th></tr></thead>\n<tbody>\n");
        foreach (var (week, a) in report.Weeks.Zip(report.Advisor))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{week.IsoWeek}</td>");
            foreach (var pillar in report.AdvisorPillars) html.Append(CultureInfo.InvariantCulture, $"<td data-pillar=\"{pillar}\">{a.Findings[pillar]:N0}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{a.New:N0}</td><td>{a.Resolved:N0}</td><td>{a.Suppressed:N0}</td><td>{a.Savings:N2}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n<h2>AWS Health by account</h2>\n<table id=\"health-accounts\">\n<thead><tr><th>account</th><th>events</th><th>issues</th><th>scheduled changes</th><th>notifications</th><th>open at the end</th><th>impaired entities</th></tr></thead>\n<tbody>\n");
        foreach (var h in report.Accounts)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(h.Account)}</td><td>{h.Events:N0}</td><td>{h.Issues:N0}</td><td>{h.ScheduledChanges:N0}</td><td>{h.Notifications:N0}</td><td>{h.OpenAtEnd:N0}</td><td>{h.ImpairedEntities:N0}</td></tr>\n");
        html.Append("</tbody>\n</table>\n").Append(ChartPage.End(charts));
        return html.ToString();
    }

    // A measure's chart: a bar per week on its unit's shared scale (0 to the unit's top), drawn by the page's ECharts.
    private static string Chart(WeeklyReport report, Measure measure, long scale, Dictionary<string, JsonNode> charts)
    {
        charts[measure.Column] = JsonSerializer.SerializeToNode(new
        {
            tooltip = new { trigger = "axis" },
            grid = new { left = 48, right = 12, top = 36, bottom = 40 },
            xAxis = new { type = "category", data = report.Weeks.Select(w => "W" + w.IsoWeek[^2..]).ToList(), name = "ISO week", nameLocation = "middle", nameGap = 26 },
            yAxis = new { type = "value", name = measure.Unit, min = 0, max = scale, interval = scale / 2 },
            series = new[] { new { name = measure.Label, type = "bar", data = report.Weeks.Select(w => w.Values[measure.Column]).ToList(), label = new { show = true, position = "top" } } },
        })!;
        var table = ChartPage.Table(["week", measure.Unit], report.Weeks.Select(w => ("", (IEnumerable<string>)[w.IsoWeek, w.Values[measure.Column].ToString("N0", CultureInfo.InvariantCulture)])));
        return $"<div data-measure=\"{measure.Column}\" data-unit=\"{measure.Unit}\" data-scale=\"{scale}\">"
            + ChartPage.Figure(measure.Column, measure.Label, $"{measure.Label} per week, in {measure.Unit}, scale 0 to {scale}", table,
                [$"<code>weekly-trends</code> from {report.FirstMonday:yyyy-MM-dd}, {report.WeekCount} weeks"], height: 200)
            + "</div>\n";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
