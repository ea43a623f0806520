using Analytics.Schemas.Semantics;
using Analytics.Schemas.Tables.Ecs;

namespace Analytics.Tests.Schemas.Semantics;

/// <summary>
/// Stops classified from code, reason and containers, with the stopped reasons of AWS's "Why is my Amazon ECS
/// task stopped?" guide and the stop codes of the ECS API (TaskStopCode).
/// </summary>
public sealed class StopClassTests
{
    private static readonly EcsContainer[] ExitedNonZero = [Container(null, 1), Container(null, 0)];

    private static EcsContainer Container(string? reason, int? exitCode) => new() { Reason = reason, ExitCode = exitCode };

    public static TheoryData<string?, string?, string> Documented => new()
    {
        { "ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123)", StopClass.HealthCheckFailed },
        { "ServiceSchedulerInitiated", "Task failed container health checks", StopClass.HealthCheckFailed },
        { "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/9909299324976484585)", StopClass.Replaced },
        { "ServiceSchedulerInitiated", "ECS is performing maintenance on the underlying infrastructure hosting the task", StopClass.Infrastructure },
        { "ServiceSchedulerInitiated", "Something new the scheduler says", StopClass.Other },
        { "TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s)", StopClass.FailedToStart },
        { null, "ResourceInitializationError: unable to pull secrets or registry auth", StopClass.FailedToStart },
        { "SpotInterruption", "Your Spot Task was interrupted.", StopClass.SpotInterruption },
        { "TerminationNotice", "Your Spot Task was interrupted.", StopClass.SpotInterruption },
        { "InfrastructureHealth", "Task stopped due to an infrastructure issue", StopClass.Infrastructure },
        { "UserInitiated", "Task stopped by user", StopClass.UserStopped },
        { "EssentialContainerExited", "Essential container in task exited", StopClass.EssentialContainerExited },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void Classify_DocumentedStops(string? code, string? reason, string expected)
    {
        Assert.Equal(expected, StopClass.Classify(code, reason, ExitedNonZero));
    }

    [Fact]
    public void Classify_OomKillWinsOverTheCode()
    {
        // Exit code 137 is any SIGKILL; only the container's OutOfMemoryError reason says memory.
        Assert.Equal(StopClass.OutOfMemory, StopClass.Classify("EssentialContainerExited", "Essential container in task exited",
            [Container("OutOfMemoryError: Container killed due to memory usage", 137)]));
        Assert.Equal(StopClass.EssentialContainerExited, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", [Container(null, 137)]));
    }

    [Fact]
    public void Classify_EveryContainerExitedZero_IsACompletedTask()
    {
        Assert.Equal(StopClass.Completed, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", [Container(null, 0), Container(null, 0)]));
        Assert.Equal(StopClass.EssentialContainerExited, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", []));
    }

    [Fact]
    public void Classify_EssentialExitedZeroAndEcsStoppedTheSidecars_IsACompletedTask()
    {
        // ECS stops the other containers when an essential one exits: SIGTERM (143), SIGKILL after the stop timeout (137).
        Assert.Equal(StopClass.Completed, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", [Container(null, 0), Container(null, 143)]));
        Assert.Equal(StopClass.Completed, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", [Container(null, 0), Container(null, 137), Container(null, 143)]));
        // A container that failed on its own is a failure, whatever the others did; signals alone say nothing finished.
        Assert.Equal(StopClass.EssentialContainerExited, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", [Container(null, 0), Container(null, 1)]));
        Assert.Equal(StopClass.EssentialContainerExited, StopClass.Classify("EssentialContainerExited", "Essential container in task exited", [Container(null, 143), Container(null, 137)]));
    }

    [Fact]
    public void Classify_NotStoppingYet_IsNull()
    {
        Assert.Null(StopClass.Classify(null, null, []));
        Assert.Null(StopClass.SeverityOf(null));
    }

    [Fact]
    public void Failures_AreErrors_ScaleInIsRoutine_SpotIsAWarning()
    {
        Assert.All(StopClass.Failures, c => Assert.Equal(Severity.Error, StopClass.SeverityOf(c)));
        Assert.Equal(Severity.Info, StopClass.SeverityOf(StopClass.Replaced));
        Assert.Equal(Severity.Warning, StopClass.SeverityOf(StopClass.SpotInterruption));
        Assert.False(StopClass.IsFailure(StopClass.SpotInterruption));
        Assert.True(StopClass.IsAbnormal(StopClass.SpotInterruption));
        Assert.Contains(StopClass.HealthCheckFailed, StopClass.Failures);
    }

    [Theory]
    [InlineData("WARN", Severity.Warning)]
    [InlineData("ERROR", Severity.Error)]
    [InlineData("INFO", Severity.Info)]
    [InlineData(null, Severity.Info)]
    public void Severity_OfEcsEventType(string? eventType, string expected) => Assert.Equal(expected, Severity.OfEcsEventType(eventType));
}
