using Analytics.Ingest.Alerts;
using Analytics.Ingest.Lake;
using Analytics.Tests.Query.Scenarios;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Ingest.Alerts;

/// <summary>
/// The alert rules over hand-built incidents read back from their lake, as `alerts replay` runs them: what fires, what
/// must not (Spot, scale-in, user stops, a redelivered event), each expectation read off the events' documented meaning
/// (../shared/DOMAIN.md).
/// </summary>
public sealed class AlertRulesTests
{
    private const string Elb = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067)";

    private static async Task<List<Alert>> AlertsAsync(Scenario scenario, DateTime from, DateTime to, AlertOptions? options = null)
    {
        await using var s = await scenario.BuildAsync();
        var facts = await LakeFacts.ReadAsync(new LakeLayout(s.Lake), from, to, CancellationToken.None);
        var rules = new AlertRules(options ?? new AlertOptions());
        return [.. facts.SelectMany(rules.Add)];
    }

    private static List<(AlertChange, DateTime, string)> Changes(IEnumerable<Alert> alerts) => [.. alerts.Select(a => (a.Change, a.At, a.Rule))];

    [Fact]
    public async Task FailingTasks_OpensAtTheThirdFailureInTenMinutes_UpdatesWhileItLasts_ResolvesAtSteadyState()
    {
        // Health-check kills at 14:04, 14:08, 14:12 and 14:16 (ServiceSchedulerInitiated, as AWS documents them); a scale-in
        // and a Spot interruption beside them are no failures; steady state at 14:40.
        var alerts = await AlertsAsync(new Scenario()
            .StoppedTask("api", At(14, 1), At(14, 4), "ServiceSchedulerInitiated", Elb, exitCode: 143)
            .StoppedTask("api", At(14, 5), At(14, 8), "ServiceSchedulerInitiated", Elb, exitCode: 143)
            .StoppedTask("api", At(9), At(14, 10), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", exitCode: 137)
            .StoppedTask("api", At(9), At(14, 11), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
            .StoppedTask("api", At(14, 9), At(14, 12), "ServiceSchedulerInitiated", Elb, exitCode: 143)
            .StoppedTask("api", At(14, 13), At(14, 16), "ServiceSchedulerInitiated", "Task failed container health checks", exitCode: 137)
            .ServiceAction("api", At(14, 40), "SERVICE_STEADY_STATE"), At(14), At(15));

        Assert.Equal([(AlertChange.Opened, At(14, 12), "failing-tasks"), (AlertChange.Updated, At(14, 16), "failing-tasks"), (AlertChange.Resolved, At(14, 40), "failing-tasks")], Changes(alerts));
        Assert.Single(alerts.Select(a => a.Id).Distinct());
        var opened = alerts[0];
        Assert.Equal("api: 3 tasks failed since 14:04 UTC (health_check_failed ×3)", opened.Summary);
        Assert.Equal((At(14, 4), "prod", "api", "123456789012", "us-east-1"), (opened.FirstSeen, opened.Cluster, opened.Service, opened.Account, opened.Region));
        Assert.Equal("dotnet run --project query -- review --from 2026-11-02T13:49:00Z --to 2026-11-02T14:27:00Z --service api --cluster prod", opened.Review);
        Assert.Equal("https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/api/health?region=us-east-1", opened.ConsoleUrl);
    }

    [Fact]
    public async Task FailuresFartherApart_ScaleIns_Spot_UserStops_AndCompletedTasks_NeverAlert()
    {
        var alerts = await AlertsAsync(new Scenario()
            // Three exits, but 11 minutes from the first to the third: below the threshold of 3 in 10 minutes.
            .StoppedTask("web", At(10), At(10, 1), "EssentialContainerExited", "Essential container in task exited")
            .StoppedTask("web", At(10, 2), At(10, 6), "EssentialContainerExited", "Essential container in task exited")
            .StoppedTask("web", At(10, 7), At(10, 12), "EssentialContainerExited", "Essential container in task exited")
            .StoppedTask("batch", At(10), At(10, 2), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
            .StoppedTask("batch", At(10), At(10, 3), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
            .StoppedTask("batch", At(10), At(10, 4), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
            .StoppedTask("api", At(9), At(10, 5), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", exitCode: 137)
            .StoppedTask("api", At(9), At(10, 6), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", exitCode: 137)
            .StoppedTask("api", At(9), At(10, 7), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", exitCode: 137)
            .StoppedTask("api", At(9), At(10, 8), "UserInitiated", "Task stopped by user", exitCode: 143)
            .StoppedTask("job", At(10), At(10, 9), "EssentialContainerExited", "Essential container in task exited", exitCode: 0), At(9), At(11));

        Assert.Empty(alerts);
    }

    [Fact]
    public async Task ARedeliveredStop_CountsOnce()
    {
        // Two tasks failing, each reported STOPPED twice (version 3, and the same change delivered again): two failures, no alert.
        var alerts = await AlertsAsync(new Scenario()
            .RunningTask("api", At(10), out var first).TaskStopped(first, "api", At(10), At(10, 1), "EssentialContainerExited", "Essential container in task exited", 1)
            .TaskStopped(first, "api", At(10), At(10, 1), "EssentialContainerExited", "Essential container in task exited", 1)
            .RunningTask("api", At(10), out var second).TaskStopped(second, "api", At(10), At(10, 2), "EssentialContainerExited", "Essential container in task exited", 1)
            .TaskStopped(second, "api", At(10), At(10, 2), "EssentialContainerExited", "Essential container in task exited", 1), At(9), At(11));

        Assert.Empty(alerts);
    }

    [Fact]
    public async Task DeploymentFailed_NamesTheFailedDeployment_UpdatedByTheRollback_ResolvedWhenItCompletes()
    {
        // The circuit breaker fails ecs-svc/bad at 14:40 and rolls back under ecs-svc/good's id, which completes at 14:46.
        var alerts = await AlertsAsync(RollbackScenarioTests.CircuitBreaker(), At(11), At(16));

        Assert.Equal([(AlertChange.Opened, At(14, 40), "deployment-failed"), (AlertChange.Updated, At(14, 40, 5), "deployment-failed"), (AlertChange.Resolved, At(14, 46), "deployment-failed")],
            Changes(alerts));
        Assert.Equal("payments: deployment ecs-svc/bad failed: ECS deployment circuit breaker: task failed to start.", alerts[0].Summary);
        Assert.Equal("payments: deployment ecs-svc/bad failed; the circuit breaker is rolling back to ecs-svc/good", alerts[1].Summary);
        // Its two exits (14:10, 14:15) are below the failing-tasks threshold.
        Assert.DoesNotContain(alerts, a => a.Rule == "failing-tasks");
    }

    [Fact]
    public async Task OomKill_OfAnEssentialContainer_AlertsOnce()
    {
        var alerts = await AlertsAsync(new Scenario()
            .StoppedTask("search", At(14, 45), At(14, 50), "EssentialContainerExited", "Essential container in task exited", exitCode: 137,
                containerReason: "OutOfMemoryError: Container killed due to memory usage"), At(14), At(15));

        var alert = Assert.Single(alerts);
        Assert.Equal((AlertChange.Opened, "oom-kill", "search", At(14, 50)), (alert.Change, alert.Rule, alert.Service, alert.At));
    }

    [Fact]
    public async Task PlacementFailures_ThreeInFifteenMinutes_OpenUntilSteadyState()
    {
        var alerts = await AlertsAsync(new Scenario()
            .ServiceAction("api", At(10), "SERVICE_TASK_PLACEMENT_FAILURE", "WARN", "RESOURCE:MEMORY")
            .ServiceAction("api", At(10, 5), "SERVICE_TASK_PLACEMENT_FAILURE", "WARN", "RESOURCE:MEMORY")
            .ServiceAction("api", At(10, 14), "SERVICE_TASK_PLACEMENT_FAILURE", "WARN", "RESOURCE:MEMORY")
            .ServiceAction("api", At(10, 30), "SERVICE_STEADY_STATE"), At(9), At(11));

        Assert.Equal([(AlertChange.Opened, At(10, 14), "placement-failures"), (AlertChange.Resolved, At(10, 30), "placement-failures")], Changes(alerts));
    }

    [Fact]
    public async Task HealthIssue_OursOpenThenClosed_APublicOneElsewhere_Never()
    {
        var alerts = await AlertsAsync(new Scenario()
            .StoppedTask("api", At(9), At(9, 30), "UserInitiated", "Task stopped by user", exitCode: 143)
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), At(10, 5), [])
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), At(10, 20), [])
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "closed", At(10), At(11), [], end: At(10, 55))
            // A public issue in a Region none of our services runs in.
            .Health("AWS_EC2_OPERATIONAL_ISSUE", "issue", "open", At(10), At(10, 10), [], scope: "PUBLIC", service: "EC2", region: "ap-southeast-2")
            // A scheduled change is no issue.
            .Health("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "scheduledChange", "upcoming", Day.AddDays(5), At(10, 15), [], service: "EC2"), At(9), At(12));

        Assert.Equal([(AlertChange.Opened, At(10, 5), "health-issue"), (AlertChange.Resolved, At(11), "health-issue")], Changes(alerts));
        Assert.Contains("AWS_ECS_OPERATIONAL_ISSUE open in us-east-1", alerts[0].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SupportCase_UrgentOrCritical_OpenedAndResolved_NormalNever()
    {
        const string Urgent = "case-123456789012-muen-2026-0000000011";
        const string Normal = "case-123456789012-muen-2026-0000000012";
        var alerts = await AlertsAsync(new Scenario()
            .CaseObserved(Urgent, "opened", At(10), At(10, 5), severity: "urgent")
            .CaseObserved(Urgent, "pending-customer-action", At(10), At(11), severity: "urgent")
            .CaseObserved(Urgent, "resolved", At(10), At(12), severity: "urgent")
            .CaseObserved(Normal, "opened", At(10), At(10, 6), severity: "normal"), Day, Day.AddDays(1));

        Assert.Equal([(AlertChange.Opened, At(10, 5), "support-case"), (AlertChange.Resolved, At(12), "support-case")], Changes(alerts));
    }

    [Fact]
    public async Task ARuleTurnedOff_IsSilent()
    {
        var alerts = await AlertsAsync(RollbackScenarioTests.CircuitBreaker(), At(11), At(16),
            new AlertOptions { Off = new HashSet<string>(["deployment-failed"], StringComparer.Ordinal) });
        Assert.Empty(alerts);
    }
}
