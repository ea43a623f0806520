using System.Text.Json;
using Analytics.Query.Reports.Weekly;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// Trusted Advisor findings and trends from pages built by hand as the Support API documents them
/// (DescribeTrustedAdvisorCheckResult's flaggedResources, TrustedAdvisorResourceDetail's status and isSuppressed, the
/// result's timestamp as "the time of the last refresh of the check"), collected the way the collector stores them. A
/// finding is a listed resource whose status is warning or error and that the user did not suppress; a check's state at
/// a time is its last refresh before then. Expectations are read off the story, not computed.
/// </summary>
public sealed class TrustedAdvisorScenarioTests
{
    private static readonly string[] EcsColumns = ["Region", "ECS Cluster Name", "ECS Service Name", "Status"];
    private static readonly string[] LimitColumns = ["Region", "Service", "Limit Name", "Limit Amount", "Current Usage", "Status"];
    private static readonly string[] CostColumns = ["Region/AZ", "Instance ID", "Instance Name", "Instance Type", "Estimated Monthly Savings"];

    private sealed record Definition(string Id, string Name, string Category, string[] Columns)
    {
        public object Check => new { id = Id, name = Name, description = $"Checks {Name}.", category = Category, metadata = Columns };
    }

    private static object Resource(string id, string status, string?[] metadata, bool suppressed = false) =>
        new { status, region = "us-east-1", resourceId = id, isSuppressed = suppressed, metadata };

