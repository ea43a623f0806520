using System.Globalization;
using System.Text.Json;
using Analytics.Query.Catalog;

namespace Analytics.Tests.Query.Engines;

/// <summary>
/// Every catalog query over two generated weeks, its answer compared with one computed here from the raw
/// generated JSON (distinct event ids, highest detail.version per task), without the normalizers or SQL.
/// </summary>
[Collection(nameof(QueryLake))]
public sealed class CatalogAnswersTests(QueryLake lake)
{
    private static string? Service(JsonElement task)
    {
        var group = task.GetProperty("group").GetString();
        return group is not null && group.StartsWith("service:", StringComparison.Ordinal) ? group[8..] : group;
    }


    private static DateTime Time(JsonElement e, string name) => DateTime.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private List<JsonElement> Stopped() => lake.LatestTaskStates().Where(t => QueryLake.Str(t, "lastStatus") == "STOPPED").ToList();

    [Fact]
    public async Task EveryCatalogQuery_RunsOnDuckDbOverTheLake()
    {
        foreach (var query in QueryCatalog.Default.Queries)
        {
            var rows = await lake.RunAsync(query.Name, QueryLake.WholeRange);
            Assert.True(rows.Count > 0, $"{query.Name} returned no rows over two generated weeks");
        }
    }

