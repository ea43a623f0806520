using System.Buffers;
using Analytics.Schemas.Tables.Ecs;

namespace Analytics.Schemas.Semantics;

/// <summary>
/// Why an ECS task stopped, as one word of a small documented set, decided from the stop code, the stopped
/// reason and the containers' reasons and exit codes together: the stop code alone does not tell a failure
/// from routine (the scheduler stops tasks that fail health checks with the same <c>ServiceSchedulerInitiated</c>
/// it uses for scale-ins). Ingest writes it to <c>ecs_task_events.stop_class</c>; every query and the review
/// read that column, so this class is the only place the rules live.
/// </summary>
/// <remarks>
/// Sources: the ECS API's <c>TaskStopCode</c> (<c>EssentialContainerExited</c>, <c>InfrastructureHealth</c>,
/// <c>ServiceSchedulerInitiated</c>, <c>SpotInterruption</c>, <c>TaskFailedToStart</c>, <c>TerminationNotice</c>,
/// <c>UserInitiated</c>) and the stopped reasons of AWS's "Why is my Amazon ECS task stopped?" article.
/// </remarks>
public static class StopClass
{
    /// <summary>The load balancer's or the container's health check failed and the scheduler replaced the task.</summary>
    public const string HealthCheckFailed = "health_check_failed";

    /// <summary>A container was killed for running out of memory (its reason starts with <c>OutOfMemoryError</c>).</summary>
    public const string OutOfMemory = "out_of_memory";

    /// <summary>An essential container exited on its own with a non-zero exit code (or none recorded, or no container exited 0).</summary>
    public const string EssentialContainerExited = "essential_container_exited";

    /// <summary>The task never started: image pull, resource initialization, secrets, network setup.</summary>
    public const string FailedToStart = "failed_to_start";

    /// <summary>Spot capacity was reclaimed (<c>SpotInterruption</c>; <c>TerminationNotice</c> in older documents).</summary>
    public const string SpotInterruption = "spot_interruption";

    /// <summary>AWS stopped the task for the health or maintenance of the infrastructure under it.</summary>
    public const string Infrastructure = "infrastructure";

    /// <summary>The scheduler stopped a healthy task: scale-in, or replaced by a deployment.</summary>
    public const string Replaced = "replaced";

    /// <summary>Someone (a person, a pipeline, the API) stopped the task.</summary>
    public const string UserStopped = "user_stopped";

    /// <summary>
    /// An essential container exited with code 0 and the others exited 0 or were stopped by ECS after it (143 or 137):
    /// a task that finished its work.
    /// </summary>
    public const string Completed = "completed";

    /// <summary>A stop this set does not recognise; listed, never counted as routine.</summary>
    public const string Other = "other";

    /// <summary>Every class, in the order documents list them (failures first).</summary>
    public static IReadOnlyList<string> All { get; } =
        [HealthCheckFailed, OutOfMemory, EssentialContainerExited, FailedToStart, Infrastructure, SpotInterruption, Other, Replaced, UserStopped, Completed];

    /// <summary>The classes that are the service's own failures: what a crash loop, a change failure and recovery are made of.</summary>
    public static IReadOnlyList<string> Failures { get; } = [HealthCheckFailed, OutOfMemory, EssentialContainerExited, FailedToStart];

    /// <summary>The classes a review lists as abnormal stops: the failures, plus stops AWS caused and stops nobody explains.</summary>
    public static IReadOnlyList<string> Abnormal { get; } = [.. Failures, Infrastructure, SpotInterruption, Other];

    /// <summary>True for a class of <see cref="Failures"/>.</summary>
    public static bool IsFailure(string? stopClass) => stopClass is not null && Failures.Contains(stopClass);

    /// <summary>True for a class of <see cref="Abnormal"/>.</summary>
    public static bool IsAbnormal(string? stopClass) => stopClass is not null && Abnormal.Contains(stopClass);

