using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Query.Reports.Charts;

/// <summary>
/// The pieces of a self-contained page with charts: Apache ECharts (pinned, inlined: no network, no CDN), a content
/// security policy that forbids every request, light and dark as the reader's system prefers, and each chart as a
/// figure with a title, labelled axes, ECharts' aria description and a table of its numbers. A chart is an ECharts
/// option written here; the page's one script draws them all (SVG, UTC times), and narrows the figures marked
/// filterable to the account, cluster and service chosen in the page.
/// </summary>
internal static class ChartPage
{
    private static readonly Lazy<string> Library = new(() => Resource("charts/echarts.common.min.js"));

    /// <summary>The ECharts version inlined (its npm package's).</summary>
    public static string LibraryVersion { get; } = Resource("charts/VERSION").Trim();

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource {name} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>HTML-encodes <paramref name="text"/>.</summary>
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>The document's start: its policy (no request of any kind; inline script and style only), title and the shared style, then <paramref name="css"/>.</summary>
    public static string Head(string title, string css = "") =>
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'\">\n"
        + $"<title>{Encode(title)}</title>\n"
        + "<style>:root{color-scheme:light dark;--fg:#222;--bg:#fff;--muted:#555;--line:#ddd;--card:#f6f7f9;--up:#a33;--down:#2a7}"
        + "@media (prefers-color-scheme:dark){:root{--fg:#ddd;--bg:#121417;--muted:#aaa;--line:#333;--card:#1c1f24;--up:#f08080;--down:#5fc48a}}"
        + "body{font-family:system-ui,sans-serif;margin:2rem;color:var(--fg);background:var(--bg)}"
        + "table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}td,th{padding:.25rem .6rem;border-bottom:1px solid var(--line);text-align:right}td{white-space:nowrap}"
        + "th:first-child,td:first-child{text-align:left}.up{color:var(--up)}.down{color:var(--down)}"
        + "figure{margin:0 0 1.5rem;min-width:0}figcaption{font-weight:600;margin-bottom:.25rem}.chart{width:100%;height:300px}"
        + ".source{color:var(--muted);font-size:.8rem;margin:.25rem 0;overflow-wrap:anywhere}details summary{cursor:pointer;color:var(--muted);font-size:.85rem}"
        + ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1.5rem}"
        + css + "</style>\n</head>\n<body>\n";

    /// <summary>A chart's figure: its caption, the drawing area (described for screen readers), the table of its numbers, and where its numbers came from.</summary>
    /// <param name="id">The chart's id in the page's data.</param>
    /// <param name="title">Its title.</param>
    /// <param name="description">What it shows, for screen readers.</param>
    /// <param name="table">The table of its numbers (HTML).</param>
    /// <param name="sources">Where its numbers came from (HTML), one block each.</param>
    /// <param name="height">The drawing's height in pixels.</param>
    public static string Figure(string id, string title, string description, string table, IEnumerable<string> sources, int height = 300) =>
        $"<figure data-figure=\"{Encode(id)}\"><figcaption>{Encode(title)}</figcaption>\n"
        + string.Create(CultureInfo.InvariantCulture, $"<div class=\"chart\" data-chart=\"{Encode(id)}\" style=\"height:{height}px\" role=\"img\" aria-label=\"{Encode(title + ": " + description)}\"></div>\n")
        + $"<details><summary>Numbers</summary>\n{table}</details>\n"
        + string.Concat(sources.Select(s => $"<div class=\"source\">{s}</div>\n"))
        + "</figure>\n";

    /// <summary>A table: a header row of <paramref name="headers"/>, and <paramref name="rows"/> (already HTML), each with its attributes.</summary>
    public static string Table(IEnumerable<string> headers, IEnumerable<(string Attributes, IEnumerable<string> Cells)> rows)
    {
        var html = new StringBuilder("<table>\n<thead><tr>");
        foreach (var h in headers) html.Append("<th>").Append(Encode(h)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (attributes, cells) in rows)
        {
            html.Append("<tr").Append(attributes.Length == 0 ? "" : " " + attributes).Append('>');
            foreach (var c in cells) html.Append("<td>").Append(c).Append("</td>");
            html.Append("</tr>\n");
        }
        return html.Append("</tbody>\n</table>\n").ToString();
    }

    /// <summary>The document's end: the library, the charts' options (<paramref name="charts"/>, by id), and the script that draws them.</summary>
    public static string End(IReadOnlyDictionary<string, JsonNode> charts)
    {
        var data = new JsonObject();
        foreach (var (id, option) in charts) data[id] = option.DeepClone();
        // "</" cannot close the script element inside the JSON.
        var json = data.ToJsonString(new JsonSerializerOptions { WriteIndented = false }).Replace("</", "<\\/", StringComparison.Ordinal);
        return "<script>\n" + Library.Value + "\n</script>\n"
            + "<script type=\"application/json\" id=\"chart-data\">" + json + "</script>\n"
            + "<script>\n" + Boot + "\n</script>\n</body>\n</html>\n";
    }

    // Draws every [data-chart] from its option. A series may carry `spans` ({from, to, lane, ...}) instead of data: each
    // becomes a segment of a thick line. A data item's or span's cluster, service and account narrow it with the page's
    // filters (an item without one is account- or cluster-wide and always kept); so do table rows' data-cluster,
    // data-service and data-account. Tooltips show an item's `tip`. window.analyticsCharts holds the charts (tests read it).
    private const string Boot = """
        (() => {
          const options = JSON.parse(document.getElementById('chart-data').textContent);
          const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
          const filters = {};
          const keep = item => item === null || typeof item !== 'object' || Object.entries(filters).every(([k, v]) => !v || item[k] == null || item[k] === v);
          const tip = p => p.data && p.data.tip ? echarts.format.encodeHTML(p.data.tip) : echarts.format.encodeHTML(p.seriesName + ': ' + (Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value));
          const build = option => {
            const o = structuredClone(option);
            o.useUTC = true;
            o.backgroundColor = 'transparent';
            o.aria = { enabled: true };
            o.animation = false;
            o.tooltip = Object.assign({ confine: true, formatter: tip }, o.tooltip || {});
            if (o.tooltip.trigger === 'axis') delete o.tooltip.formatter;
            for (const s of o.series || []) {
              if (s.spans) {
                s.data = s.spans.filter(keep).flatMap(span => [Object.assign({}, span, { value: [span.from, span.lane] }), Object.assign({}, span, { value: [span.to, span.lane] }), '-']);
                delete s.spans;
              } else if (s.filterable) {
                s.data = s.data.filter(keep);
              }
            }
            return o;
          };
          const charts = {};
          for (const el of document.querySelectorAll('[data-chart]')) {
            const chart = echarts.init(el, dark ? 'dark' : null, { renderer: 'svg' });
            chart.setOption(build(options[el.dataset.chart]));
            charts[el.dataset.chart] = chart;
          }
          window.analyticsCharts = charts;
          window.addEventListener('resize', () => Object.values(charts).forEach(c => c.resize()));
          for (const select of document.querySelectorAll('select[data-filter]')) {
            select.addEventListener('change', () => {
              filters[select.dataset.filter] = select.value || null;
              for (const [id, chart] of Object.entries(charts))
                if (options[id].filterable) chart.setOption(build(options[id]), { replaceMerge: ['series'] });
              for (const row of document.querySelectorAll('tr[data-cluster], tr[data-service], tr[data-account]'))
                row.hidden = !keep({ cluster: row.dataset.cluster, service: row.dataset.service, account: row.dataset.account });
            });
          }
        })();
        """;
}
