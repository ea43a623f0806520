using System.Globalization;
using Analytics.Query.Cli;
using Analytics.Tests.Query.Scenarios;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Reports;

/// <summary>
/// The dashboard opened in headless Chromium with every outside request refused: a hand-built incident whose figures are
/// read off the story as AWS documents its events (not computed by the page or the catalog), and the bundled sample's
/// incident day.
/// </summary>
public sealed class DashboardTests
{
    private const string Exited = "Essential container in task exited";
    private const string Case = "case-123456789012-muen-2026-0a1b2c3d4e5f6789";
    private const string OldCase = "case-123456789012-muen-2026-99887766554433";
    private const string OtherAccount = "210987654321";

    // 13:57 payments deploys revision 42 (ecs-svc/bad); its tasks exit at 14:10 and 14:15; the circuit breaker fails it at
    // 14:40 and rolls back to ecs-svc/good (revision 41, completed at 12:00), which completes at 14:46; steady at 14:47.
    // search deploys ecs-svc/s1 at 14:20, completed at 14:30, and a search task is OOM-killed at 14:50 with no steady
    // state after. An ECS operational issue opens at 14:05 and stays open; an instance retirement is scheduled for
    // five days later; another account is told of an RDS maintenance. An urgent case is opened at 14:20; a case opened at 13:40 is resolved at 14:52. Trusted Advisor
    // flags catalog at 14:10 (new) while the user suppresses checkout's older finding.
    internal static Scenario Incident()
    {
        // payments' circuit-breaker rollback as RollbackScenarioTests tells it.
        var s = RollbackScenarioTests.CircuitBreaker()
            .Deployment("search", At(14, 20), "ecs-svc/s1", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/s1 in progress.")
            .Deployment("search", At(14, 30), "ecs-svc/s1", "SERVICE_DEPLOYMENT_COMPLETED", "ECS deployment ecs-svc/s1 completed.")
            .StoppedTask("search", At(14, 45), At(14, 50), "EssentialContainerExited", Exited, exitCode: 137, containerReason: "OutOfMemoryError: Container killed due to memory usage")
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(14, 5), At(14, 6), [])
            .Health("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "scheduledChange", "upcoming", Day.AddDays(5), At(14, 20), [("i-0a1b2c3d", "IMPAIRED")], service: "EC2")
            // Another account of the organization is told of an RDS maintenance from 14:25 to 14:35.
            .Health("AWS_RDS_MAINTENANCE_SCHEDULED", "accountNotification", "closed", At(14, 25), At(14, 26), [], service: "RDS", end: At(14, 35), affectedAccount: OtherAccount)
            .CaseEvent(Case, At(14, 20), "CreateCase")
            .CaseObserved(Case, "opened", At(14, 20), At(14, 30), severity: "urgent")
            .CaseObserved(OldCase, "opened", At(13, 40), At(13, 45), severity: "normal")
            .CaseEvent(OldCase, At(14, 52), "ResolveCase");
        string[] columns = ["Region", "ECS Cluster Name", "ECS Service Name", "Status"];
        var check = new { id = "ecs-az", name = "Amazon ECS Multi-AZ Placement Strategy", description = "Checks placement.", category = "fault_tolerance", metadata = columns };
        s.Collected("trusted-advisor", "DescribeTrustedAdvisorChecks", Day.AddDays(-2), new { checks = new[] { check } });
        object Result(DateTime refreshed, params object[] resources) => new
        {
            result = new
            {
                checkId = "ecs-az", timestamp = refreshed.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), status = "warning",
                resourcesSummary = new { resourcesProcessed = 20, resourcesFlagged = resources.Length, resourcesIgnored = 0, resourcesSuppressed = 0 },
                flaggedResources = resources,
            },
        };
        object Resource(string id, string service, bool suppressed = false) =>
            new { status = "warning", region = "us-east-1", resourceId = id, isSuppressed = suppressed, metadata = new[] { "us-east-1", "prod", service, "Yellow" } };
        var definition = new { category = "fault_tolerance", metadata = columns };
        s.Collected("trusted-advisor", "DescribeTrustedAdvisorCheckResult", Day.AddDays(-1).AddHours(6), Result(Day.AddDays(-1).AddHours(6), Resource("B", "checkout")), definition);
        s.Collected("trusted-advisor", "DescribeTrustedAdvisorCheckResult", At(14, 10), Result(At(14, 10), Resource("B", "checkout", suppressed: true), Resource("C", "catalog")), definition);
        return s;
    }