    private static object Result(string checkId, DateTime refreshed, string status, object[] resources, double? savings = null, int? flagged = null) => new
    {
        checkId, timestamp = refreshed.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), status,
        resourcesSummary = new { resourcesProcessed = 20, resourcesFlagged = flagged ?? resources.Length, resourcesIgnored = 0, resourcesSuppressed = 0 },
        categorySpecificSummary = new { costOptimizing = new { estimatedMonthlySavings = savings ?? 0, estimatedPercentMonthlySavings = 0 } },
        flaggedResources = resources,
    };

    private static Scenario Story()
    {
        var ecs = new Definition("ecs-az", "Amazon ECS Multi-AZ Placement Strategy", "fault_tolerance", EcsColumns);
        var limits = new Definition("limits", "EC2 On-Demand Instances", "service_limits", LimitColumns);
        var cost = new Definition("cost", "Low Utilization Amazon EC2 Instances", "cost_optimizing", CostColumns);
        var s = new Scenario()
            .Collected("trusted-advisor", "DescribeTrustedAdvisorChecks", Day.AddDays(-2), new { checks = new[] { ecs.Check, limits.Check, cost.Check } });
        // The collector keeps each result with its check's pillar and columns.
        void Page(Definition d, DateTime refreshed, object result) =>
            s.Collected("trusted-advisor", "DescribeTrustedAdvisorCheckResult", refreshed.AddMinutes(30), new { result }, new { category = d.Category, metadata = d.Columns });
        string?[] Ecs(string service, string status) => ["us-east-1", "prod", service, status];

        // Yesterday's refresh, in effect when the window opens: payments and checkout flagged, search suppressed by the user.
        Page(ecs, Day.AddDays(-1).AddHours(6), Result("ecs-az", Day.AddDays(-1).AddHours(6), "error",
            [Resource("A", "warning", Ecs("payments", "Yellow")), Resource("B", "error", Ecs("checkout", "Red")), Resource("S", "warning", Ecs("search", "Yellow"), suppressed: true)]));
        // 10:00: payments is fine now (listed ok), catalog newly flagged.
        Page(ecs, At(10), Result("ecs-az", At(10), "error",
            [Resource("A", "ok", Ecs("payments", "Green")), Resource("B", "error", Ecs("checkout", "Red")), Resource("C", "warning", Ecs("catalog", "Yellow"))]));
        // 15:00: a refresh seen only in the summaries (its resources never collected): it changes no finding.
        s.Collected("trusted-advisor", "DescribeTrustedAdvisorCheckSummaries", At(15, 30), new
        {
            summaries = new[] { new { checkId = "ecs-az", timestamp = "2026-11-02T15:00:00Z", status = "warning", hasFlaggedResources = true,
                resourcesSummary = new { resourcesProcessed = 20, resourcesFlagged = 1, resourcesIgnored = 0, resourcesSuppressed = 0 } } },
        });
        // 16:00: catalog gone again, notifications newly flagged.
        Page(ecs, At(16), Result("ecs-az", At(16), "error",
            [Resource("B", "error", Ecs("checkout", "Red")), Resource("D", "warning", Ecs("notifications", "Yellow"))]));

        // A service limit at 85% two days ago, cleared by the refresh at 11:00, which flags nothing.
        Page(limits, Day.AddDays(-2).AddHours(3), Result("limits", Day.AddDays(-2).AddHours(3), "warning",
            [Resource("E", "warning", ["us-east-1", "EC2", "On-Demand instances", "20", "17", "Yellow"])]));
        Page(limits, At(11), Result("limits", At(11), "ok", []));

        // An idle instance flagged all along; the estimated savings fall from 100 to 40 when a second one is shut down.
        Page(cost, Day.AddDays(-1).AddHours(2), Result("cost", Day.AddDays(-1).AddHours(2), "warning",
            [Resource("F", "warning", ["us-east-1a", "i-0f", "batch-old", "m5.large", "$40.00"]), Resource("G", "warning", ["us-east-1b", "i-0g", null, "m5.xlarge", "$60.00"])], savings: 100));
        Page(cost, At(12), Result("cost", At(12), "warning",
            [Resource("F", "warning", ["us-east-1a", "i-0f", "batch-old", "m5.large", "$40.00"])], savings: 40));
        return s;
    }

    private static Dictionary<string, Dictionary<string, object?>> ByResource(List<Dictionary<string, object?>> rows) =>
        rows.ToDictionary(r => (string)r["resource_id"]!);

    [Fact]
    public async Task Findings_PerWeek_AreEachWeeksOwn_InOneQuery()
    {
        await using var s = await Story().BuildAsync();
        var (w44, w45, end) = (Day.AddDays(-7), Day, Day.AddDays(7));

        var weekly = await s.RunAsync("trusted-advisor-findings", w44, end, ("period", "week"));

        // The service limit flagged two days before the story's day is new in its week, and resolved in the next by the
        // 11:00 refresh that flags nothing.
        Assert.Equal("new", weekly.Single(r => (DateTime)r["period_start"]! == w44 && (string)r["resource_id"]! == "E")["change"]);
        Assert.Equal("resolved", weekly.Single(r => (DateTime)r["period_start"]! == w45 && (string)r["resource_id"]! == "E")["change"]);
        // Each week's rows are those of a query over that week alone.
        foreach (var (from, to) in new[] { (w44, w45), (w45, end) })
        {
            var alone = await s.RunAsync("trusted-advisor-findings", from, to);
            Assert.NotEmpty(alone);
            Assert.Equal(alone.Select(r => JsonSerializer.Serialize(r)),
                weekly.Where(r => (DateTime)r["period_start"]! == from).Select(r => JsonSerializer.Serialize(r)));
        }
    }

    [Fact]
    public async Task Findings_NewResolvedOpenAndTransient_FromTheRefreshesAroundTheWindow()
    {
        await using var s = await Story().BuildAsync();
        var rows = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(20)));

        // The suppressed resource is never a finding; A was listed ok at 10:00, so it was resolved then.
        Assert.Equal(["A", "B", "C", "D", "E", "F", "G"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("resolved", "warning", (string?)null, At(10)), Change(rows["A"]));
        Assert.Equal(("open", "error", "error", (DateTime?)null), Change(rows["B"]));
        // Flagged at 10:00, no longer listed at 16:00: the 15:00 summary alone did not resolve it.
        Assert.Equal(("transient", (string?)null, (string?)null, At(16)), Change(rows["C"]));
        Assert.Equal(("new", (string?)null, "warning", (DateTime?)null), Change(rows["D"]));
        // Cleared by a refresh that flagged nothing at all.
        Assert.Equal(("resolved", "warning", (string?)null, At(11)), Change(rows["E"]));
        Assert.Equal(("open", "warning", "warning", (DateTime?)null), Change(rows["F"]));
        Assert.Equal(("resolved", "warning", (string?)null, At(12)), Change(rows["G"]));

        Assert.Equal("fault_tolerance", rows["D"]["category"]);
        Assert.Equal("Amazon ECS Multi-AZ Placement Strategy", rows["D"]["check_name"]);
        Assert.Equal(Day.AddDays(-1).AddHours(6), rows["B"]["first_flagged_at"]);
        // The values keyed by the check's columns; an empty cell is no key.
        var metadata = System.Text.Json.JsonDocument.Parse((string)rows["D"]["metadata"]!).RootElement;
        Assert.Equal("notifications", metadata.GetProperty("ECS Service Name").GetString());
        Assert.False(System.Text.Json.JsonDocument.Parse((string)rows["G"]["metadata"]!).RootElement.TryGetProperty("Instance Name", out _));
    }

    [Fact]
    public async Task Findings_AWindowBeforeTheLaterRefreshes_SeesOnlyWhatWasKnownBeforeItsEnd()
    {
        await using var s = await Story().BuildAsync();
        var rows = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(12)));
        // The 12:00 and 16:00 refreshes are after the end: C is still flagged, D unknown, G still flagged.
        Assert.Equal(["A", "B", "C", "E", "F", "G"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("new", rows["C"]["change"]);
        Assert.Equal("open", rows["G"]["change"]);
        // A window before any refresh of the day: every finding of yesterday is open, none changed.
        var before = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(9)));
        Assert.Equal(["A", "B", "E", "F", "G"], before.Keys.Order(StringComparer.Ordinal));
        Assert.All(before.Values, r => Assert.Equal("open", r["change"]));
    }

    [Fact]
    public async Task Findings_ForAService_ThoseNamingIt_AndTheAccountWideServiceLimits()
    {
        await using var s = await Story().BuildAsync();
        var payments = await s.RunAsync("trusted-advisor-findings", At(8), At(20), ("service", "payments"));
        Assert.Equal(["A", "E"], payments.Select(r => (string)r["resource_id"]!).Order(StringComparer.Ordinal));
        var prod = await s.RunAsync("trusted-advisor-findings", At(8), At(20), ("cluster", "prod"), ("category", "fault_tolerance"));
        Assert.Equal(["A", "B", "C", "D"], prod.Select(r => (string)r["resource_id"]!).Order(StringComparer.Ordinal));
        Assert.Empty(await s.RunAsync("trusted-advisor-findings", At(8), At(20), ("cluster", "batch"), ("category", "fault_tolerance")));
    }

    [Fact]
    public async Task Trends_EachDaysEnd_FindingsStatusAndSavings_ByCheck()
    {
        await using var s = await Story().BuildAsync();
        var rows = await s.RunAsync("trusted-advisor-trends", Day.AddDays(-1), Day.AddDays(1));
        var cells = rows.ToDictionary(r => ((string)r["period_start"]!, (string)r["check_id"]!));

        // End of yesterday: A and B (S is suppressed), B an error; the limit at 85%; two idle instances worth 100.
        Assert.Equal((2L, 1L, "error"), Cell(cells[("2026-11-01", "ecs-az")]));
        Assert.Equal((1L, 0L, "warning"), Cell(cells[("2026-11-01", "limits")]));
        Assert.Equal((2L, 0L, "warning"), Cell(cells[("2026-11-01", "cost")]));
        Assert.Equal(100.0, cells[("2026-11-01", "cost")]["estimated_monthly_savings"]);
        // End of the day: B and D; the limit cleared (still listed, since it was flagged in the window); savings down to 40.
        Assert.Equal((2L, 1L, "error"), Cell(cells[("2026-11-02", "ecs-az")]));
        Assert.Equal((0L, 0L, "ok"), Cell(cells[("2026-11-02", "limits")]));
        Assert.Equal(40.0, cells[("2026-11-02", "cost")]["estimated_monthly_savings"]);
        Assert.Equal("service_limits", cells[("2026-11-02", "limits")]["category"]);
        Assert.Equal(6, rows.Count);

        // A window ending at 15:30: the 15:00 summary gives the status, the findings stay those of the 10:00 refresh (B, C).
        var afternoon = await s.RunAsync("trusted-advisor-trends", Day, At(15, 30), ("category", "fault_tolerance"));
        var ecs = Assert.Single(afternoon);
        Assert.Equal((2L, 1L, "warning"), Cell(ecs));
        Assert.Equal(At(15), ecs["last_refreshed_at"]);
    }

    [Fact]
    public async Task Trends_ByWeek_TheStateAtEachWeeksEnd()
    {
        await using var s = await Story().BuildAsync();
        // 2026-11-02 is a Monday: the week of the 26th ends with yesterday's state, the week of the 2nd with today's.
        var rows = await s.RunAsync("trusted-advisor-trends", Day.AddDays(-7), Day.AddDays(7), ("unit", "week"));
        var ecs = rows.Where(r => (string?)r["check_id"] == "ecs-az").ToDictionary(r => (string)r["period_start"]!);
        Assert.Equal(["2026-10-26", "2026-11-02"], ecs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2L, ecs["2026-10-26"]["findings"]);
        Assert.Equal(2L, ecs["2026-11-02"]["findings"]);
        Assert.Equal(40.0, rows.Single(r => (string?)r["check_id"] == "cost" && (string?)r["period_start"] == "2026-11-02")["estimated_monthly_savings"]);
    }

    // The same check over ten days (DOMAIN.md: not_available says nothing about findings; suppressed is not fixed):
    // A flagged ten days ago, cleared five days ago, flagged again from three days ago; B and C flagged since yesterday.
    // Today at 10:00 the check could not run (not_available, nothing listed); at 12:00 it ran again: A and C still
    // flagged, B listed as suppressed by the user. Then on the next day the check is not available again.
    private static Scenario Streaks()
    {
        var ecs = new Definition("ecs-az", "Amazon ECS Multi-AZ Placement Strategy", "fault_tolerance", EcsColumns);
        var s = new Scenario()
            .Collected("trusted-advisor", "DescribeTrustedAdvisorChecks", Day.AddDays(-10), new { checks = new[] { ecs.Check } });
        void Page(DateTime refreshed, string status, object[] resources, int? flagged = null) =>
            s.Collected("trusted-advisor", "DescribeTrustedAdvisorCheckResult", refreshed.AddMinutes(30),
                new { result = Result("ecs-az", refreshed, status, resources, flagged: flagged) }, new { category = ecs.Category, metadata = ecs.Columns });
        string?[] Ecs(string service) => ["us-east-1", "prod", service, "Yellow"];
        Page(Day.AddDays(-10).AddHours(6), "warning", [Resource("A", "warning", Ecs("payments"))]);
        Page(Day.AddDays(-5).AddHours(6), "ok", []);
        Page(Day.AddDays(-3).AddHours(6), "warning", [Resource("A", "warning", Ecs("payments"))]);
        Page(Day.AddDays(-1).AddHours(6), "warning", [Resource("A", "warning", Ecs("payments")), Resource("B", "warning", Ecs("checkout")), Resource("C", "warning", Ecs("catalog"))]);
        Page(At(10), "not_available", [], flagged: 0);
        Page(At(12), "warning", [Resource("A", "warning", Ecs("payments")), Resource("B", "warning", Ecs("checkout"), suppressed: true), Resource("C", "warning", Ecs("catalog"))]);
        Page(Day.AddDays(1).AddHours(10), "not_available", [], flagged: 0);
        return s;
    }

    [Fact]
    public async Task Findings_ANotAvailableRefresh_KeepsEachFindingsLastKnownState()
    {
        await using var s = await Streaks().BuildAsync();

        var rows = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(11)));

        // Between 10:00 and 11:00 the check's last refresh could not run: A, B and C are as yesterday's refresh left them.
        Assert.Equal(["A", "B", "C"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(rows.Values, r => Assert.Equal(("open", "warning", "warning", (DateTime?)null), Change(r)));
        Assert.All(rows.Values, r => Assert.Equal("not_available", r["check_status"]));
        // The next day: not available again, and the 12:00 refresh still stands.
        var tomorrow = ByResource(await s.RunAsync("trusted-advisor-findings", Day.AddDays(1), Day.AddDays(2)));
        Assert.Equal(["A", "C"], tomorrow.Keys.Order(StringComparer.Ordinal));
        Assert.All(tomorrow.Values, r => Assert.Equal("open", r["change"]));
    }

    [Fact]
    public async Task Findings_ASuppressedResource_IsSuppressedNotResolved()
    {
        await using var s = await Streaks().BuildAsync();

        var rows = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(20)));

        Assert.Equal("suppressed", rows["B"]["change"]);
        Assert.Equal(At(12), rows["B"]["suppressed_at"]);
        Assert.Null(rows["B"]["resolved_at"]);
        Assert.Equal("warning", rows["B"]["check_status"]);
        var review = await Analytics.Query.Reports.IncidentReview.WriteAsync(s.Engine, At(8), At(20), null, "checkout", CancellationToken.None);
        Assert.Contains("suppressed by the user at 2026-11-02 12:00 (ignored, not fixed).", review, StringComparison.Ordinal);
        Assert.DoesNotContain("resolved at", review.Split("## Trusted Advisor")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findings_FlaggedSince_IsTheStartOfTheCurrentStreak_AtLeastWhenTheLookBackCutsIt()
    {
        await using var s = await Streaks().BuildAsync();

        var rows = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(20)));
        // A was cleared five days ago: its current streak began three days ago, not ten.
        Assert.Equal(Day.AddDays(-3).AddHours(6), rows["A"]["first_flagged_at"]);
        Assert.Equal(true, rows["A"]["flagged_since_known"]);
        // C: the refreshes three, five and ten days ago did not list it.
        Assert.Equal(Day.AddDays(-1).AddHours(6), rows["C"]["first_flagged_at"]);
        Assert.Equal(true, rows["C"]["flagged_since_known"]);

        // Reading two days back, A's first refresh read already flags it: flagged at least since then.
        var cut = ByResource(await s.RunAsync("trusted-advisor-findings", At(8), At(20), ("lookback_days", "2")));
        Assert.Equal(Day.AddDays(-1).AddHours(6), cut["A"]["first_flagged_at"]);
        Assert.Equal(false, cut["A"]["flagged_since_known"]);
        var review = await Analytics.Query.Reports.IncidentReview.WriteAsync(s.Engine, At(8), At(20), null, "payments", CancellationToken.None);
        Assert.Contains("Amazon ECS Multi-AZ Placement Strategy (fault tolerance) flagged since 2026-10-30 06:00", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trends_ANotAvailableRefresh_KeepsTheFindingsAndShowsTheStatus()
    {
        await using var s = await Streaks().BuildAsync();
        var ecs = Assert.Single(await s.RunAsync("trusted-advisor-trends", Day, At(11)));
        Assert.Equal((3L, 0L, "not_available"), Cell(ecs));
        var nextDay = (await s.RunAsync("trusted-advisor-trends", Day, Day.AddDays(2))).Single(r => (string?)r["period_start"] == "2026-11-03");
        Assert.Equal((2L, 0L, "not_available"), Cell(nextDay));
    }

    [Fact]
    public async Task OneCheckInTwoAccounts_EachAccountsFindingsAreItsOwn()
    {
        // The collector ran in two accounts. At 06:00 the check flags X in the first and Y in the second; at 12:00 the
        // first account's refresh flags nothing. Y, in the other account, is still flagged.
        var ecs = new Definition("ecs-az", "Amazon ECS Multi-AZ Placement Strategy", "fault_tolerance", EcsColumns);
        var s = new Scenario();
        foreach (var account in new[] { "111111111111", "222222222222" })
            s.Collected("trusted-advisor", "DescribeTrustedAdvisorChecks", Day.AddDays(-1), new { checks = new[] { ecs.Check } }, account: account);
        void Page(string account, DateTime refreshed, string status, object[] resources) =>
            s.Collected("trusted-advisor", "DescribeTrustedAdvisorCheckResult", refreshed.AddMinutes(30), new { result = Result("ecs-az", refreshed, status, resources) },
                new { category = ecs.Category, metadata = ecs.Columns }, account);
        Page("111111111111", At(6), "warning", [Resource("X", "warning", ["us-east-1", "prod", "api", "Yellow"])]);
        Page("222222222222", At(6), "warning", [Resource("Y", "warning", ["us-east-1", "prod", "ledger", "Yellow"])]);
        Page("111111111111", At(12), "ok", []);
        await using var built = await s.BuildAsync();

        var rows = (await built.RunAsync("trusted-advisor-findings", At(8), At(20))).ToDictionary(r => (string)r["resource_id"]!);

        Assert.Equal(("resolved", "111111111111", At(12)), ((string?)rows["X"]["change"], (string?)rows["X"]["account_id"], (DateTime?)rows["X"]["resolved_at"]));
        Assert.Equal(("open", "222222222222"), ((string?)rows["Y"]["change"], (string?)rows["Y"]["account_id"]));
        // At 10:00 each account's check flags one resource; at the day's end only the second's does (the first, ok at every
        // day's end of the window, is not listed).
        var morning = (await built.RunAsync("trusted-advisor-trends", Day, At(10))).ToDictionary(r => (string)r["account_id"]!);
        Assert.Equal([1L, 1L], morning.Values.Select(r => (long)r["findings"]!));
        var day = Assert.Single(await built.RunAsync("trusted-advisor-trends", Day, Day.AddDays(1)));
        Assert.Equal(("222222222222", 1L, "warning"), ((string?)day["account_id"], (long)day["findings"]!, (string?)day["status"]));
    }

    [Fact]
    public async Task APillarTheCodeDoesNotKnow_IsKeptUnderItsOwnName()
    {
        // Newer Trusted Advisor APIs add pillars (operational excellence): a check of one is a check like any other.
        var ops = new Definition("ops-1", "Amazon ECS Task Logging", "operational_excellence", EcsColumns);
        await using var s = await new Scenario()
            .Collected("trusted-advisor", "DescribeTrustedAdvisorChecks", Day.AddDays(-1), new { checks = new[] { ops.Check } })
            .Collected("trusted-advisor", "DescribeTrustedAdvisorCheckResult", At(10, 30),
                new { result = Result("ops-1", At(10), "warning", [Resource("L", "warning", ["us-east-1", "prod", "api", "Yellow"])]) },
                new { category = ops.Category, metadata = ops.Columns })
            .BuildAsync();

        var finding = Assert.Single(await s.RunAsync("trusted-advisor-findings", At(8), At(20), ("category", "operational_excellence")));
        Assert.Equal(("operational_excellence", "new"), ((string?)finding["category"], (string?)finding["change"]));
        Assert.Equal("operational_excellence", Assert.Single(await s.RunAsync("trusted-advisor-trends", Day, Day.AddDays(1)))["category"]);
        var report = await Analytics.Query.Reports.Weekly.WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(6)), weeks: 1, CancellationToken.None);
        Assert.Equal([.. Analytics.Query.Reports.Weekly.WeeklyReport.Pillars, "operational_excellence"], report.AdvisorPillars);
        Assert.Equal(1L, report.Advisor[0].Findings["operational_excellence"]);
        Assert.Contains("| performance | cost optimizing | operational excellence | new |", WeeklyMarkdown.Write(report), StringComparison.Ordinal);
    }

    private static (string?, string?, string?, DateTime?) Change(Dictionary<string, object?> row) =>
        ((string?)row["change"], (string?)row["status_at_start"], (string?)row["status_at_end"], (DateTime?)row["resolved_at"]);

    private static (long, long, string?) Cell(Dictionary<string, object?> row) => ((long)row["findings"]!, (long)row["errors"]!, (string?)row["status"]);
}
