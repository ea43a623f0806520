using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Ecs;

/// <summary>One ECS Service Action event (steady state, placement failures, start impairments…).</summary>
[Table("ecs_service_actions", "One row per ECS Service Action event")]
public sealed class EcsServiceAction : RawLakeRow
{
    /// <summary>The service's ARN, from <c>resources[0]</c>.</summary>
    [JsonPropertyName("service_arn"), Column("Service ARN (resources[0])")] public string? ServiceArn { get; set; }
    /// <summary>The cluster's ARN.</summary>
    [JsonPropertyName("cluster_arn"), Column("Cluster ARN")] public string? ClusterArn { get; set; }
    /// <summary>The cluster's name.</summary>
    [JsonPropertyName("cluster_name"), Column("Cluster name")] public string? ClusterName { get; set; }
    /// <summary>The service's name.</summary>
    [JsonPropertyName("service_name"), Column("Service name")] public string? ServiceName { get; set; }
    /// <summary>INFO, WARN or ERROR.</summary>
    [JsonPropertyName("event_type"), Column("INFO, WARN or ERROR")] public string? EventType { get; set; }
    /// <summary>e.g. SERVICE_STEADY_STATE, SERVICE_TASK_PLACEMENT_FAILURE.</summary>
    [JsonPropertyName("event_name"), Column("e.g. SERVICE_STEADY_STATE, SERVICE_TASK_PLACEMENT_FAILURE")] public string EventName { get; set; } = "";
    /// <summary>Why, e.g. RESOURCE:CPU.</summary>
    [JsonPropertyName("reason"), Column("Reason, e.g. RESOURCE:CPU")] public string? Reason { get; set; }
    /// <summary>Capacity providers named by the event.</summary>
    [JsonPropertyName("capacity_provider_arns"), Column("Capacity provider ARNs")] public List<string>? CapacityProviderArns { get; set; }
    /// <summary>Container instances named by the event.</summary>
    [JsonPropertyName("container_instance_arns"), Column("Container instance ARNs")] public List<string>? ContainerInstanceArns { get; set; }
    /// <summary>When the action happened.</summary>
    [JsonPropertyName("created_at"), Ts, Column("createdAt (UTC)")] public DateTime? CreatedAt { get; set; }
    /// <summary>info, warning or error, from <c>eventType</c> (<see cref="Semantics.Severity"/>).</summary>
    [JsonPropertyName("severity"), Column("info, warning or error, from eventType")] public string? Severity { get; set; }
}