    [Fact]
    public async Task EveryCatalogQuery_RedeliveriesAndReversedVersions_ChangeNoAnswer()
    {
        // Everything delivered twice, the first time with each object's records reversed. Row counts in the
        // lake are the same; so must every answer be (source_object is the only thing that may differ, and no
        // query returns it).
        foreach (var query in QueryCatalog.Default.Queries)
        {
            var once = await lake.RunAsync(query.Name, QueryLake.WholeRange);
            var twice = await QueryLake.RunOnAsync(lake.Redelivered, query.Name, QueryLake.WholeRange);
            Assert.True(once.Count > 0);
            Assert.Equal(Text(once), Text(twice));
        }

        static List<string> Text(List<Dictionary<string, object?>> rows) =>
            rows.Select(r => string.Join("|", r.Select(c => $"{c.Key}={Analytics.Query.Engines.Cells.Text(c.Value)}"))).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task TaskStopReasons_CountsEachTaskOnceAtItsFinalState()
    {
        var expected = Stopped().GroupBy(t => (Service(t), QueryLake.Str(t, "stopCode"))).ToDictionary(g => g.Key, g => (long)g.Count());
        var rows = await lake.RunAsync("task-stop-reasons", QueryLake.WholeRange);
        var actual = rows.GroupBy(r => ((string?)r["service_name"], (string?)r["stop_code"])).ToDictionary(g => g.Key, g => g.Sum(r => (long)r["tasks"]!));
        Assert.Equal(expected.OrderBy(k => k.Key.ToString()), actual.OrderBy(k => k.Key.ToString()));
        Assert.Contains(rows, r => (string?)r["stop_code"] == "EssentialContainerExited" && (string?)r["reason_family"] == "Essential container in task exited");
    }

    [Fact]
    public async Task TaskStopReasons_ServiceFilter_KeepsOnlyThatService()
    {
        var rows = await lake.RunAsync("task-stop-reasons", [.. QueryLake.WholeRange, ("service", "payments")]);
        Assert.Equal(Stopped().Count(t => Service(t) == "payments"), rows.Sum(r => (long)r["tasks"]!));
        Assert.All(rows, r => Assert.Equal("payments", r["service_name"]));
    }

    [Fact]
    public async Task OomKills_CountsEachKilledContainerOnce()
    {
        var expected = lake.Events_("ECS Task State Change")
            .SelectMany(e => e.Detail.GetProperty("containers").EnumerateArray()
                .Where(c => QueryLake.Str(c, "reason")?.StartsWith("OutOfMemoryError", StringComparison.Ordinal) == true)
                .Select(c => (e.Detail.GetProperty("taskArn").GetString(), QueryLake.Str(c, "name"))))
            .Distinct().Count();
        var rows = await lake.RunAsync("oom-kills", QueryLake.WholeRange);
        Assert.True(expected > 0);
        Assert.Equal(expected, rows.Sum(r => (long)r["oom_kills"]!));
    }

    [Fact]
    public async Task SpotInterruptions_ByAvailabilityZone()
    {
        var expected = Stopped().Where(t => QueryLake.Str(t, "stopCode") == "SpotInterruption")
            .GroupBy(t => QueryLake.Str(t, "availabilityZone")).ToDictionary(g => g.Key!, g => (long)g.Count());
        var rows = await lake.RunAsync("spot-interruptions", QueryLake.WholeRange);
        var actual = rows.GroupBy(r => (string)r["availability_zone"]!).ToDictionary(g => g.Key, g => g.Sum(r => (long)r["interruptions"]!));
        Assert.NotEmpty(expected);
        Assert.Equal(expected.OrderBy(k => k.Key), actual.OrderBy(k => k.Key));
    }

    private static int? Revision(JsonElement task) => int.Parse(task.GetProperty("taskDefinitionArn").GetString()!.Split(':')[^1], CultureInfo.InvariantCulture);

    [Fact]
    public async Task CrashLoops_RepeatedFailuresOfOneServiceAndRevision()
    {
        var expected = Stopped().Where(QueryLake.IsFailure).GroupBy(t => (Service(t), Revision(t)))
            .Where(g => g.Count() >= 3).ToDictionary(g => $"{g.Key.Item1}:{g.Key.Item2}", g => (long)g.Count());
        var rows = await lake.RunAsync("crash-loops", [.. QueryLake.WholeRange, ("min_stops", "3")]);
        Assert.Contains("payments:42", expected.Keys);
        Assert.Equal(expected.OrderBy(k => k.Key), rows.ToDictionary(r => $"{r["service_name"]}:{r["task_revision"]}", r => (long)r["failures"]!).OrderBy(k => k.Key));
        // Spot interruptions and scale-ins are stops, not failures: search loses tasks to Spot but never loops.
        Assert.Contains(Stopped(), t => Service(t) == "search" && QueryLake.Str(t, "stopCode") == "SpotInterruption");
        Assert.DoesNotContain(rows, r => (string?)r["service_name"] == "search");
    }

    [Fact]
    public async Task DeploymentOutcomes_EachDeploymentOnceWithItsRollbackLinked()
    {
        var lives = lake.DeploymentLives();
        var failedTasks = Stopped().Where(QueryLake.IsFailure).GroupBy(t => QueryLake.Str(t, "startedBy")!).ToDictionary(g => g.Key, g => (long)g.Count());

        var rows = await lake.RunAsync("deployment-outcomes", QueryLake.WholeRange);

        // One row per start of a deployment id, with its outcome.
        Assert.Equal(lives.Select(l => (l.Id, l.Start, l.Failed ? "failed" : l.Completed ? "completed" : "in_progress")).Order(),
            rows.Select(r => ((string)r["deployment_id"]!, (DateTime)r["started_at"]!, (string)r["outcome"]!)).Order());
        // The circuit breaker's rollback runs under the good deployment's id, which had started once before.
        var rollback = Assert.Single(lives, l => l.IsRollback);
        Assert.Contains(lives, l => l.Id == rollback.Id && !l.IsRollback && l.Completed && l.Start < rollback.Start);
        Assert.NotNull(rollback.RollsBack);
        var failedRow = Assert.Single(rows, r => (string?)r["deployment_id"] == rollback.RollsBack);
        var rollbackRow = Assert.Single(rows, r => r["is_rollback"] is true);
        Assert.Equal("failed", failedRow["outcome"]);
        Assert.Equal(rollback.Id, failedRow["rolled_back_by"]);
        Assert.Equal(false, failedRow["is_rollback"]);
        Assert.Equal(rollback.Id, rollbackRow["deployment_id"]);
        Assert.Equal(rollback.Start, rollbackRow["started_at"]);
        Assert.Equal(rollback.RollsBack, rollbackRow["rolls_back"]);
        Assert.Equal("completed", rollbackRow["outcome"]);
        Assert.All(rows.Where(r => r["is_rollback"] is not true), r => Assert.Null(r["rolls_back"]));
        // The failed deployment started the crash-looping tasks, and only it did.
        Assert.Equal(failedTasks[rollback.RollsBack], (long)failedRow["failed_tasks"]!);
        Assert.Equal("42", failedRow["task_revisions"]);
        Assert.Equal(0L, (long)rollbackRow["failed_tasks"]!);
    }

    [Fact]
    public async Task PlacementFailures_PerServiceAndReason()
    {
        var expected = lake.Events_("ECS Service Action").Where(e => QueryLake.Str(e.Detail, "eventName") == "SERVICE_TASK_PLACEMENT_FAILURE")
            .GroupBy(e => QueryLake.Str(e.Detail, "reason")).ToDictionary(g => g.Key!, g => (long)g.Count());
        var rows = await lake.RunAsync("placement-failures", QueryLake.WholeRange);
        Assert.Equal(expected.OrderBy(k => k.Key), rows.GroupBy(r => (string)r["reason"]!).ToDictionary(g => g.Key, g => g.Sum(r => (long)r["events"]!)).OrderBy(k => k.Key));
    }

    [Fact]
    public async Task WeeklyTrends_OomKillsAndFailedDeploymentsPerIsoWeek()
    {
        var oom = lake.OomKilledTasksPerWeek();
        var failed = lake.Events_("ECS Deployment State Change").Where(e => QueryLake.Str(e.Detail, "eventName") == "SERVICE_DEPLOYMENT_FAILED")
            .GroupBy(e => QueryLake.Str(e.Detail, "deploymentId")).Select(g => QueryLake.Monday(g.Min(e => e.Time)))
            .GroupBy(w => w).ToDictionary(g => g.Key, g => (long)g.Count());

        var rows = await lake.RunAsync("weekly-trends", QueryLake.WholeRange);

        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            var week = DateOnly.ParseExact((string)row["week_start"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(oom.GetValueOrDefault(week), (long)row["oom_kills"]!);
            Assert.Equal(failed.GetValueOrDefault(week), (long)row["failed_deployments"]!);
        }
        Assert.Null(rows[0]["oom_kills_change"]);
        Assert.Equal((long)rows[1]["oom_kills"]! - (long)rows[0]["oom_kills"]!, (long)rows[1]["oom_kills_change"]!);
    }

    [Fact]
    public async Task IncidentTimeline_ListsEachStoppedTaskOnceInTimeOrder()
    {
        var from = QueryLake.Start.AddHours(12);
        var to = QueryLake.Start.AddHours(18);
        var expected = lake.Events_("ECS Task State Change")
            .Where(e => QueryLake.Str(e.Detail, "lastStatus") == "STOPPED" && Service(e.Detail) == "payments" && e.Time >= from && e.Time < to)
            .Select(e => e.Detail.GetProperty("taskArn").GetString()).Distinct().Count();
        var rows = await lake.RunAsync("incident-timeline", ("from", from.ToString("O")), ("to", to.ToString("O")), ("service", "payments"));
        Assert.Equal(expected, rows.Count(r => (string)r["source"]! == "ecs_task"));
        Assert.Equal(rows.Select(r => (DateTime)r["event_time"]!).Order(), rows.Select(r => (DateTime)r["event_time"]!));
        Assert.All(rows.Where(r => ((string)r["source"]!).StartsWith("ecs", StringComparison.Ordinal)), r => Assert.Equal("payments", r["service_name"]));
    }

    [Fact]
    public async Task IncidentTimeline_MinSeverity_KeepsThatSeverityAndAbove()
    {
        var all = await lake.RunAsync("incident-timeline", QueryLake.WholeRange);
        var errors = await lake.RunAsync("incident-timeline", [.. QueryLake.WholeRange, ("min_severity", "error")]);
        var warnings = await lake.RunAsync("incident-timeline", [.. QueryLake.WholeRange, ("min_severity", "WARNING")]);
        Assert.Equal(all.Count(r => (string?)r["severity"] == "error"), errors.Count);
        Assert.Equal(all.Count(r => (string?)r["severity"] is "error" or "warning"), warnings.Count);
        Assert.True(errors.Count > 0 && warnings.Count > errors.Count && all.Count > warnings.Count);
    }

    [Fact]
    public async Task HealthImpact_OneRowPerEventAtItsLatestVersion()
    {
        var expected = lake.Events_("AWS Health Event").GroupBy(e => QueryLake.Str(e.Detail, "eventArn")!)
            .ToDictionary(g => g.Key, g => QueryLake.Str(g.MaxBy(e => DateTime.Parse(QueryLake.Str(e.Detail, "lastUpdatedTime")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).Detail, "statusCode"));
        var rows = await lake.RunAsync("health-impact", QueryLake.WholeRange);
        Assert.Equal(expected.OrderBy(k => k.Key), rows.ToDictionary(r => (string)r["event_arn"]!, r => (string?)r["status_code"]).OrderBy(k => k.Key));
    }

    [Fact]
    public async Task SupportCases_HoursToResolveFromCreateAndResolveEvents()
    {
        var events = lake.Events_("Support Case Update").ToList();
        var created = events.Where(e => QueryLake.Str(e.Detail, "event-name") == "CreateCase").ToDictionary(e => QueryLake.Str(e.Detail, "case-id")!, e => e.Time);
        var resolved = events.Where(e => QueryLake.Str(e.Detail, "event-name") == "ResolveCase").GroupBy(e => QueryLake.Str(e.Detail, "case-id")!).ToDictionary(g => g.Key, g => g.Min(e => e.Time));
        var rows = await lake.RunAsync("support-cases", QueryLake.WholeRange);
        Assert.NotEmpty(resolved);
        foreach (var (caseId, at) in resolved)
        {
            var row = Assert.Single(rows, r => (string)r["case_id"]! == caseId);
            Assert.Equal(Math.Round((at - created[caseId]).TotalHours, 1), (double)row["hours_to_resolve"]!);
            Assert.False((bool)row["is_open"]!);
        }
    }

    [Fact]
    public async Task SupportCaseTotals_OpenedResolvedAndLongestResolution()
    {
        var events = lake.Events_("Support Case Update").ToList();
        var created = events.Where(e => QueryLake.Str(e.Detail, "event-name") == "CreateCase").GroupBy(e => QueryLake.Str(e.Detail, "case-id")!).ToDictionary(g => g.Key, g => g.Min(e => e.Time));
        var resolved = events.Where(e => QueryLake.Str(e.Detail, "event-name") == "ResolveCase").GroupBy(e => QueryLake.Str(e.Detail, "case-id")!).ToDictionary(g => g.Key, g => g.Min(e => e.Time));
        var rows = await lake.RunAsync("support-case-totals", QueryLake.WholeRange);
        // Generated cases come only from Support Case Update events, so they have no severity or service.
        var unknown = Assert.Single(rows, r => (string?)r["severity_code"] == "unknown" && (string?)r["service_code"] == "unknown");
        Assert.Equal(created.Count, (long)unknown["opened"]!);
        Assert.Equal(created.Keys.Count(resolved.ContainsKey), (long)unknown["opened_and_resolved"]!);
        Assert.Equal(Math.Round(resolved.Max(r => (r.Value - created[r.Key]).TotalHours), 1), (double)unknown["max_hours_to_resolve"]!);
    }

    [Fact]
    public async Task ServiceRecovery_FirstFailureAndSteadyStateAfterTheLast()
    {
        var day = QueryLake.Start;
        var failures = Stopped().Where(t => Service(t) == "payments" && QueryLake.IsFailure(t)
            && Time(t, "stoppedAt") >= day && Time(t, "stoppedAt") < day.AddDays(1)).Select(t => Time(t, "stoppedAt")).ToList();
        var rows = await lake.RunAsync("service-recovery", ("from", day.ToString("O")), ("to", day.AddDays(1).ToString("O")), ("service", "payments"));
        var row = Assert.Single(rows);
        Assert.Equal(failures.Min(), (DateTime)row["first_failure_at"]!);
        var steady = lake.Events_("ECS Service Action")
            .Where(e => QueryLake.Str(e.Detail, "eventName") == "SERVICE_STEADY_STATE" && e.Event.GetProperty("resources")[0].GetString()!.EndsWith("/payments", StringComparison.Ordinal)
                && e.Time > (DateTime)row["last_failure_at"]! && e.Time < day.AddDays(1))
            .Min(e => (DateTime?)e.Time);
        Assert.Equal(steady, (DateTime?)row["steady_state_at"]);
    }

    [Fact]
    public async Task TrustedAdvisorTrends_EachChecksFindingsAndSavingsAtEachDaysEnd()
    {
        var refreshes = lake.AdvisorRefreshes();
        var rows = await lake.RunAsync("trusted-advisor-trends", QueryLake.WholeRange);
        var expected = new Dictionary<string, (long, double)>();
        for (var day = QueryLake.Start; day < QueryLake.Start.AddDays(QueryLake.Days); day = day.AddDays(1))
            foreach (var check in refreshes.GroupBy(r => r.Check))
                if (check.Where(r => r.At < day.AddDays(1)).MaxBy(r => r.At) is { } last)
                    expected[$"{day:yyyy-MM-dd} {check.Key}"] = (last.Findings.Count, last.Savings);
        Assert.Contains(expected.Values, v => v.Item1 == 0);
        Assert.Equal(expected.OrderBy(k => k.Key, StringComparer.Ordinal),
            rows.ToDictionary(r => $"{r["period_start"]} {r["check_id"]}", r => ((long)r["findings"]!, (double)r["estimated_monthly_savings"]!)).OrderBy(k => k.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task TrustedAdvisorFindings_OfTheSecondWeek_NewResolvedAndOpen()
    {
        var (from, to) = (QueryLake.Start.AddDays(7), QueryLake.Start.AddDays(14));
        var expected = new Dictionary<string, string>();
        foreach (var check in lake.AdvisorRefreshes().GroupBy(r => r.Check))
        {
            var atStart = check.Where(r => r.At < from).MaxBy(r => r.At)?.Findings ?? [];
            var atEnd = check.Where(r => r.At < to).MaxBy(r => r.At)?.Findings ?? [];
            var inWindow = check.Where(r => r.At >= from && r.At < to).SelectMany(r => r.Findings).ToHashSet();
            foreach (var id in atStart.Union(inWindow))
                expected[id] = (atStart.Contains(id), atEnd.Contains(id)) switch
                {
                    (false, true) => "new", (true, false) => "resolved", (true, true) => "open", _ => "transient",
                };
        }
        Assert.Contains("resolved", expected.Values);
        var rows = await lake.RunAsync("trusted-advisor-findings", ("from", from.ToString("O")), ("to", to.ToString("O")));
        Assert.Equal(expected.OrderBy(k => k.Key, StringComparer.Ordinal), rows.ToDictionary(r => (string)r["resource_id"]!, r => (string)r["change"]!).OrderBy(k => k.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task HealthOrganization_EachAccountsEventsAndEntitiesAtTheirLatestVersion()
    {
        // The organization view's pages name each affected account in the details and the entities (awsAccountId); the
        // account's own EventBridge events name it as affectedAccount. An entity counts once per event, at its latest status.
        var pages = lake.Pages.Where(p => QueryLake.Str(p.GetProperty("collected"), "source") == "health-org").ToList();
        var entities = pages.Where(p => QueryLake.Str(p.GetProperty("collected"), "operation") == "DescribeAffectedEntitiesForOrganization")
            .SelectMany(p => p.GetProperty("response").GetProperty("entities").EnumerateArray())
            .Select(e => (Account: QueryLake.Str(e, "awsAccountId")!, Event: QueryLake.Str(e, "eventArn")!, Value: QueryLake.Str(e, "entityValue")!, At: e.GetProperty("lastUpdatedTime").GetDouble(), Status: QueryLake.Str(e, "statusCode")))
            .Concat(lake.Events_("AWS Health Event").SelectMany(e => e.Detail.GetProperty("affectedEntities").EnumerateArray().Select(x =>
                (Account: QueryLake.Str(e.Detail, "affectedAccount")!, Event: QueryLake.Str(e.Detail, "eventArn")!, Value: QueryLake.Str(x, "entityValue")!,
                 At: (double)new DateTimeOffset(DateTime.Parse(QueryLake.Str(e.Detail, "lastUpdatedTime")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).ToUnixTimeSeconds(),
                 Status: QueryLake.Str(x, "status")))))
            .GroupBy(e => (e.Account, e.Event, e.Value)).Select(g => g.MaxBy(e => e.At)).ToList();
        var events = lake.Events_("AWS Health Event").Select(e => QueryLake.Str(e.Detail, "eventArn")!).ToHashSet();
        var rows = (await lake.RunAsync("health-organization", QueryLake.WholeRange)).ToDictionary(r => (string)r["affected_account"]!);
        Assert.Equal(entities.Select(e => e.Account).Distinct().Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.True(rows.Count > 1, "the organization view names a member account");
        foreach (var (account, row) in rows)
        {
            var own = entities.Where(e => e.Account == account).ToList();
            Assert.Equal((long)own.Select(e => e.Event).Distinct().Count(), row["events"]);
            Assert.Equal((long)own.Count, row["affected_entities"]);
            Assert.Equal((long)own.Count(e => e.Status == "IMPAIRED"), row["impaired_entities"]);
            Assert.Equal(0L, row["open_at_end"]);
        }
        Assert.Equal((long)events.Count, rows["123456789012"]["events"]);
    }
}