    private static long Ms(DateTime t) => new DateTimeOffset(t).ToUnixTimeMilliseconds();

    [Fact]
    public async Task Dashboard_ShowsWhatTheEventsSay_OffTheNetwork_InLightAndDark()
    {
        await using var s = await Incident().BuildAsync();
        using var temp = Some.TempFolder();
        var page = temp.Sub("dashboard.html");
        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(
            ["dashboard", "--lake", s.Lake, "--from", "2026-11-02T13:30:00Z", "--to", "2026-11-02T15:00:00Z", "-o", page], c, i));
        Assert.True(code == Commands.Ok, err);

        foreach (var scheme in new[] { "light", "dark" })
        {
            var look = Browser.Look(page, 1280, scheme, $"dashboard-{scheme}.png", filter: "service=search");
            Assert.Empty(look.ConsoleErrors);
            Assert.Empty(look.Refused);
            Assert.Equal(look.ViewportWidth, look.ScrollWidth);
            Assert.True(look.Contrast >= 4.5, $"contrast {look.Contrast:0.0} in {scheme}");
            Assert.Equal(scheme == "dark", PageLook.Luminance(look.Background) < 0.2);
            Assert.All(look.Charts.Values, c => Assert.True(c.Drawn));

            // Three abnormal stops: payments' two essential container exits, search's OOM kill.
            Assert.Equal("3", look.Tiles["abnormal-stops"]);
            // Two deployments started in the window (ecs-svc/bad at 13:57, ecs-svc/s1 at 14:20), one failed; the rollback is not a change of its own.
            Assert.Equal("0.5", look.Tiles["change-failure-rate"]);
            // payments' episode: first failure 14:10, steady state 14:47 (37 minutes); search's OOM kill has no steady state after it.
            Assert.Equal("37", look.Tiles["time-to-recover"]);
            // The ECS operational issue is open; the instance retirement is a scheduled change, not an issue.
            Assert.Equal("1", look.Tiles["health"]);
            // The urgent case is open; the other was resolved.
            Assert.Equal("1", look.Tiles["support"]);
            // catalog newly flagged; checkout's finding was there before (and suppressed since).
            Assert.Equal("1", look.Tiles["trusted-advisor"]);

            var timeline = look.Charts["timeline"];
            Assert.Equal([Ms(At(14, 10)), Ms(At(14, 15))], timeline["Tasks: essential_container_exited"].Points.Select(p => p[0]));
            Assert.Equal([Ms(At(14, 50))], timeline["Tasks: out_of_memory"].Points.Select(p => p[0]));
            // The failed deployment from its start to its failure, the rollback from 14:40:05 to 14:46, search's from 14:20 to 14:30.
            Assert.Equal([Ms(At(13, 57)), Ms(At(14, 40))], timeline["deployment failed"].Points.Select(p => p[0]));
            Assert.Equal([Ms(At(14, 40, 5)), Ms(At(14, 46))], timeline["deployment rollback"].Points.Select(p => p[0]));
            Assert.Equal([Ms(At(14, 20)), Ms(At(14, 30))], timeline["deployment completed"].Points.Select(p => p[0]));
            // The open issue from 14:05 to the window's end; the retirement five days away has no span in the window.
            Assert.Equal([Ms(At(14, 5)), Ms(At(15))], timeline["Health open"].Points.Select(p => p[0]));
            Assert.DoesNotContain(timeline.Series, x => x.Name == "Health upcoming");
            Assert.Equal([Ms(At(14, 20)), Ms(At(14, 52))], timeline["Support cases"].Points.Select(p => p[0]));

            // Running tasks: payments' revision 41 (one since 11:52, a second from the rollback at 14:42); revision 42's
            // two tasks each ran from their start until they began stopping, five seconds before they stopped.
            var running = look.Charts["running-tasks"];
            Assert.Equal([[Ms(At(13, 30)), 1], [Ms(At(14, 42)), 2], [Ms(At(15)), 2]], running["payments:41 (prod)"].Points);
            Assert.Equal([[Ms(At(14, 9)), 1], [Ms(At(14, 9, 55)), 0], [Ms(At(14, 14)), 1], [Ms(At(14, 14, 55)), 0], [Ms(At(15)), 0]], running["payments:42 (prod)"].Points);

            // Trends: the eight ISO weeks to the window's, zero weeks drawn as zero: 2 exits and 1 OOM kill in 2026-W45.
            var trends = look.Charts["trend-failures"];
            Assert.Equal(["2026-W38", "2026-W39", "2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"], trends.Categories.Single());
            Assert.Equal([0, 0, 0, 0, 0, 0, 0, 2], trends["Essential container exits"].Points.Select(p => p[0]));
            Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1], trends["OOM kills"].Points.Select(p => p[0]));

            // Every figure says which query made it, rerunnable.
            Assert.Contains(look.Sources, x => x == "from cluster-statedotnet run --project query -- run cluster-state -p from=2026-11-02T13:30:00Z -p to=2026-11-02T15:00:00Z");
            Assert.Contains(look.Sources, x => x == "from weekly-trendsdotnet run --project query -- run weekly-trends -p from=2026-09-14 -p to=2026-11-09");

            // Narrowed to search in the page: payments' stops and deployments leave the timeline and its table; Health and Support stay.
            var filtered = look.Filtered!;
            Assert.Empty(filtered.Charts["timeline"]["Tasks: essential_container_exited"].Points);
            Assert.Equal([Ms(At(14, 50))], filtered.Charts["timeline"]["Tasks: out_of_memory"].Points.Select(p => p[0]));
            Assert.Empty(filtered.Charts["timeline"]["deployment failed"].Points);
            Assert.Equal(2, filtered.Charts["timeline"]["Support cases"].Points.Count);
            Assert.DoesNotContain(filtered.Tables["timeline"], row => row[5] == "payments");
            Assert.Contains(filtered.Tables["timeline"], row => row[5] == "search");
            Assert.Contains(filtered.Tables["timeline"], row => row[2] == "AWS Health");
        }

        // Narrowed to the account the ECS services run in: the other account's RDS notice leaves; ECS, and the Health
        // events of this account or none, stay.
        var mine = Browser.Look(page, 1280, "light", "dashboard-account.png", filter: "account=123456789012").Filtered!;
        Assert.Equal([Ms(At(14, 25)), Ms(At(14, 35))], Browser.Look(page, 1280, "light", "dashboard-all.png").Charts["timeline"]["Health closed"].Points.Select(p => p[0]));
        Assert.Empty(mine.Charts["timeline"]["Health closed"].Points);
        Assert.Equal(2, mine.Charts["timeline"]["Tasks: essential_container_exited"].Points.Count);
        Assert.DoesNotContain(mine.Tables["timeline"], row => row[3].Contains("AWS_RDS_MAINTENANCE_SCHEDULED", StringComparison.Ordinal));
        Assert.Contains(mine.Tables["timeline"], row => row[3].Contains("AWS_ECS_OPERATIONAL_ISSUE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSamplesIncidentDay_ShowsItsFailedDeployment_ItsHealthEvent_AndItsSupportCase()
    {
        // The bundled sample's story (generator/EventGenerator.cs): payments' bad deployment starts at 13:57 and the circuit
        // breaker fails it at 15:12; an AWS Health event opens between 13:50 and 14:00; a Support case is opened at 14:20.
        using var temp = Some.TempFolder();
        await Some.IngestAsync(temp.Sub("lake"), Path.Combine(Some.RepoRoot, "samples"));
        var page = temp.Sub("dashboard.html");
        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(
            ["dashboard", "--lake", temp.Sub("lake"), "--from", "2026-11-02T13:30:00Z", "--to", "2026-11-02T16:00:00Z", "-o", page], c, i));
        Assert.True(code == Commands.Ok, err);

        var look = Browser.Look(page, 1280, "light", "dashboard-sample.png");
        Assert.Empty(look.ConsoleErrors);
        Assert.Empty(look.Refused);
        var timeline = look.Charts["timeline"];
        var failed = timeline["deployment failed"].Points;
        Assert.Contains(failed, p => p[0] == Ms(At(13, 57)));
        Assert.Contains(failed, p => p[0] == Ms(At(15, 12)));
        Assert.Contains(look.Tables["timeline"], row => row[2] == "Deployments" && row[5] == "payments" && row[3].Contains("failed", StringComparison.Ordinal));
        var health = timeline.Series.Where(x => x.Name.StartsWith("Health ", StringComparison.Ordinal)).SelectMany(x => x.Points).Select(p => p[0]).ToList();
        Assert.Contains(health, t => t >= Ms(At(13, 50)) && t < Ms(At(14)));
        Assert.Contains(timeline["Support cases"].Points, p => p[0] == Ms(At(14, 20)));
    }
}
