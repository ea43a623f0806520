using Analytics.Schemas.Views;
using Analytics.Tests.Query.Reports;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// The flat views for BI tools on DuckDB (the same SQL athena-setup creates in Athena), over the dashboard's hand-built
/// incident: what a BI tool counts from them is what the story says, and dashboards/README.md documents every column.
/// </summary>
public sealed class BiViewsTests
{
    private static async Task<List<Dictionary<string, object?>>> Rows(Scenario s, string sql) =>
        await QueryLake.Rows(await s.Engine.RunSqlAsync(sql, [], CancellationToken.None));

    private const string Window = "dt BETWEEN '2026-11-02' AND '2026-11-02' AND event_time >= TIMESTAMP '2026-11-02 13:30:00' AND event_time < TIMESTAMP '2026-11-02 15:00:00'";

    [Fact]
    public async Task TheViews_CountWhatTheIncidentSays()
    {
        await using var s = await DashboardTests.Incident().BuildAsync();

        // Three stopped tasks, all failures: payments' two essential container exits at 14:10 and 14:15, search's OOM kill at 14:50.
        var stops = await Rows(s, $"SELECT service_name, stop_class, event_time, is_failure, is_abnormal, account_id FROM bi_task_stops WHERE {Window} ORDER BY event_time");
        Assert.Equal([("payments", "essential_container_exited", At(14, 10)), ("payments", "essential_container_exited", At(14, 15)), ("search", "out_of_memory", At(14, 50))],
            stops.Select(r => ((string)r["service_name"]!, (string)r["stop_class"]!, (DateTime)r["event_time"]!)));
        Assert.All(stops, r => Assert.Equal((true, true, "123456789012"), ((bool)r["is_failure"]!, (bool)r["is_abnormal"]!, (string)r["account_id"]!)));

        // Two deployments started (ecs-svc/bad at 13:57, ecs-svc/s1 at 14:20), one rollback (14:40:05), one failure (14:40).
        var deployments = Assert.Single(await Rows(s, $"SELECT count_if(is_start) AS started, count_if(is_rollback) AS rollbacks, count_if(is_failure) AS failed FROM bi_deployment_events WHERE {Window}"));
        Assert.Equal((2L, 1L, 1L), ((long)deployments["started"]!, (long)deployments["rollbacks"]!, (long)deployments["failed"]!));

        var steady = Assert.Single(await Rows(s, $"SELECT service_name, event_time FROM bi_service_actions WHERE {Window} AND event_name = 'SERVICE_STEADY_STATE'"));
        Assert.Equal(("payments", At(14, 47)), ((string)steady["service_name"]!, (DateTime)steady["event_time"]!));

        // The operational issue published at 14:06 and open; the retirement scheduled (upcoming) for five days later; the
        // other account's RDS notice.
        var health = await Rows(s, $"SELECT event_type_code, event_type_category, status_code, start_time FROM bi_health_events WHERE {Window} ORDER BY event_time");
        Assert.Equal([("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(14, 5)), ("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "scheduledChange", "upcoming", Day.AddDays(5)),
                      ("AWS_RDS_MAINTENANCE_SCHEDULED", "accountNotification", "closed", At(14, 25))],
            health.Select(r => ((string)r["event_type_code"]!, (string)r["event_type_category"]!, (string)r["status_code"]!, (DateTime)r["start_time"]!)));

        // Two cases: the urgent one opened at 14:20 is open; the one opened at 13:40 was resolved at 14:52 (1.2 hours).
        var cases = await Rows(s, "SELECT severity_code, is_open, hours_to_resolve, dt FROM bi_support_cases ORDER BY event_time");
        Assert.Equal([("normal", false, (double?)1.2, "2026-11-02"), ("urgent", true, null, "2026-11-02")],
            cases.Select(r => ((string)r["severity_code"]!, (bool)r["is_open"]!, (double?)r["hours_to_resolve"], (string)r["dt"]!)));

        // The 14:10 refresh lists checkout (suppressed by the user: not a finding) and catalog (a finding), in the fault tolerance pillar.
        var advisor = await Rows(s, $"SELECT resource_id, category, check_name, is_finding FROM bi_advisor_findings WHERE {Window} ORDER BY resource_id");
        Assert.Equal([("B", "fault_tolerance", "Amazon ECS Multi-AZ Placement Strategy", false), ("C", "fault_tolerance", "Amazon ECS Multi-AZ Placement Strategy", true)],
            advisor.Select(r => ((string)r["resource_id"]!, (string)r["category"]!, (string)r["check_name"]!, (bool)r["is_finding"]!)));
    }

    [Fact]
    public async Task EveryView_IsFlat_AndDocumentedColumnByColumn()
    {
        await using var s = await new Scenario().RunningTask("api", At(10), out _).BuildAsync();
        foreach (var (view, columns) in BiViews.All)
        {
            var result = await s.Engine.RunSqlAsync($"SELECT * FROM {view.Name}", [], CancellationToken.None);
            Assert.Equal(columns.Select(c => c.Name), result.Schema.FieldsList.Select(f => f.Name));
            // No arrays, maps or structs: a BI tool reads every column as it is.
            Assert.All(result.Schema.FieldsList, f => Assert.False(f.DataType is Apache.Arrow.Types.NestedType, $"{view.Name}.{f.Name} is {f.DataType.Name}"));
            Assert.Contains("dt", view.Columns);
            Assert.Contains("event_time", view.Columns);
        }
        var readme = await File.ReadAllTextAsync(Path.Combine(Some.RepoRoot, "dashboards", "README.md"));
        Assert.Contains(BiViews.Markdown(), readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }
}
