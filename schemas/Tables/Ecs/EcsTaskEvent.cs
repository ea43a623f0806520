using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Ecs;

/// <summary>One ECS Task State Change event. The latest state of a task is its highest <see cref="TaskVersion"/>.</summary>
[Table("ecs_task_events", "One row per distinct ECS Task State Change event")]
public sealed class EcsTaskEvent : RawLakeRow
{
    /// <summary>The cluster's ARN.</summary>
    [JsonPropertyName("cluster_arn"), Column("Cluster ARN")] public string? ClusterArn { get; set; }
    /// <summary>The cluster's name (last segment of its ARN).</summary>
    [JsonPropertyName("cluster_name"), Column("Cluster name")] public string? ClusterName { get; set; }
    /// <summary>The service, from <c>group</c> <c>service:NAME</c>; null for standalone tasks.</summary>
    [JsonPropertyName("service_name"), Column("Service name from group service:NAME; null for standalone tasks")] public string? ServiceName { get; set; }
    /// <summary>The task's <c>group</c>, e.g. <c>service:web</c> or <c>family:batch</c>.</summary>
    [JsonPropertyName("task_group"), Column("Task group: service:NAME or family:NAME")] public string? TaskGroup { get; set; }
    /// <summary>Who started the task (<c>ecs-svc/…</c> for service deployments).</summary>
    [JsonPropertyName("started_by"), Column("startedBy")] public string? StartedBy { get; set; }
    /// <summary>The task's ARN.</summary>
    [JsonPropertyName("task_arn"), Column("Task ARN")] public string TaskArn { get; set; } = "";
    /// <summary>The task's id (last segment of its ARN).</summary>
    [JsonPropertyName("task_id"), Column("Task id")] public string? TaskId { get; set; }
    /// <summary>The task definition's ARN.</summary>
    [JsonPropertyName("task_definition_arn"), Column("Task definition ARN")] public string? TaskDefinitionArn { get; set; }
    /// <summary>The task definition's family.</summary>
    [JsonPropertyName("task_family"), Column("Task definition family")] public string? TaskFamily { get; set; }
    /// <summary>The task definition's revision.</summary>
    [JsonPropertyName("task_revision"), Column("Task definition revision")] public int? TaskRevision { get; set; }
    /// <summary>EC2, FARGATE or EXTERNAL.</summary>
    [JsonPropertyName("launch_type"), Column("Launch type")] public string? LaunchType { get; set; }
    /// <summary>The capacity provider, e.g. FARGATE_SPOT.</summary>
    [JsonPropertyName("capacity_provider_name"), Column("Capacity provider")] public string? CapacityProviderName { get; set; }
    /// <summary>The Fargate platform version.</summary>
    [JsonPropertyName("platform_version"), Column("Fargate platform version")] public string? PlatformVersion { get; set; }
    /// <summary>The availability zone.</summary>
    [JsonPropertyName("availability_zone"), Column("Availability zone")] public string? AvailabilityZone { get; set; }
    /// <summary>The container instance the task runs on (EC2 launch type); null on Fargate.</summary>
    [JsonPropertyName("container_instance_arn"), Column("Container instance ARN (EC2 launch type); null on Fargate")] public string? ContainerInstanceArn { get; set; }
    /// <summary>The task's last known status (PROVISIONING … STOPPED).</summary>
    [JsonPropertyName("last_status"), Column("Last status")] public string? LastStatus { get; set; }
    /// <summary>The status the scheduler wants.</summary>
    [JsonPropertyName("desired_status"), Column("Desired status")] public string? DesiredStatus { get; set; }
    /// <summary>Why the task stopped, as a code (e.g. EssentialContainerExited, SpotInterruption).</summary>
    [JsonPropertyName("stop_code"), Column("Stop code")] public string? StopCode { get; set; }
    /// <summary>Why the task stopped, in words.</summary>
    [JsonPropertyName("stopped_reason"), Column("Stopped reason")] public string? StoppedReason { get; set; }
    /// <summary>When the task was created.</summary>
    [JsonPropertyName("created_at"), Ts, Column("createdAt (UTC)")] public DateTime? CreatedAt { get; set; }
    /// <summary>When the task started.</summary>
    [JsonPropertyName("started_at"), Ts, Column("startedAt (UTC)")] public DateTime? StartedAt { get; set; }
    /// <summary>When the task began stopping.</summary>
    [JsonPropertyName("stopping_at"), Ts, Column("stoppingAt (UTC)")] public DateTime? StoppingAt { get; set; }
    /// <summary>When the task stopped.</summary>
    [JsonPropertyName("stopped_at"), Ts, Column("stoppedAt (UTC)")] public DateTime? StoppedAt { get; set; }
    /// <summary>When the task's execution stopped.</summary>
    [JsonPropertyName("execution_stopped_at"), Ts, Column("executionStoppedAt (UTC)")] public DateTime? ExecutionStoppedAt { get; set; }
    /// <summary>When this state was recorded.</summary>
    [JsonPropertyName("updated_at"), Ts, Column("updatedAt (UTC)")] public DateTime? UpdatedAt { get; set; }
    /// <summary><c>detail.version</c>: increases with every state change; the highest is the latest state.</summary>
    [JsonPropertyName("task_version"), Column("detail.version; the highest is the task's latest state")] public long TaskVersion { get; set; }
    /// <summary>Task-level CPU units.</summary>
    [JsonPropertyName("cpu_units"), Column("Task CPU units")] public int? CpuUnits { get; set; }
    /// <summary>Task-level memory in MiB.</summary>
    [JsonPropertyName("memory_mib"), Column("Task memory (MiB)")] public int? MemoryMib { get; set; }
    /// <summary>The task's containers at this state.</summary>
    [JsonPropertyName("containers"), Column("Containers at this state")] public List<EcsContainer>? Containers { get; set; }
    /// <summary>Why the task stopped, classified from code, reason and containers (<see cref="Semantics.StopClass"/>); null until it begins to stop.</summary>
    [JsonPropertyName("stop_class"), Column("Why the task stopped: health_check_failed, out_of_memory, essential_container_exited, failed_to_start, infrastructure, spot_interruption, other, replaced, user_stopped, completed; null until it stops")] public string? StopClass { get; set; }
    /// <summary>info, warning or error (<see cref="Semantics.Severity"/>): the stop class's severity, info before a stop.</summary>
    [JsonPropertyName("severity"), Column("info, warning or error: the stop class's severity (info before a stop)")] public string? Severity { get; set; }
}

/// <summary>A container inside <see cref="EcsTaskEvent.Containers"/>.</summary>
public sealed class EcsContainer
{
    /// <summary>The container's name.</summary>
    [JsonPropertyName("name")] public string? Name { get; set; }
    /// <summary>The image reference.</summary>
    [JsonPropertyName("image")] public string? Image { get; set; }
    /// <summary>The image digest.</summary>
    [JsonPropertyName("image_digest")] public string? ImageDigest { get; set; }
    /// <summary>The container's last status.</summary>
    [JsonPropertyName("last_status")] public string? LastStatus { get; set; }
    /// <summary>The exit code, once stopped.</summary>
    [JsonPropertyName("exit_code")] public int? ExitCode { get; set; }
    /// <summary>Why it stopped (OutOfMemoryError… for OOM kills).</summary>
    [JsonPropertyName("reason")] public string? Reason { get; set; }
    /// <summary>The container runtime id.</summary>
    [JsonPropertyName("runtime_id")] public string? RuntimeId { get; set; }
}