    /// <summary>The severity of a stop of this class (<see cref="Severity"/>); null for no stop.</summary>
    public static string? SeverityOf(string? stopClass) => stopClass switch
    {
        null => null,
        _ when IsFailure(stopClass) => Severity.Error,
        Infrastructure or SpotInterruption or Other => Severity.Warning,
        _ => Severity.Info,
    };

    /// <summary>
    /// Classifies a task's stop. Null when the task has not begun to stop (no stop code and no stopped reason).
    /// </summary>
    /// <param name="stopCode">The task's <c>stopCode</c>.</param>
    /// <param name="stoppedReason">The task's <c>stoppedReason</c>.</param>
    /// <param name="containers">The task's containers at that state (their <c>reason</c> and <c>exitCode</c> are read).</param>
    public static string? Classify(string? stopCode, string? stoppedReason, IReadOnlyList<EcsContainer> containers)
    {
        ArgumentNullException.ThrowIfNull(containers);
        if (string.IsNullOrEmpty(stopCode) && string.IsNullOrEmpty(stoppedReason)) return null;
        var reason = stoppedReason ?? "";
        // The kill is the cause whatever the scheduler says next: an OOM-killed essential container ends the task.
        if (containers.Any(c => c.Reason?.StartsWith("OutOfMemoryError", StringComparison.Ordinal) == true)) return OutOfMemory;
        if (Has(reason, HealthCheck)) return HealthCheckFailed;
        if (stopCode == "TaskFailedToStart" || Has(reason, StartErrors) || containers.Any(c => Has(c.Reason, StartErrors)))
            return FailedToStart;
        switch (stopCode)
        {
            case "SpotInterruption" or "TerminationNotice":
                return SpotInterruption;
            case "InfrastructureHealth":
                return Infrastructure;
            case "UserInitiated":
                return UserStopped;
            case "EssentialContainerExited":
                // When an essential container exits, ECS stops the task's other containers (SIGTERM, then SIGKILL after
                // the stop timeout: 143 and 137). An exit 0 beside only those is a task that finished its work.
                var exits = containers.Where(c => c.ExitCode is not null).ToList();
                return exits.Any(c => c.ExitCode == 0) && exits.All(c => c.ExitCode is 0 or StoppedBySigterm or StoppedBySigkill)
                    ? Completed : EssentialContainerExited;
            case "ServiceSchedulerInitiated":
                if (Has(reason, InfrastructureReasons)) return Infrastructure;
                return Has(reason, ReplacedReasons) ? Replaced : Other;
        }
        if (Has(reason, UserReasons)) return UserStopped;
        if (Has(reason, EssentialExited)) return EssentialContainerExited;
        return Other;
    }

    private const int StoppedBySigterm = 143;
    private const int StoppedBySigkill = 137;

    // Errors that mean the task never got to run its code, from the stopped-task troubleshooting guide.
    private static readonly SearchValues<string> StartErrors = Phrases(
        "CannotPullContainerError", "ResourceInitializationError", "CannotStartContainerError", "CannotCreateContainerError",
        "CannotInspectContainerError", "ContainerRuntimeError", "ContainerRuntimeTimeoutError", "Timeout waiting for network interface provisioning");

    // The phrases of stopped reasons, from the same guide.
    private static readonly SearchValues<string> HealthCheck = Phrases("health check");
    private static readonly SearchValues<string> InfrastructureReasons = Phrases("maintenance", "unhealthy container instance", "instance is unhealthy");
    private static readonly SearchValues<string> ReplacedReasons = Phrases("scaling activity", "deployment", "scale-in");
    private static readonly SearchValues<string> UserReasons = Phrases("stopped by user", "stopped by the user");
    private static readonly SearchValues<string> EssentialExited = Phrases("essential container in task exited");

    // Each set is searched for at once, ignoring case: every stop's reason and its containers' are searched for several.
    private static SearchValues<string> Phrases(params string[] phrases) => SearchValues.Create(phrases, StringComparison.OrdinalIgnoreCase);

    private static bool Has(string? text, SearchValues<string> phrases) => text is not null && text.AsSpan().ContainsAny(phrases);
}
