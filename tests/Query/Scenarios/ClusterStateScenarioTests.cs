using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// The cluster's state over a window, read from the ECS event stream as the console cannot (it keeps a service's last
/// 100 events): a deployment of revision 8 replacing revision 7, an OOM kill, a task that never started, and a container
/// instance drained and deregistered.
/// </summary>
public sealed class ClusterStateScenarioTests
{
    private const string Instance = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/0f3c4b1a";

    private static async Task<Scenario> DeploymentAsync()
    {
        var s = new Scenario()
            // Two tasks of revision 7 running since the morning; one is replaced at 14:20, the other keeps running.
            .RunningTask("api", At(9), out var old1).TaskStopped(old1, "api", At(9), At(14, 20), "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/2)", 143)
            .RunningTask("api", At(9, 1), out _)
            // Revision 8 starts at 14:10 and 14:12; the second is OOM-killed at 14:30.
            .RunningTask("api", At(14, 10), out _, revision: 8)
            .RunningTask("api", At(14, 12), out var oom, revision: 8).TaskStopped(oom, "api", At(14, 12), At(14, 30), "EssentialContainerExited", "Essential container in task exited", 137, revision: 8)
            // A task of revision 8 that never started is never running.
            .StoppedTask("api", null, At(14, 15), "TaskFailedToStart", "CannotPullContainerError: pull access denied", exitCode: null, revision: 8)
            // A container instance registered in the morning, drained at 14:25, deregistered at 14:40.
            .ContainerInstance(Instance, "i-0a1b2c3d", At(8), version: 1)
            .ContainerInstance(Instance, "i-0a1b2c3d", At(14, 25), status: "DRAINING", version: 2)
            .ContainerInstance(Instance, "i-0a1b2c3d", At(14, 40), status: "INACTIVE", version: 3);
        return await s.BuildAsync();
    }

    private static List<(DateTime Since, long Total)> Series(List<Dictionary<string, object?>> rows, Func<Dictionary<string, object?>, bool> which) =>
        [.. rows.Where(which).Select(r => ((DateTime)r["since"]!, (long)r["total"]!))];

    [Fact]
    public async Task ADeployment_IsOneRevisionGivingWayToTheNext()
    {
        await using var s = await DeploymentAsync();
        var rows = await s.RunAsync("cluster-state", At(14), At(15));

        // Revision 7: two running at the window's start (started at 9:00 and 9:01), one replaced at 14:20.
        Assert.Equal([(At(14), 2L), (At(14, 20), 1L), (At(15), 1L)], Series(rows, r => (string?)r["kind"] == "tasks" && (int?)r["task_revision"] == 7));
        // Revision 8: up at 14:10 and 14:12, one OOM-killed at 14:30; the task that failed to start is never counted.
        Assert.Equal([(At(14, 10), 1L), (At(14, 12), 2L), (At(14, 30), 1L), (At(15), 1L)], Series(rows, r => (string?)r["kind"] == "tasks" && (int?)r["task_revision"] == 8));
        Assert.All(rows.Where(r => (string?)r["kind"] == "tasks"), r => Assert.Equal("api", r["service_name"]));
    }

    [Fact]
    public async Task AContainerInstance_IsActiveThenDrainingThenGone()
    {
        await using var s = await DeploymentAsync();
        var rows = await s.RunAsync("cluster-state", At(14), At(15), ("service", "api"));

        Assert.Equal([(At(14), 1L), (At(14, 25), 0L), (At(15), 0L)], Series(rows, r => (string?)r["instance_status"] == "ACTIVE"));
        Assert.Equal([(At(14, 25), 1L), (At(14, 40), 0L), (At(15), 0L)], Series(rows, r => (string?)r["instance_status"] == "DRAINING"));
        Assert.Equal([(At(14, 40), 1L), (At(15), 1L)], Series(rows, r => (string?)r["instance_status"] == "INACTIVE"));
    }

    [Fact]
    public async Task TheWindowsStart_SeesTasksStartedWithinTheLookBack_Only()
    {
        await using var s = await DeploymentAsync();
        // A window starting the next day, with no look-back: nothing of the day before is seen.
        Assert.Empty(await s.RunAsync("cluster-state", Day.AddDays(1), Day.AddDays(1).AddHours(1), ("lookback_days", "0")));
        // With a day's look-back, the two tasks still running at the day's end are running at the next day's start.
        var rows = await s.RunAsync("cluster-state", Day.AddDays(1), Day.AddDays(1).AddHours(1), ("lookback_days", "1"));
        Assert.Equal([(Day.AddDays(1), 1L), (Day.AddDays(1).AddHours(1), 1L)], Series(rows, r => (int?)r["task_revision"] == 7));
        Assert.Equal([(Day.AddDays(1), 1L), (Day.AddDays(1).AddHours(1), 1L)], Series(rows, r => (int?)r["task_revision"] == 8));
    }
}
