using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Tests.Query.Catalog;
using Analytics.Tests.Query.Scenarios;

namespace Analytics.Tests.Query.Reports;

/// <summary>
/// dashboards/grafana: each dashboard checks against Grafana's published dashboard schema (tests/grafana: @grafana/schema's
/// Dashboard type and the Athena data source's query model, with TypeScript's compiler); each panel's and variable's SQL,
/// its macros expanded as the Athena data source expands them (grafana/athena-datasource pkg/athena/macros.go) and
/// Grafana's variables put in, bounds event_time and the dt partition, parses as Trino, and on the BI views over the
/// dashboard's hand-built incident answers what the story says.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    private static readonly string Folder = Path.Combine(Some.RepoRoot, "dashboards", "grafana");
    private static readonly object Install = new();

    private static IEnumerable<string> Dashboards => Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal);

    private static IEnumerable<(string Name, string Sql)> Queries(string file)
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
        foreach (var panel in dashboard["panels"]!.AsArray())
            foreach (var target in panel!["targets"]!.AsArray())
                yield return ($"{Path.GetFileName(file)}: panel '{panel["title"]}'", (string)target!["rawSQL"]!);
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().Where(v => (string)v!["type"]! == "query"))
            yield return ($"{Path.GetFileName(file)}: variable '{variable!["name"]}'", (string)variable["query"]!["rawSQL"]!);
    }

    // What the Athena data source sends for a range [from, to] and the variables' values ('__all' is the dashboard's "All").
    private static string Expand(string sql, DateTime from, DateTime to, string account = "__all", string cluster = "__all", string service = "__all")
    {
        string Ts(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        sql = TimeFilter().Replace(sql, m => $"{m.Groups[1].Value} BETWEEN TIMESTAMP '{Ts(from)}' AND TIMESTAMP '{Ts(to)}'");
        sql = TimeGroup().Replace(sql, m =>
        {
            var seconds = (long)(m.Groups[3].Value switch { "s" => 1, "m" => 60, "h" => 3600, _ => 86400 }) * long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            return $"FROM_UNIXTIME(FLOOR(TO_UNIXTIME({m.Groups[1].Value})/{seconds})*{seconds})";
        });
        return sql.Replace("${__from:date:iso}", from.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${__to:date:iso}", to.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$account", account, StringComparison.Ordinal).Replace("$cluster", cluster, StringComparison.Ordinal).Replace("$service", service, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\$__timeFilter\(([a-z_]+)\)")]
    private static partial Regex TimeFilter();

    [GeneratedRegex(@"\$__timeGroup\(([a-z_]+),\s*'(\d+)([smhd])'\)")]
    private static partial Regex TimeGroup();

    [Fact]
    public void EveryDashboard_ChecksAgainstGrafanasPublishedSchema()
    {
        var folder = Path.Combine(Some.RepoRoot, "tests", "grafana");
        lock (Install)
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@grafana", "schema"))) Tools.Run("npm", "ci --no-audit --no-fund", folder);
        var files = Dashboards.ToList();
        Assert.NotEmpty(files);
        var results = JsonNode.Parse(Tools.Run("node", "check.mjs " + string.Join(' ', files.Select(f => $"\"{f}\"")), folder))!.AsArray();
        Assert.Equal(files.Count, results.Count);
        foreach (var result in results)
            Assert.True(result!["errors"]!.AsArray().Count == 0, $"{result["file"]}: {result["errors"]!.ToJsonString()}");
        // And the checker does fail a wrong dashboard: a panel with a misspelt key, a query with an unknown format.
        using var temp = Some.TempFolder();
        var wrong = temp.Sub("wrong.json");
        File.WriteAllText(wrong, File.ReadAllText(files[0]).Replace("\"gridPos\"", "\"gridPoz\"", StringComparison.Ordinal).Replace("\"format\": 1", "\"format\": 7", StringComparison.Ordinal));
        var errors = JsonNode.Parse(Tools.Run("node", $"check.mjs \"{wrong}\"", folder))!.AsArray()[0]!["errors"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Contains(errors, e => e.Contains("'\"gridPoz\"' does not exist", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Type '7' is not assignable", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryQuery_BoundsTimeAndPartition_AndParsesAsTrinoOnceExpanded()
    {
        var queries = Dashboards.SelectMany(Queries).ToList();
        Assert.True(queries.Count >= 12, $"{queries.Count} queries");
        foreach (var (name, sql) in queries)
        {
            // Every read of a view is bounded twice: event_time by the range, dt by the range's UTC days (without the dt
            // predicate Athena reads every partition).
            var reads = Regex.Count(sql, @"\bFROM bi_[a-z_]+");
            Assert.True(reads > 0, $"{name} reads no BI view");
            Assert.Equal(reads, Regex.Count(sql, @"\$__timeFilter\(event_time\)"));
            Assert.Equal(reads, Regex.Count(sql, Regex.Escape("dt BETWEEN substr('${__from:date:iso}', 1, 10) AND substr('${__to:date:iso}', 1, 10)")));
        }
        var results = TrinoParseTests.Parse(queries.Select(q => (q.Name, Expand(q.Sql, new DateTime(2026, 11, 2, 13, 30, 0), new DateTime(2026, 11, 2, 15, 0, 0), service: "search"))));
        Assert.Equal(queries.Count, results.Count);
        foreach (var result in results)
            Assert.True(result!["errors"]!.AsArray().Count == 0, $"{result["name"]}: {result["errors"]!.ToJsonString()}");
    }

    [Fact]
    public async Task ThePanels_OnTheBiViews_SayWhatTheIncidentSays()
    {
        await using var s = await DashboardTests.Incident().BuildAsync();
        var panels = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "analytics-athena.json")))!["panels"]!.AsArray()
            .ToDictionary(p => (string)p!["title"]!, p => (string)p!["targets"]![0]!["rawSQL"]!);
        async Task<List<Dictionary<string, object?>>> Run(string title, string service = "__all") =>
            await QueryLake.Rows(await s.Engine.RunSqlAsync(Expand(panels[title], new DateTime(2026, 11, 2, 13, 30, 0), new DateTime(2026, 11, 2, 15, 0, 0), service: service), [], CancellationToken.None));
        async Task<object?> Stat(string title, string service = "__all") => Assert.Single(Assert.Single(await Run(title, service)).Values);

        // As the dashboard page says it (DashboardTests), from the same story.
        Assert.Equal(3L, await Stat("Abnormal task stops"));
        Assert.Equal(1L, await Stat("Abnormal task stops", service: "search"));
        Assert.Equal(0.5, await Stat("Change failure rate"));
        Assert.Equal(1L, await Stat("Open AWS Health issues"));
        Assert.Equal(1L, await Stat("Open Support cases"));
        Assert.Equal(1L, await Stat("Trusted Advisor findings"));
        var byClass = await Run("Abnormal task stops by class");
        Assert.Equal([("essential_container_exited", 2L), ("out_of_memory", 1L)],
            byClass.GroupBy(r => (string)r["stop_class"]!).Select(g => (g.Key, g.Sum(r => (long)r["stops"]!))).OrderBy(g => g.Key, StringComparer.Ordinal));
        var timeline = await Run("Incident timeline");
        Assert.Equal(3, timeline.Count(r => (string?)r["source"] == "task stop"));
        Assert.Equal(6, timeline.Count(r => (string?)r["source"] == "deployment"));
        Assert.Contains(timeline, r => (string?)r["source"] == "AWS Health" && ((string)r["what"]!).Contains("AWS_ECS_OPERATIONAL_ISSUE open", StringComparison.Ordinal));
        Assert.Equal(2, timeline.Count(r => (string?)r["source"] == "Support case"));
        var pillars = Assert.Single(await Run("Trusted Advisor findings by pillar"));
        Assert.Equal(("fault_tolerance", 1L), ((string)pillars["category"]!, (long)pillars["findings"]!));
    }
}
