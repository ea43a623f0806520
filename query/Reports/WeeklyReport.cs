using System.Globalization;
using System.Net;
using System.Text;
using Analytics.Query.Engines;

namespace Analytics.Query.Reports;

/// <summary>
/// The weekly trend report: per ISO week, task failures by kind, OOM kills, failed deployments, Health
/// events and Support cases, with the change from the week before, as Markdown and as a self-contained
/// HTML page whose charts are inline SVG (no script, no network: its content security policy forbids both).
/// </summary>
public sealed class WeeklyReport
{
    /// <summary>The measures, in report order: column name and label.</summary>
    public static readonly IReadOnlyList<(string Column, string Label)> Measures =
    [
        ("health_check_failures", "Health-check kills"),
        ("container_exits", "Essential container exits"),
        ("oom_kills", "OOM kills"),
        ("failed_starts", "Tasks failed to start"),
        ("spot_interruptions", "Spot interruptions"),
        ("infrastructure_stops", "Infrastructure stops"),
        ("deployments", "Deployments"),
        ("failed_deployments", "Failed deployments"),
        ("health_events", "AWS Health events"),
        ("support_cases", "Support cases opened"),
    ];

    private WeeklyReport(DateOnly firstMonday, int weeks, IReadOnlyList<Week> rows)
    {
        FirstMonday = firstMonday;
        Weeks = rows;
        WeekCount = weeks;
    }

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
    public sealed record Week(DateOnly Monday, string IsoWeek, IReadOnlyDictionary<string, long> Values)
    {
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
        var rows = Enumerable.Range(0, weeks).Select(i => start.AddDays(7 * i)).Select(monday =>
        {
            var row = byWeek.GetValueOrDefault(monday);
            var date = monday.ToDateTime(TimeOnly.MinValue);
            return new Week(monday, $"{ISOWeek.GetYear(date)}-W{ISOWeek.GetWeekOfYear(date):D2}",
                Measures.ToDictionary(m => m.Column, m => row?[m.Column] is long n ? n : 0L, StringComparer.Ordinal));
        }).ToList();
        return new WeeklyReport(start, weeks, rows);
    }

    private string Title => $"Weekly trends, {Weeks[0].IsoWeek} to {Weeks[^1].IsoWeek}";

    private static string Signed(long? n) => n switch { null => "", > 0 => $"+{n:N0}", _ => n.Value.ToString("N0", CultureInfo.InvariantCulture) };

    /// <summary>The report as Markdown.</summary>
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {Title}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"_Weeks are ISO weeks, Monday to Sunday, UTC, from {FirstMonday:yyyy-MM-dd}. Written by `analytics-query report weekly`. Each cell is the week's count and its change from the week before._\n\n");
        md.Append("## Highlights\n\n");
        foreach (var line in Highlights()) md.Append("- ").Append(line).Append('\n');
        md.Append("\n## Week by week\n\n");
        md.Append("| week | starts | ").Append(string.Join(" | ", Measures.Select(m => m.Label))).Append(" |\n");
        md.Append("|---|---|").Append(string.Concat(Measures.Select(_ => "---:|"))).Append('\n');
        Week? previous = null;
        foreach (var week in Weeks)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {week.IsoWeek} | {week.Monday:yyyy-MM-dd} | ");
            md.Append(string.Join(" | ", Measures.Select(m => Cell(week, previous, m.Column)))).Append(" |\n");
            previous = week;
        }
        return md.ToString();
    }

    private static string Cell(Week week, Week? previous, string column) =>
        week.Change(column, previous) is { } change ? $"{week.Values[column]:N0} ({Signed(change)})" : $"{week.Values[column]:N0}";

    /// <summary>What changed between the last two weeks, and the period's totals.</summary>
    public IEnumerable<string> Highlights()
    {
        var last = Weeks[^1];
        var before = Weeks.Count > 1 ? Weeks[^2] : null;
        foreach (var (column, label) in Measures)
        {
            var total = Weeks.Sum(w => w.Values[column]);
            var change = last.Change(column, before);
            yield return before is null
                ? $"{label}: {total:N0}."
                : $"{label}: {last.Values[column]:N0} in {last.IsoWeek} ({Signed(change)} on {before.IsoWeek}); {total:N0} over {WeekCount} weeks.";
        }
    }

    /// <summary>The report as a self-contained HTML page with one SVG bar chart per measure.</summary>
    public string ToHtml()
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{Encode(Title)}</title>\n");
        html.Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-weight:600;margin-bottom:.25rem}.bar{fill:#3b6ea8}.axis{stroke:#888}.label{font-size:10px;fill:#555}.up{color:#a33}.down{color:#2a7}</style>\n");
        html.Append("</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(Title)}</h1>\n<p>ISO weeks, Monday to Sunday, UTC, from {FirstMonday:yyyy-MM-dd}.</p>\n<h2>Highlights</h2>\n<ul>\n");
        foreach (var line in Highlights()) html.Append("<li>").Append(Encode(line)).Append("</li>\n");
        html.Append("</ul>\n<h2>Charts</h2>\n<div class=\"charts\">\n");
        foreach (var (column, label) in Measures) html.Append(Chart(column, label));
        html.Append("</div>\n<h2>Week by week</h2>\n<table>\n<thead><tr><th>week</th><th>starts</th>");
        foreach (var (_, label) in Measures) html.Append("<th>").Append(Encode(label)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        Week? previous = null;
        foreach (var week in Weeks)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{week.IsoWeek}</td><td>{week.Monday:yyyy-MM-dd}</td>");
            foreach (var (column, _) in Measures)
            {
                var change = week.Change(column, previous);
                var css = change switch { > 0 => " class=\"up\"", < 0 => " class=\"down\"", _ => "" };
                html.Append(CultureInfo.InvariantCulture, $"<td{css}>{Encode(Cell(week, previous, column))}</td>");
            }
            html.Append("</tr>\n");
            previous = week;
        }
        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private string Chart(string column, string label)
    {
        const int Width = 320, Height = 160, Top = 16, Bottom = 28, Left = 8;
        var max = Math.Max(1, Weeks.Max(w => w.Values[column]));
        var slot = (double)(Width - 2 * Left) / Weeks.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure data-measure=\"{column}\"><figcaption>{Encode(label)}</figcaption>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(label)} per week\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Left}\" y2=\"{Height - Bottom}\"/>\n");
        for (var i = 0; i < Weeks.Count; i++)
        {
            var value = Weeks[i].Values[column];
            var h = (Height - Top - Bottom) * (double)value / max;
            var x = Left + i * slot + slot * 0.15;
            var y = Height - Bottom - h;
            svg.Append(string.Create(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" data-week=\"{Weeks[i].IsoWeek}\" data-value=\"{value}\" x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{h:0.#}\"><title>{Weeks[i].IsoWeek}: {value:N0}</title></rect>\n"));
            svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x + slot * 0.35:0.#}\" y=\"{Height - Bottom + 12}\" text-anchor=\"middle\">W{Weeks[i].IsoWeek[^2..]}</text>\n"));
            if (value > 0) svg.Append(string.Create(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{x + slot * 0.35:0.#}\" y=\"{y - 3:0.#}\" text-anchor=\"middle\">{value:N0}</text>\n"));
        }
        svg.Append("</svg></figure>\n");
        return svg.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
