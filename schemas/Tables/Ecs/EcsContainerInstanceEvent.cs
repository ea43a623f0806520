using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Ecs;

/// <summary>One ECS Container Instance State Change event.</summary>
[Table("ecs_container_instance_events", "One row per ECS Container Instance State Change event")]
public sealed class EcsContainerInstanceEvent : RawLakeRow
{
    /// <summary>The cluster's ARN.</summary>
    [JsonPropertyName("cluster_arn"), Column("Cluster ARN")] public string? ClusterArn { get; set; }
    /// <summary>The cluster's name.</summary>
    [JsonPropertyName("cluster_name"), Column("Cluster name")] public string? ClusterName { get; set; }
    /// <summary>The container instance's ARN.</summary>
    [JsonPropertyName("container_instance_arn"), Column("Container instance ARN")] public string ContainerInstanceArn { get; set; } = "";
    /// <summary>The EC2 instance id.</summary>
    [JsonPropertyName("ec2_instance_id"), Column("EC2 instance id")] public string? Ec2InstanceId { get; set; }
    /// <summary>ACTIVE, DRAINING…</summary>
    [JsonPropertyName("status"), Column("ACTIVE, DRAINING, INACTIVE…")] public string? Status { get; set; }
    /// <summary>Whether the ECS agent is connected.</summary>
    [JsonPropertyName("agent_connected"), Column("ECS agent connected")] public bool? AgentConnected { get; set; }
    /// <summary>The agent update status, when an update is under way.</summary>
    [JsonPropertyName("agent_update_status"), Column("Agent update status")] public string? AgentUpdateStatus { get; set; }
    /// <summary><c>detail.version</c>: the highest is the latest state.</summary>
    [JsonPropertyName("instance_version"), Column("detail.version; the highest is the latest state")] public long InstanceVersion { get; set; }
    /// <summary>Registered CPU units.</summary>
    [JsonPropertyName("registered_cpu"), Column("Registered CPU units")] public int? RegisteredCpu { get; set; }
    /// <summary>Registered memory, MiB.</summary>
    [JsonPropertyName("registered_memory_mib"), Column("Registered memory (MiB)")] public int? RegisteredMemoryMib { get; set; }
    /// <summary>Remaining CPU units.</summary>
    [JsonPropertyName("remaining_cpu"), Column("Remaining CPU units")] public int? RemainingCpu { get; set; }
    /// <summary>Remaining memory, MiB.</summary>
    [JsonPropertyName("remaining_memory_mib"), Column("Remaining memory (MiB)")] public int? RemainingMemoryMib { get; set; }
    /// <summary>When this state was recorded.</summary>
    [JsonPropertyName("updated_at"), Ts, Column("updatedAt (UTC)")] public DateTime? UpdatedAt { get; set; }
    /// <summary>warning when not ACTIVE or the agent disconnected, else info (<see cref="Semantics.Severity"/>).</summary>
    [JsonPropertyName("severity"), Column("warning when not ACTIVE or the agent is disconnected, else info")] public string? Severity { get; set; }
}
