using Analytics.Query.Reports.Weekly;
using Analytics.Query.Reports;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// A circuit-breaker rollback as ECS documents it (DeploymentCircuitBreaker in the ECS API reference, and
/// ../shared/DOMAIN.md): the service returns to the last deployment that completed, and ECS runs and completes the
/// rollback under that deployment's own id. "rolling back to deploymentId X" names the good deployment X; the
/// failed one is the deployment whose SERVICE_DEPLOYMENT_FAILED came just before.
/// </summary>
public sealed class RollbackScenarioTests
{
    private const string Exited = "Essential container in task exited";

    // ecs-svc/good (revision 41) completed at 12:00. ecs-svc/bad (revision 42) starts at 13:57; its tasks exit
    // at 14:10 and 14:15; the circuit breaker fails it at 14:40 and rolls back to ecs-svc/good, which starts again
    // under its own id at 14:40:05, starts a task at 14:42 and completes at 14:46; steady state at 14:47.
    internal static Scenario CircuitBreaker() => new Scenario()
        .Deployment("payments", At(11, 50), "ecs-svc/good", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/good in progress.")
        .RunningTask("payments", At(11, 52), out _, revision: 41, startedBy: "ecs-svc/good")
        .Deployment("payments", At(12), "ecs-svc/good", "SERVICE_DEPLOYMENT_COMPLETED", "ECS deployment ecs-svc/good completed.")
        .Deployment("payments", At(13, 57), "ecs-svc/bad", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/bad in progress.")
        .StoppedTask("payments", At(14, 9), At(14, 10), "EssentialContainerExited", Exited, startedBy: "ecs-svc/bad", revision: 42)
        .StoppedTask("payments", At(14, 14), At(14, 15), "EssentialContainerExited", Exited, startedBy: "ecs-svc/bad", revision: 42)
        .Deployment("payments", At(14, 40), "ecs-svc/bad", "SERVICE_DEPLOYMENT_FAILED", "ECS deployment circuit breaker: task failed to start.", type: "ERROR")
        .Deployment("payments", At(14, 40, 5), "ecs-svc/good", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/good.")
        .RunningTask("payments", At(14, 42), out _, revision: 41, startedBy: "ecs-svc/good")
        .Deployment("payments", At(14, 46), "ecs-svc/good", "SERVICE_DEPLOYMENT_COMPLETED", "ECS deployment ecs-svc/good completed.")
        .ServiceAction("payments", At(14, 47), "SERVICE_STEADY_STATE");

    [Fact]
    public async Task DeploymentOutcomes_RollbackUnderTheGoodDeploymentsId_IsItsOwnRowUndoingTheFailedOne()
    {
        await using var s = await CircuitBreaker().BuildAsync();

        var rows = await s.RunAsync("deployment-outcomes", At(11), At(16));

        Assert.Equal(["ecs-svc/good", "ecs-svc/bad", "ecs-svc/good"], rows.Select(r => (string)r["deployment_id"]!));
        var (first, bad, rollback) = (rows[0], rows[1], rows[2]);
        // The good deployment's first life: an ordinary deployment that completed, undone by nothing.
        Assert.Equal(false, first["is_rollback"]);
        Assert.Equal("completed", first["outcome"]);
        Assert.Equal(At(12), first["ended_at"]);
        Assert.Null(first["rolled_back_by"]);
        Assert.Null(first["rolls_back"]);
        Assert.Equal("41", first["task_revisions"]);
        // The failed deployment, rolled back by the circuit breaker to ecs-svc/good.
        Assert.Equal(false, bad["is_rollback"]);
        Assert.Equal("failed", bad["outcome"]);
        Assert.Equal("ecs-svc/good", bad["rolled_back_by"]);
        Assert.Equal(2L, bad["failed_tasks"]);
        Assert.Equal("42", bad["task_revisions"]);
        // The rollback: the good id's second start, undoing ecs-svc/bad; its tasks are those started after it began.
        Assert.Equal(true, rollback["is_rollback"]);
        Assert.Equal("ecs-svc/bad", rollback["rolls_back"]);
        Assert.Equal("ecs-svc/good", rollback["returns_to"]);
        Assert.Equal(At(14, 40, 5), rollback["started_at"]);
        Assert.Equal(At(14, 46), rollback["ended_at"]);
        Assert.Equal("completed", rollback["outcome"]);
        Assert.Equal("41", rollback["task_revisions"]);
        Assert.Equal(0L, rollback["failed_tasks"]);
    }

    [Fact]
    public async Task DeploymentOutcomes_WindowAfterTheGoodDeploymentCompleted_ShowsTheFailureAndItsRollback()
    {
        await using var s = await CircuitBreaker().BuildAsync();

        var rows = await s.RunAsync("deployment-outcomes", At(14), At(15));

        // ecs-svc/good's first life ended at 12:00, before the window: only its rollback life is active in it.
        Assert.Equal(["ecs-svc/bad", "ecs-svc/good"], rows.Select(r => (string)r["deployment_id"]!));
        Assert.Equal("ecs-svc/good", rows[0]["rolled_back_by"]);
        Assert.Equal(At(13, 57), rows[0]["started_at"]);
        Assert.Equal(true, rows[1]["is_rollback"]);
        Assert.Equal("ecs-svc/bad", rows[1]["rolls_back"]);
    }

    [Fact]
    public async Task Review_TimeToMitigate_IsTheRollbackUnderTheGoodId()
    {
        await using var s = await CircuitBreaker().BuildAsync();

        var review = await IncidentReview.WriteAsync(s.Engine, At(14), At(15, 30), null, "payments", CancellationToken.None);

        Assert.Contains("- First abnormal signal: 2026-11-02 14:10, Task ", review, StringComparison.Ordinal);
        Assert.Contains("- Time to mitigate: 30 minutes (2026-11-02 14:40, rollback of payments to ecs-svc/good started, undoing failed deployment ecs-svc/bad).", review, StringComparison.Ordinal);
        Assert.Contains("Deployments: 1 failed; 1 rolled back by the circuit breaker.", review, StringComparison.Ordinal);
        Assert.Contains("Rolled back to ecs-svc/good, completed at 2026-11-02 14:46.", review, StringComparison.Ordinal);
        Assert.Contains("- Time to recover: 37 minutes (2026-11-02 14:47, payments back to steady state).", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyTrends_TheGoodDeploymentCountsAndTheRollbackDoesNot()
    {
        await using var s = await CircuitBreaker().BuildAsync();

        var week = Assert.Single(await s.RunAsync("weekly-trends", Day, Day.AddDays(7)));

        // Two deployments started by the team (good and bad), one failed; the rollback is the circuit breaker's.
        Assert.Equal(2L, week["deployments"]);
        Assert.Equal(1L, week["failed_deployments"]);
        Assert.Equal(0.5, week["change_failure_rate"]);
        var report = await WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(6)), weeks: 1, CancellationToken.None);
        var payments = Assert.Single(report.Services, f => f.Service == "payments");
        Assert.Equal(2, payments.Deployments);
        Assert.Equal(1, payments.FailedDeployments);
    }
}
