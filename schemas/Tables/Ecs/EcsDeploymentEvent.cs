using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Ecs;

/// <summary>One ECS Deployment State Change event.</summary>
[Table("ecs_deployment_events", "One row per ECS Deployment State Change event")]
public sealed class EcsDeploymentEvent : RawLakeRow
{
    /// <summary>The service's ARN, from <c>resources[0]</c>.</summary>
    [JsonPropertyName("service_arn"), Column("Service ARN (resources[0])")] public string ServiceArn { get; set; } = "";
    /// <summary>The cluster's name, from the service ARN (null for old-format ARNs).</summary>
    [JsonPropertyName("cluster_name"), Column("Cluster name from the service ARN; null for old-format ARNs")] public string? ClusterName { get; set; }
    /// <summary>The service's name.</summary>
    [JsonPropertyName("service_name"), Column("Service name")] public string? ServiceName { get; set; }
    /// <summary>INFO, WARN or ERROR.</summary>
    [JsonPropertyName("event_type"), Column("INFO, WARN or ERROR")] public string? EventType { get; set; }
    /// <summary>e.g. SERVICE_DEPLOYMENT_COMPLETED.</summary>
    [JsonPropertyName("event_name"), Column("e.g. SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED, _FAILED")] public string EventName { get; set; } = "";
    /// <summary>The deployment's id.</summary>
    [JsonPropertyName("deployment_id"), Column("Deployment id")] public string? DeploymentId { get; set; }
    /// <summary>Why, in words (rollbacks and circuit breaker trips say so here).</summary>
    [JsonPropertyName("reason"), Column("Reason")] public string? Reason { get; set; }
    /// <summary>When the deployment state changed.</summary>
    [JsonPropertyName("updated_at"), Ts, Column("updatedAt (UTC)")] public DateTime? UpdatedAt { get; set; }
    /// <summary>info, warning or error, from <c>eventType</c> (<see cref="Semantics.Severity"/>).</summary>
    [JsonPropertyName("severity"), Column("info, warning or error, from eventType")] public string? Severity { get; set; }
}
