using System.Globalization;
using System.Net;
using System.Text;
using static Analytics.Query.Reports.Weekly.WeeklyReport;
using static Analytics.Query.Reports.Weekly.WeeklyText;

namespace Analytics.Query.Reports.Weekly;

/// <summary>
/// The weekly report as a self-contained HTML page whose charts are inline SVG (no script, no network: its content
/// security policy forbids both).
/// </summary>
internal static class WeeklyHtml
{
    /// <summary>The report as a self-contained HTML page with one SVG bar chart per measure, charts of one unit on one labelled scale.</summary>
    public static string Write(WeeklyReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{Encode(report.Title)}</title>\n");
        // Light and dark as the reader's system prefers; a table wider than the window scrolls on its own, the page does not.
        html.Append("<style>:root{color-scheme:light dark}body{font-family:system-ui,sans-serif;margin:2rem;color:#222;background:#fff}"
            + "table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}td{white-space:nowrap}"
            + "th:first-child,td:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600;margin-bottom:.25rem}"
            + ".bar{fill:#3b6ea8}.axis{stroke:#888}.label{font-size:10px;fill:#555}.up{color:#a33}.down{color:#2a7}"
            + "@media (prefers-color-scheme:dark){body{color:#ddd;background:#121417}td,th{border-bottom-color:#333}.bar{fill:#6fa3e0}.axis{stroke:#999}.label{fill:#bbb}.up{color:#f08080}.down{color:#5fc48a}}</style>\n");
        html.Append("</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(report.Title)}</h1>\n<p>ISO weeks, Monday to Sunday, UTC, from {report.FirstMonday:yyyy-MM-dd}. Charts that count the same thing share one scale.</p>\n<h2>Highlights</h2>\n<ul>\n");
        foreach (var line in WeeklyText.Highlights(report)) html.Append("<li>").Append(Encode(line)).Append("</li>\n");
        html.Append("</ul>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        foreach (var measure in Measures) html.Append(Chart(report, measure, report.Scale(measure.Unit)));
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
        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Chart(WeeklyReport report, Measure measure, long scale)
    {
        const int Width = 340, Height = 170, Top = 16, Bottom = 28, Left = 40, Right = 8;
        var slot = (double)(Width - Left - Right) / report.Weeks.Count;
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
        for (var i = 0; i < report.Weeks.Count; i++)
        {
            var value = report.Weeks[i].Values[measure.Column];
            var h = plot * (double)value / scale;
            var x = Left + i * slot + slot * 0.15;
            var y = Height - Bottom - h;
            svg.Append(string.Create(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" data-week=\"{report.Weeks[i].IsoWeek}\" data-value=\"{value}\" x=\"{x:0.#}\" y=\"{y:0.###}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.###}\"><title>{report.Weeks[i].IsoWeek}: {value:N0}</title></rect>\n"));
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x + slot * 0.35:0.#}\" y=\"{Height - Bottom + 12}\" text-anchor=\"middle\">W{report.Weeks[i].IsoWeek[^2..]}</text>\n"));
            if (value > 0) svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x + slot * 0.35:0.#}\" y=\"{y - 3:0.#}\" text-anchor=\"middle\">{value:N0}</text>\n"));
        }
        svg.Append("</svg></figure>\n");
        return svg.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
