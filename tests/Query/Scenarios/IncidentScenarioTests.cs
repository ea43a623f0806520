using Analytics.Query.Reports.Weekly;
using Analytics.Query.Reports;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// Hand-built incidents, each the situation one defect of the catalog hid: what AWS's events say, and what
/// the review, the report and each query must then say. Every test here failed on the catalog before it.
/// </summary>
public sealed class IncidentScenarioTests
{
    private const string Elb = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067)";

    // An outage made of health-check kills: the scheduler stops each task for failing the load balancer's checks
    // (ServiceSchedulerInitiated, as AWS documents it), beside a scale-in and a Spot interruption, which are not failures.
    private static Scenario HealthCheckOutage() => new Scenario()
        .StoppedTask("api", At(14, 1), At(14, 4), "ServiceSchedulerInitiated", Elb, exitCode: 143)
        .StoppedTask("api", At(14, 5), At(14, 8), "ServiceSchedulerInitiated", Elb, exitCode: 143)
        .StoppedTask("api", At(14, 9), At(14, 12), "ServiceSchedulerInitiated", Elb, exitCode: 143)
        .StoppedTask("api", At(14, 13), At(14, 16), "ServiceSchedulerInitiated", "Task failed container health checks", exitCode: 137)
        .StoppedTask("api", At(9), At(14, 20), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", exitCode: 137)
        .StoppedTask("api", At(9), At(14, 21), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
        .ServiceAction("api", At(14, 40), "SERVICE_STEADY_STATE");

    [Fact]
    public async Task HealthCheckKills_AreFailuresInTheReviewAndEveryFailureList()
    {
        await using var s = await HealthCheckOutage().BuildAsync();

        var review = await IncidentReview.WriteAsync(s.Engine, At(14), At(15), null, "api", CancellationToken.None);
        Assert.Contains("- 5 tasks stopped abnormally (4 health_check_failed, 1 spot_interruption) in api.", review, StringComparison.Ordinal);
        Assert.DoesNotContain("No task stopped abnormally", review, StringComparison.Ordinal);

        var loops = await s.RunAsync("crash-loops", At(14), At(15));
        Assert.Equal(4L, Assert.Single(loops)["failures"]);
        var recovery = Assert.Single(await s.RunAsync("service-recovery", At(14), At(15)));
        Assert.Equal(4L, recovery["failures"]);
        Assert.Equal(At(14, 4), recovery["first_failure_at"]);
        Assert.Equal(36L, recovery["minutes_to_recover"]);
        var timeline = await s.RunAsync("incident-timeline", At(14), At(15), ("min_severity", "error"));
        Assert.Equal(4, timeline.Count(r => (string?)r["source"] == "ecs_task"));
        var week = Assert.Single(await s.RunAsync("weekly-trends", Day, Day.AddDays(7)));
        Assert.Equal(4L, week["health_check_failures"]);
        Assert.Equal(1L, week["spot_interruptions"]);
        var stops = await s.RunAsync("task-stop-reasons", At(14), At(15));
        Assert.Equal(4L, stops.Where(r => (string?)r["stop_class"] == "health_check_failed").Sum(r => (long)r["tasks"]!));
        Assert.Equal(1L, stops.Where(r => (string?)r["stop_class"] == "replaced").Sum(r => (long)r["tasks"]!));
    }

    [Fact]
    public async Task CrashLoops_TasksThatNeverStart_AndNotSpotOrScaleIn()
    {
        await using var s = await new Scenario()
            .StoppedTask("web", null, At(10, 1), "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s)", exitCode: null, revision: 9)
            .StoppedTask("web", null, At(10, 3), "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s)", exitCode: null, revision: 9)
            .StoppedTask("web", null, At(10, 5), "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s)", exitCode: null, revision: 9)
            // Quick stops that are not failures: Spot capacity reclaimed and a scale-in, within minutes of starting.
            .StoppedTask("batch", At(10), At(10, 2), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
            .StoppedTask("batch", At(10), At(10, 3), "SpotInterruption", "Your Spot Task was interrupted.", exitCode: 143)
            .StoppedTask("batch", At(10), At(10, 4), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", exitCode: 137)
            .BuildAsync();

        var loop = Assert.Single(await s.RunAsync("crash-loops", At(9), At(11)));
        Assert.Equal("web", loop["service_name"]);
        Assert.Equal(9, loop["task_revision"]);
        Assert.Equal(3L, loop["failures"]);
        Assert.Equal(3L, loop["never_started"]);
        Assert.Equal("failed_to_start", loop["stop_classes"]);
    }

    [Fact]
    public async Task Timeline_EcsWarnIsAWarning()
    {
        await using var s = await new Scenario()
            .ServiceAction("api", At(10), "SERVICE_TASK_START_IMPAIRED", type: "WARN")
            .Deployment("api", At(10, 5), "ecs-svc/2", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/2 in progress.")
            .BuildAsync();
        var warnings = await s.RunAsync("incident-timeline", At(9), At(11), ("min_severity", "warning"));
        var row = Assert.Single(warnings);
        Assert.Equal("warning", row["severity"]);
        Assert.Equal("ecs_service", row["source"]);
    }

    // A real incident already under way when the window opens: a Health issue open since 13:58 (updated at
    // 14:30, closed at 16:02) naming prod/payments, and a deployment started at 13:57 that fails at 14:40.
    private static Scenario AlreadyGoingOn() => new Scenario()
        .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(13, 58), At(13, 58), [("arn:aws:ecs:us-east-1:123456789012:service/prod/payments", "IMPAIRED"), ("prod/checkout", "IMPAIRED")])
        .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(13, 58), At(14, 30), [("arn:aws:ecs:us-east-1:123456789012:service/prod/payments", "IMPAIRED"), ("prod/checkout", "RESOLVED")])
        .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "closed", At(13, 58), At(16, 2), [("arn:aws:ecs:us-east-1:123456789012:service/prod/payments", "RESOLVED"), ("prod/checkout", "RESOLVED")], end: At(16, 2))
        .Deployment("payments", At(13, 57), "ecs-svc/bad", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/bad in progress.")
        .StoppedTask("payments", At(14, 9), At(14, 10), "EssentialContainerExited", "Essential container in task exited", startedBy: "ecs-svc/bad", revision: 42)
        .StoppedTask("payments", At(14, 14), At(14, 15), "EssentialContainerExited", "Essential container in task exited", startedBy: "ecs-svc/bad", revision: 42)
        .StoppedTask("checkout", At(14, 15), At(14, 16), "EssentialContainerExited", "Essential container in task exited")
        .Deployment("payments", At(14, 40), "ecs-svc/bad", "SERVICE_DEPLOYMENT_FAILED", "ECS deployment circuit breaker: task failed to start.", type: "ERROR")
        .Deployment("payments", At(14, 40, 5), "ecs-svc/good", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/good.")
        .Deployment("payments", At(14, 46), "ecs-svc/good", "SERVICE_DEPLOYMENT_COMPLETED", "ECS deployment ecs-svc/good completed.")
        .ServiceAction("payments", At(14, 47), "SERVICE_STEADY_STATE");

    [Fact]
    public async Task Window_ShowsTheHealthEventAndDeploymentAlreadyUnderWay()
    {
        await using var s = await AlreadyGoingOn().BuildAsync();

        var health = Assert.Single(await s.RunAsync("health-impact", At(14), At(15)));
        Assert.Equal("open", health["status_at_start"]);
        Assert.Equal("open", health["status_code"]);
        // At 15:00 payments is still impaired and checkout resolved; both were impaired at some time in the window.
        Assert.Equal(1L, health["impaired_entities"]);
        Assert.Equal(2L, health["impaired_in_window"]);
        Assert.Equal("prod/checkout,prod/payments", health["named_ecs"]);
        Assert.Equal("entity", health["overlap_basis"]);
        Assert.Equal(3L, health["overlapping_task_failures"]);
        Assert.Equal(2L, (long)Assert.Single(await s.RunAsync("health-impact", At(14), At(15), ("service", "payments")))["overlapping_task_failures"]!);

        var deployments = await s.RunAsync("deployment-outcomes", At(14), At(15));
        var bad = Assert.Single(deployments, d => (string?)d["deployment_id"] == "ecs-svc/bad");
        Assert.Equal(At(13, 57), bad["started_at"]);
        Assert.Equal("failed", bad["outcome"]);
        Assert.Equal("ecs-svc/good", bad["rolled_back_by"]);
        Assert.Equal(2L, bad["failed_tasks"]);
        Assert.Equal("42", bad["task_revisions"]);
        Assert.Equal("payments:r42", bad["images"]);
        var back = Assert.Single(deployments, d => (string?)d["deployment_id"] == "ecs-svc/good");
        Assert.Equal(true, back["is_rollback"]);
        Assert.Equal("completed", back["outcome"]);

        var review = await IncidentReview.WriteAsync(s.Engine, At(14), At(15), null, "payments", CancellationToken.None);
        Assert.Contains("AWS Health AWS_ECS_OPERATIONAL_ISSUE was already open (since 2026-11-02 13:58), naming prod/checkout,prod/payments", review, StringComparison.Ordinal);
        Assert.Contains("Deployment ecs-svc/bad of payments was under way (started 2026-11-02 13:57, task definition revision 42); it failed at 2026-11-02 14:40.", review, StringComparison.Ordinal);
        Assert.Contains("Deployments: 1 failed; 1 rolled back by the circuit breaker.", review, StringComparison.Ordinal);
        Assert.Contains("Rolled back to ecs-svc/good, completed at 2026-11-02 14:46.", review, StringComparison.Ordinal);
        Assert.Contains("2026-11-02 13:57: deployment ecs-svc/bad of payments (task definition revision 42), 13 minutes before the first signal; it failed at 2026-11-02 14:40. Images: payments:r42.", review, StringComparison.Ordinal);
        Assert.Contains("AWS Health AWS_ECS_OPERATIONAL_ISSUE names prod/checkout,prod/payments", review, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS Health events\n\n_None", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Window_EndedBeforeItsStart_IsNotActive()
    {
        await using var s = await AlreadyGoingOn().BuildAsync();
        Assert.Empty(await s.RunAsync("health-impact", At(17), At(18)));
        Assert.Empty(await s.RunAsync("deployment-outcomes", At(17), At(18)));
        // lookback_days 0 reads only the window's own days: the 13:58 versions are on the same day, still seen.
        Assert.Single(await s.RunAsync("health-impact", At(14), At(15), ("lookback_days", "0")));
    }

    [Fact]
    public async Task Review_KeyTimes_FromFirstFailureToHumanSignalRollbackAndSteadyState()
    {
        await using var s = await AlreadyGoingOn().BuildAsync();
        var review = await IncidentReview.WriteAsync(s.Engine, At(13, 30), At(15, 30), null, "payments", CancellationToken.None);
        Assert.Contains("- First abnormal signal: 2026-11-02 14:10, Task ", review, StringComparison.Ordinal);
        // No Support case, no deployment by hand: nobody is known to have noticed.
        Assert.Contains("- Time to detect: unknown.", review, StringComparison.Ordinal);
        Assert.Contains("- Time to mitigate: 30 minutes (2026-11-02 14:40, rollback of payments to ecs-svc/good started, undoing failed deployment ecs-svc/bad).", review, StringComparison.Ordinal);
        Assert.Contains("- Time to recover: 37 minutes (2026-11-02 14:47, payments back to steady state).", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_TimeToDetect_IsTheFirstUserStopAfterTheFirstSignal_EvenAfterAnEarlierOne()
    {
        // Someone stopped an api task at 13:50 (routine), the first failure came at 14:10, and someone stopped another
        // api task at 14:25: that second stop is the first human signal after the first abnormal one.
        await using var s = await new Scenario()
            .StoppedTask("api", At(9), At(13, 50), "UserInitiated", "Task stopped by user", exitCode: 143)
            .StoppedTask("api", At(14, 9), At(14, 10), "EssentialContainerExited", "Essential container in task exited")
            .StoppedTask("api", At(9), At(14, 25), "UserInitiated", "Task stopped by user", exitCode: 143)
            .BuildAsync();

        var review = await IncidentReview.WriteAsync(s.Engine, At(13), At(15), null, "api", CancellationToken.None);

        Assert.Contains("- First abnormal signal: 2026-11-02 14:10, Task ", review, StringComparison.Ordinal);
        Assert.Contains("- Time to detect: 15 minutes (2026-11-02 14:25, a task of api stopped by someone).", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinishedBatchJob_WhoseLogRouterEcsStopped_IsCompletedNotAFailure()
    {
        // The job's essential container exited 0; ECS then stopped its log router (SIGTERM: 143). A crashed job beside it.
        await using var s = await new Scenario()
            .StoppedTask("report", At(2), At(2, 30), "EssentialContainerExited", "Essential container in task exited", exitCode: 0, sidecarExitCode: 143)
            .StoppedTask("report", At(3), At(3, 30), "EssentialContainerExited", "Essential container in task exited", exitCode: 2, sidecarExitCode: 143)
            .BuildAsync();

        var stops = await s.RunAsync("task-stop-reasons", Day, Day.AddDays(1));
        Assert.Equal(1L, Assert.Single(stops, r => (string?)r["stop_class"] == "completed")["tasks"]);
        Assert.Equal(1L, Assert.Single(stops, r => (string?)r["stop_class"] == "essential_container_exited")["tasks"]);
        Assert.Equal(1L, Assert.Single(await s.RunAsync("weekly-trends", Day, Day.AddDays(7)))["container_exits"]);
    }

    [Fact]
    public async Task ServiceState_TasksRunningAtTheWindowsStartAndEnd()
    {
        // A: running since two days before, still running. B: running since 13:00, killed by its container health
        // check at 14:30. C: started at 14:10 on a new revision. (Versions arriving out of order are covered for every
        // query by the reversed-redelivery test of CatalogAnswersTests.)
        await using var t = await new Scenario()
            .RunningTask("api", Day.AddDays(-2).AddHours(9), out _, revision: 7)
            .RunningTask("api", At(13), out var taskB, revision: 7)
            .RunningTask("api", At(14, 10), out _, revision: 8)
            .TaskStopped(taskB, "api", At(13), At(14, 30), "ServiceSchedulerInitiated", "Task failed container health checks", 137)
            .BuildAsync();

        var row = Assert.Single(await t.RunAsync("service-state", At(14), At(15)));
        Assert.Equal(2L, row["running_at_start"]);
        Assert.Equal("7", row["revisions_at_start"]);
        Assert.Equal(2L, row["running_at_end"]);
        Assert.Equal("7,8", row["revisions_at_end"]);
        Assert.Equal(1L, row["started_in_window"]);
        Assert.Equal(1L, row["stopped_in_window"]);
        Assert.Equal(1L, row["failed_in_window"]);

        var review = await IncidentReview.WriteAsync(t.Engine, At(14), At(15), null, "api", CancellationToken.None);
        Assert.Contains("- api: 2 tasks running (task definition revision 7); at the window's end 2 (task definition revision 7,8), after 1 started and 1 stopped (1 of them failures).", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthImpact_AnInstanceNoticeOverlapsTheTasksOnThatInstance_ARegionWideIssueTheRegion()
    {
        const string onIt = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/aaaa";
        const string other = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/bbbb";
        await using var s = await new Scenario()
            .ContainerInstance(onIt, "i-0abcd1111", Day.AddDays(-1))
            .ContainerInstance(other, "i-0ffff2222", Day.AddDays(-1))
            .Health("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED", "scheduledChange", "open", At(9), At(9), [("i-0abcd1111", "IMPAIRED")], service: "EC2")
            .Health("AWS_EBS_VOLUME_LOST", "issue", "open", At(9), At(9), [("vol-04e5b75b51ba5e835", "IMPAIRED")], service: "EBS")
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(9), At(9), [], scope: "PUBLIC")
            .StoppedTask("api", At(9), At(10), "EssentialContainerExited", "Essential container in task exited", containerInstanceArn: onIt)
            .StoppedTask("web", At(9), At(10, 5), "EssentialContainerExited", "Essential container in task exited", containerInstanceArn: other)
            .StoppedTask("web", At(9), At(10, 6), "EssentialContainerExited", "Essential container in task exited")
            .BuildAsync();
        var rows = (await s.RunAsync("health-impact", At(9), At(11))).ToDictionary(r => (string)r["event_type_code"]!);
        // One instance's retirement notice overlaps the one failure on that instance, not every failure in the region.
        Assert.Equal("entity", rows["AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"]["overlap_basis"]);
        Assert.Equal(1L, rows["AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED"]["overlapping_task_failures"]);
        Assert.Equal("none", rows["AWS_EBS_VOLUME_LOST"]["overlap_basis"]);
        Assert.Equal(0L, rows["AWS_EBS_VOLUME_LOST"]["overlapping_task_failures"]);
        Assert.Equal("region", rows["AWS_ECS_OPERATIONAL_ISSUE"]["overlap_basis"]);
        Assert.Equal(3L, rows["AWS_ECS_OPERATIONAL_ISSUE"]["overlapping_task_failures"]);
    }

    [Fact]
    public async Task HealthEvent_WithoutLastUpdatedTime_IsDatedByItsEnvelopeNotItsFutureStart()
    {
        // A scheduled change announced today for a start a month ahead: its row belongs to today's dt.
        await using var s = await new Scenario()
            .Health("AWS_ECS_TASK_PATCHING_RETIREMENT", "scheduledChange", "upcoming", Day.AddDays(30), null, [("prod/api", "PENDING")], published: At(9))
            .BuildAsync();
        var row = Assert.Single(await s.RunAsync("health-impact", At(8), At(10)));
        Assert.Equal("upcoming", row["status_code"]);
        Assert.Equal(Day.AddDays(30), row["start_time"]);
    }

    [Fact]
    public async Task WeeklyReport_TimeToRecoverPerWeek()
    {
        // api's first health-check kill at 14:04, its last at 14:16, steady again at 14:40: 36 minutes; the week before, nothing.
        await using var s = await HealthCheckOutage().BuildAsync();
        var report = await WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(6)), weeks: 2, CancellationToken.None);
        Assert.Empty(report.Weeks[0].MinutesToRecover);
        Assert.Equal([36L], report.Weeks[1].MinutesToRecover);
        Assert.Contains("| 36 / 36 |", WeeklyMarkdown.Write(report), StringComparison.Ordinal);
        Assert.Contains("Time to recover: median 36 minutes, longest 36, over 1 recoveries.", WeeklyMarkdown.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyTrends_EveryWeekOfTheWindow_EmptyOnesAsZero()
    {
        await using var s = await HealthCheckOutage().BuildAsync();
        var weeks = await s.RunAsync("weekly-trends", Day.AddDays(-7), Day.AddDays(14));
        Assert.Equal(["2026-10-26", "2026-11-02", "2026-11-09"], weeks.Select(w => (string)w["week_start"]!));
        Assert.Equal([0L, 4L, 0L], weeks.Select(w => (long)w["health_check_failures"]!));
        Assert.Equal([null, 4L, -4L], weeks.Select(w => (long?)w["health_check_failures_change"]));
    }
}
