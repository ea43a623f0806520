using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Ecs;

/// <summary>One container of one task event, flat, for BI tools that cannot unnest.</summary>
[Table("ecs_container_states", "One row per container per ECS task event (flat)")]
public sealed class EcsContainerState : LakeRow
{
    /// <summary>The cluster's name.</summary>
    [JsonPropertyName("cluster_name"), Column("Cluster name")] public string? ClusterName { get; set; }
    /// <summary>The service, or null for standalone tasks.</summary>
    [JsonPropertyName("service_name"), Column("Service name")] public string? ServiceName { get; set; }
    /// <summary>The task's ARN.</summary>
    [JsonPropertyName("task_arn"), Column("Task ARN")] public string TaskArn { get; set; } = "";
    /// <summary>The task's id.</summary>
    [JsonPropertyName("task_id"), Column("Task id")] public string? TaskId { get; set; }
    /// <summary>The task event's <c>detail.version</c>.</summary>
    [JsonPropertyName("task_version"), Column("Task event's detail.version")] public long TaskVersion { get; set; }
    /// <summary>The task definition revision.</summary>
    [JsonPropertyName("task_revision"), Column("Task definition revision")] public int? TaskRevision { get; set; }
    /// <summary>The container's name.</summary>
    [JsonPropertyName("container_name"), Column("Container name")] public string? ContainerName { get; set; }
    /// <summary>The image reference.</summary>
    [JsonPropertyName("image"), Column("Image")] public string? Image { get; set; }
    /// <summary>The container's last status.</summary>
    [JsonPropertyName("last_status"), Column("Container last status")] public string? LastStatus { get; set; }
    /// <summary>The exit code.</summary>
    [JsonPropertyName("exit_code"), Column("Exit code (137 is any SIGKILL, not necessarily OOM)")] public int? ExitCode { get; set; }
    /// <summary>Why the container stopped.</summary>
    [JsonPropertyName("reason"), Column("Reason the container stopped")] public string? Reason { get; set; }
    /// <summary>True when <see cref="Reason"/> starts with <c>OutOfMemoryError</c>.</summary>
    [JsonPropertyName("oom_killed"), Column("reason starts with OutOfMemoryError")] public bool OomKilled { get; set; }
    /// <summary>Container-level memory hard limit in MiB, when set.</summary>
    [JsonPropertyName("memory_mib"), Column("Container memory limit (MiB), when set")] public int? MemoryMib { get; set; }
    /// <summary>Container-level memory soft limit in MiB, when set.</summary>
    [JsonPropertyName("memory_reservation_mib"), Column("Container memory reservation (MiB), when set")] public int? MemoryReservationMib { get; set; }
}
