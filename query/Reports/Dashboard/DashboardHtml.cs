using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Query.Reports.Rows;
using Analytics.Schemas.Semantics;
using static Analytics.Query.Reports.Charts.ChartPage;

namespace Analytics.Query.Reports.Dashboard;

/// <summary>
/// The dashboard as one self-contained HTML page: the window's tiles, one incident timeline across sources (zoomable,
/// narrowed in the page by account, cluster and service), the cluster's state over time, Trusted Advisor by pillar, and
/// the weekly trends around the window. Every figure names the catalog query and parameters that made it.
/// </summary>
internal static class DashboardHtml
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The timeline's lanes, top to bottom, after the task failure lanes (one per abnormal stop class seen).</summary>
    private static readonly string[] Lanes = ["Deployments", "Service actions", "Container instances", "AWS Health", "Support cases"];

    /// <summary>The page.</summary>
    public static string Write(DashboardData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var scope = data.Service is not null ? $"service {data.Service}" : data.Cluster is not null ? $"cluster {data.Cluster}" : "all clusters and services";
        var title = $"Incident dashboard, {data.From:yyyy-MM-dd HH:mm} to {data.To:yyyy-MM-dd HH:mm} UTC";
        var html = new StringBuilder(Head(title,
            ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:1rem;margin-bottom:1.5rem}"
            + ".tile{background:var(--card);border-radius:6px;padding:.75rem 1rem}.tile h3{margin:0;font-size:.9rem;font-weight:600}"
            + ".tile .value{font-size:1.8rem;margin:.25rem 0}.tile ul{margin:0;padding-left:1.1rem;font-size:.85rem;overflow-wrap:anywhere}"
            + ".filters{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0 1rem}.filters label{font-size:.9rem}"));
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Encode(title)}</h1>\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>{Encode(scope)}, on {Encode(data.Engine)}. Times are UTC. Each figure names the catalog query and parameters that made it: rerun them with <code>run</code>. Charts are drawn by Apache ECharts {Encode(LibraryVersion)}, inlined.</p>\n");

        html.Append("<h2>The window</h2>\n<div class=\"tiles\">\n");
        foreach (var tile in data.Tiles)
        {
            var number = tile.Number is { } n ? n.ToString("R", CultureInfo.InvariantCulture) : "";
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\" data-tile=\"{tile.Id}\"><h3>{Encode(tile.Title)}</h3><p class=\"value\" data-value=\"{number}\">{Encode(tile.Value)}</p>\n<ul>");
            foreach (var line in tile.Lines) html.Append("<li>").Append(Encode(line)).Append("</li>");
            html.Append("</ul>\n");
            foreach (var source in tile.Sources) html.Append("<div class=\"source\">").Append(SourceHtml(source)).Append("</div>\n");
            html.Append("</div>\n");
        }
        html.Append("</div>\n");

        var charts = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        html.Append("<h2>Timeline</h2>\n").Append(Filters(data));
        html.Append(Timeline(data, charts));
        html.Append("<h2>Cluster state</h2>\n<div class=\"charts\">\n").Append(RunningTasks(data, charts)).Append(ContainerInstances(data, charts)).Append("</div>\n");
        html.Append("<h2>Trusted Advisor</h2>\n").Append(Advisor(data, charts));
        html.Append(CultureInfo.InvariantCulture, $"<h2>Trends, {data.Weeks[0].IsoWeek} to {data.Weeks[^1].IsoWeek}</h2>\n<div class=\"charts\">\n").Append(Trends(data, charts)).Append("</div>\n");
        html.Append(End(charts));
        return html.ToString();
    }

    // The query's name, what Athena scanned, and the command that reruns it (folded: a reader opens it when they need it).
    private static string SourceHtml(FigureSource source) =>
        $"<details><summary>from <code>{Encode(source.Query)}</code>{(source.Scan.Length == 0 ? "" : " · " + Encode(source.Scan))}</summary><code>{Encode(source.Rerun)}</code></details>";

    private static IEnumerable<string> Sources(DashboardData data, string id) => data.Sources[id].Select(SourceHtml);

    private static long Ms(DateTime t) => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private static string Time(DateTime? t) => t is { } v ? v.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";

    private static JsonNode Node(object value) => JsonSerializer.SerializeToNode(value, Json)!;

    private static string Attributes(string? cluster, string? service, string? account) =>
        string.Join(' ', new[] { ("cluster", cluster), ("service", service), ("account", account) }.Where(a => a.Item2 is not null).Select(a => $"data-{a.Item1}=\"{Encode(a.Item2)}\""));

    // The page's filters: the accounts, clusters and services the window's rows name.
    private static string Filters(DashboardData data)
    {
        var clusters = data.Timeline.Select(r => r.ClusterName).Concat(data.Deployments.Select(d => d.ClusterName)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var services = data.Timeline.Select(r => r.ServiceName).Concat(data.Deployments.Select(d => d.ServiceName)).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var accounts = data.Timeline.Select(r => r.AccountId).Concat(data.Deployments.Select(d => d.AccountId)).Concat(data.Health.Select(Account))
            .OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var html = new StringBuilder("<div class=\"filters\">");
        foreach (var (name, values) in new[] { ("account", accounts), ("cluster", clusters), ("service", services) })
        {
            html.Append(CultureInfo.InvariantCulture, $"<label>{name} <select data-filter=\"{name}\"><option value=\"\">all</option>");
            foreach (var v in values) html.Append(CultureInfo.InvariantCulture, $"<option>{Encode(v)}</option>");
            html.Append("</select></label>");
        }
        return html.Append("</div>\n").ToString();
    }

    // A Health event's one affected account, when it names exactly one (a PUBLIC event names none).
    private static string? Account(HealthImpactRow h) => h.AffectedAccounts is { Length: > 0 } a && !a.Contains(',', StringComparison.Ordinal) ? a.Trim() : null;

    private static string Timeline(DashboardData data, Dictionary<string, JsonNode> charts)
    {
        var (from, to) = (data.From, data.To);
        var stopLanes = data.Timeline.Where(r => r.Source == "ecs_task" && StopClass.IsAbnormal(r.Kind)).Select(r => r.Kind!).Distinct()
            .OrderBy(k => StopClass.Abnormal.ToList().IndexOf(k)).Select(k => "Tasks: " + k).ToList();
        // ECharts draws a category axis bottom up: the first lane listed is the lowest.
        var lanes = stopLanes.Concat(Lanes).Reverse().ToList();
        var series = new List<object>();
        var rows = new List<(DateTime At, DateTime? Until, string Lane, string What, string? Cluster, string? Service, string? Account)>();

        foreach (var group in data.Timeline.GroupBy(r => Lane(r)).Where(g => g.Key is not null))
        {
            series.Add(new
            {
                name = group.Key, type = "scatter", symbolSize = 9, filterable = true,
                data = group.Select(r => new { value = new object[] { Ms(r.EventTime!.Value), group.Key! }, tip = $"{Time(r.EventTime)} {r.Summary}", cluster = r.ClusterName, service = r.ServiceName, account = r.AccountId }).ToList(),
            });
            rows.AddRange(group.Select(r => (r.EventTime!.Value, (DateTime?)null, group.Key!, r.Summary ?? "", r.ClusterName, r.ServiceName, r.AccountId)));
        }
        // Deployments as spans from start to end (to the window's end when under way), one series per outcome.
        foreach (var group in data.Deployments.Where(d => d.StartedAt is not null).GroupBy(d => d.IsRollback is true ? "rollback" : d.Outcome ?? "unknown"))
        {
            series.Add(new
            {
                name = $"deployment {group.Key}", type = "line", lineStyle = new { width = 8 }, showSymbol = false, connectNulls = false,
                color = group.Key switch { "failed" => "#d9534f", "completed" => "#4caf50", "rollback" => "#f0ad4e", _ => "#5b8def" },
                spans = group.Select(d => new
                {
                    from = Ms(Max(d.StartedAt!.Value, from)), to = Ms(Min(d.EndedAt ?? to, to)), lane = "Deployments",
                    tip = $"{d.ServiceName} {d.DeploymentId}: {group.Key}, {Time(d.StartedAt)} to {(d.EndedAt is null ? "after the window" : Time(d.EndedAt))}"
                        + (d.RolledBackBy is null ? "" : $", rolled back by {d.RolledBackBy}") + (d.RollsBack is null ? "" : $", rolls back {d.RollsBack}"),
                    cluster = d.ClusterName, service = d.ServiceName, account = d.AccountId,
                }).ToList(),
            });
            rows.AddRange(group.Select(d => (Max(d.StartedAt!.Value, from), (DateTime?)Min(d.EndedAt ?? to, to), "Deployments",
                $"{d.DeploymentId} {group.Key}" + (d.LastReason is null ? "" : $": {d.LastReason}"), d.ClusterName, d.ServiceName, d.AccountId)));
        }
        // Health events as spans from their start to their end (to the window's end when still open); a scheduled change
        // that starts after the window has no span in it (its tile lists it, and its publication is a point).
        foreach (var group in data.Health.Where(h => h.StartTime is null || h.StartTime < to).GroupBy(h => h.StatusCode ?? "unknown"))
        {
            series.Add(new
            {
                name = $"Health {group.Key}", type = "line", lineStyle = new { width = 8, opacity = 0.6 }, showSymbol = false, connectNulls = false,
                spans = group.Select(h => new
                {
                    from = Ms(Max(h.StartTime ?? from, from)), to = Ms(Min(h.EndTime ?? to, to)), lane = "AWS Health",
                    tip = $"{h.Service} {h.EventTypeCode} ({h.EventTypeCategory}, {h.StatusCode}) in {h.EventRegion}: {h.AffectedEntities ?? 0} affected entities, {h.OverlappingTaskFailures} overlapping task failures",
                    account = Account(h),
                }).ToList(),
            });
            rows.AddRange(group.Select(h => (Max(h.StartTime ?? from, from), (DateTime?)Min(h.EndTime ?? to, to), "AWS Health",
                $"{h.Service} {h.EventTypeCode} {h.StatusCode}: {h.AffectedEntities ?? 0} affected entities", (string?)null, (string?)null, Account(h))));
        }
        charts["timeline"] = Node(new
        {
            filterable = true,
            grid = new { left = 170, right = 30, top = 56, bottom = 80 },
            legend = new { type = "scroll", top = 0 },
            xAxis = new { type = "time", min = Ms(from), max = Ms(to), name = "time (UTC)", nameLocation = "middle", nameGap = 28 },
            yAxis = new { type = "category", data = lanes, name = "source", axisLabel = new { interval = 0 } },
            dataZoom = new object[] { new { type = "inside", xAxisIndex = 0, filterMode = "weakFilter" }, new { type = "slider", xAxisIndex = 0, filterMode = "weakFilter", bottom = 10, height = 20 } },
            series,
        });
        var table = Table(["time", "until", "lane", "what", "cluster", "service"], rows.OrderBy(r => r.At).ThenBy(r => r.Lane, StringComparer.Ordinal)
            .Select(r => (Attributes(r.Cluster, r.Service, r.Account), (IEnumerable<string>)[Time(r.At), Time(r.Until), Encode(r.Lane), Encode(r.What), Encode(r.Cluster), Encode(r.Service)])));
        return Figure("timeline", "Incident timeline across sources",
            $"{data.Timeline.Count} events, {data.Deployments.Count} deployments and {data.Health.Count} AWS Health events in lanes over the window; drag or scroll to zoom",
            table, Sources(data, "timeline"), height: 120 + 34 * lanes.Count);
    }

    // The timeline lane of an incident-timeline row: a task's abnormal stop class (normal stops are left out), or its source.
    private static string? Lane(TimelineRow r) => r.Source switch
    {
        "ecs_task" => StopClass.IsAbnormal(r.Kind) ? "Tasks: " + r.Kind : null,
        "ecs_deployment" => "Deployments",
        "ecs_service" => "Service actions",
        "ecs_container_instance" => "Container instances",
        "health" => "AWS Health",
        "support" => "Support cases",
        _ => null,
    };

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static string RunningTasks(DashboardData data, Dictionary<string, JsonNode> charts)
    {
        var tasks = data.ClusterState.Where(r => r.Kind == "tasks").ToList();
        var groups = tasks.GroupBy(r => (r.ClusterName, r.ServiceName, r.TaskRevision)).ToList();
        charts["running-tasks"] = StepChart(data, "running tasks",
            groups.Select(g => ($"{g.Key.ServiceName}:{g.Key.TaskRevision}" + (data.Cluster is null ? $" ({g.Key.ClusterName})" : ""), g.Key.ClusterName, g.Key.ServiceName, (IEnumerable<ClusterStateRow>)g)));
        var table = Table(["cluster", "service", "revision", "since", "running"], tasks.Select(r => (Attributes(r.ClusterName, r.ServiceName, null),
            (IEnumerable<string>)[Encode(r.ClusterName), Encode(r.ServiceName), r.TaskRevision?.ToString(CultureInfo.InvariantCulture) ?? "", Time(r.Since), r.Total.ToString("N0", CultureInfo.InvariantCulture)])));
        return Figure("running-tasks", "Running tasks per service and task definition revision",
            $"{groups.Count} series of running tasks over the window, as steps; a deployment shows as one revision giving way to the next", table, Sources(data, "running-tasks"));
    }

    private static string ContainerInstances(DashboardData data, Dictionary<string, JsonNode> charts)
    {
        var instances = data.ClusterState.Where(r => r.Kind == "instances").ToList();
        var groups = instances.GroupBy(r => (r.ClusterName, r.InstanceStatus)).ToList();
        charts["container-instances"] = StepChart(data, "container instances",
            groups.Select(g => ((g.Key.InstanceStatus == "INACTIVE" ? "INACTIVE (deregistered)" : g.Key.InstanceStatus) + (data.Cluster is null ? $" ({g.Key.ClusterName})" : ""),
                g.Key.ClusterName, (string?)null, (IEnumerable<ClusterStateRow>)g)));
        var table = Table(["cluster", "status", "since", "instances"], instances.Select(r => (Attributes(r.ClusterName, null, null),
            (IEnumerable<string>)[Encode(r.ClusterName), Encode(r.InstanceStatus), Time(r.Since), r.Total.ToString("N0", CultureInfo.InvariantCulture)])));
        return Figure("container-instances", "Container instances by status",
            instances.Count == 0 ? "no container instance changed in the window or its look-back (Fargate only)" : $"{groups.Count} statuses over the window, as steps",
            table, Sources(data, "container-instances"));
    }

    // cluster-state's series as steps over the window (each value holds until the series' next row), counted on the y axis.
    private static JsonNode StepChart(DashboardData data, string counted, IEnumerable<(string Name, string? Cluster, string? Service, IEnumerable<ClusterStateRow> Rows)> series) => Node(new
    {
        filterable = true,
        tooltip = new { trigger = "axis" },
        legend = new { type = "scroll", top = 0 },
        grid = new { left = 50, right = 20, top = 64, bottom = 50 },
        xAxis = new { type = "time", min = Ms(data.From), max = Ms(data.To), name = "time (UTC)", nameLocation = "middle", nameGap = 28 },
        yAxis = new { type = "value", name = counted, minInterval = 1 },
        series = series.Select(x => new
        {
            name = x.Name, type = "line", step = "end", showSymbol = false, filterable = true,
            data = x.Rows.OrderBy(r => r.Since).Select(r => new { value = new object[] { Ms(r.Since!.Value), r.Total }, cluster = x.Cluster, service = x.Service }).ToList(),
        }).ToList(),
    });

    private static string Advisor(DashboardData data, Dictionary<string, JsonNode> charts)
    {
        var pillars = data.Advisor.Select(a => a.Pillar.Replace('_', ' ')).ToList();
        charts["trusted-advisor"] = Node(new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0 },
            grid = new { left = 50, right = 20, top = 64, bottom = 50 },
            xAxis = new { type = "category", data = pillars, name = "pillar", nameLocation = "middle", nameGap = 28 },
            yAxis = new { type = "value", name = "findings", minInterval = 1 },
            series = new object[]
            {
                new { name = "new", type = "bar", data = data.Advisor.Select(a => a.New).ToList() },
                new { name = "resolved", type = "bar", data = data.Advisor.Select(a => a.Resolved).ToList() },
                new { name = "suppressed", type = "bar", data = data.Advisor.Select(a => a.Suppressed).ToList() },
            },
        });
        var table = Table(["pillar", "new", "resolved", "suppressed"], data.Advisor.Select(a => ("",
            (IEnumerable<string>)[Encode(a.Pillar.Replace('_', ' ')), a.New.ToString("N0", CultureInfo.InvariantCulture), a.Resolved.ToString("N0", CultureInfo.InvariantCulture), a.Suppressed.ToString("N0", CultureInfo.InvariantCulture)])));
        return Figure("trusted-advisor", "Trusted Advisor findings by pillar in the window", "new, resolved and suppressed findings per pillar", table, Sources(data, "trusted-advisor"));
    }

    private static string Trends(DashboardData data, Dictionary<string, JsonNode> charts)
    {
        var html = new StringBuilder();
        var weeks = data.Weeks.Select(w => w.IsoWeek).ToList();
        foreach (var (id, title, unit, measures) in TrendCharts)
        {
            charts[id] = Node(new
            {
                tooltip = new { trigger = "axis" },
                legend = new { type = "scroll", top = 0 },
                grid = new { left = 50, right = 20, top = 64, bottom = 50 },
                xAxis = new { type = "category", data = weeks, name = "ISO week", nameLocation = "middle", nameGap = 28 },
                yAxis = new { type = "value", name = unit, minInterval = 1, min = 0 },
                series = measures.Select(m => new { name = m.Label, type = "bar", stack = measures.Length > 1 && unit == "tasks" ? "all" : null, data = data.Weeks.Select(w => w.Row is null ? 0 : m.Of(w.Row)).ToList() }).ToList(),
            });
            var table = Table(["week", .. measures.Select(m => m.Label)], data.Weeks.Select(w => ("",
                (IEnumerable<string>)[w.IsoWeek, .. measures.Select(m => (w.Row is null ? 0 : m.Of(w.Row)).ToString("N0", CultureInfo.InvariantCulture))])));
            html.Append(Figure(id, title, $"{string.Join(", ", measures.Select(m => m.Label))} per ISO week, in {unit}; a week without any is drawn as zero", table, Sources(data, "trends")));
        }
        return html.ToString();
    }

    private static readonly (string Id, string Title, string Unit, Weekly.WeeklyReport.Measure[] Measures)[] TrendCharts =
    [
        ("trend-failures", "Abnormal task stops per week", "tasks", [.. Weekly.WeeklyReport.Measures.Where(m => m.Unit == "tasks")]),
        ("trend-deployments", "Deployments per week", "deployments", [.. Weekly.WeeklyReport.Measures.Where(m => m.Unit == "deployments")]),
        ("trend-health", "AWS Health events per week", "events", [.. Weekly.WeeklyReport.Measures.Where(m => m.Unit == "events")]),
        ("trend-support", "Support cases opened per week", "cases", [.. Weekly.WeeklyReport.Measures.Where(m => m.Unit == "cases")]),
    ];
}
