using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Health;

/// <summary>One entity affected by one version of a Health event.</summary>
[Table("health_affected_entities", "One row per affected entity per Health event version")]
public sealed class HealthAffectedEntity : LakeRow
{
    /// <summary>The Health event's ARN.</summary>
    [JsonPropertyName("event_arn"), Column("Health event ARN")] public string EventArn { get; set; } = "";
    /// <summary>The event version's last update time (the parent's, or the entity's own from the API).</summary>
    [JsonPropertyName("last_updated_time"), Ts, Column("Last update time (UTC)")] public DateTime? LastUpdatedTime { get; set; }
    /// <summary>The entity, e.g. an instance id or ARN.</summary>
    [JsonPropertyName("entity_value"), Column("Entity, e.g. instance id or ARN")] public string EntityValue { get; set; } = "";
    /// <summary>The entity's ARN in Health.</summary>
    [JsonPropertyName("entity_arn"), Column("Entity ARN in Health")] public string? EntityArn { get; set; }
    /// <summary>IMPAIRED, UNIMPAIRED, UNKNOWN, PENDING, RESOLVED.</summary>
    [JsonPropertyName("entity_status"), Column("IMPAIRED, UNIMPAIRED, UNKNOWN, PENDING, RESOLVED")] public string? EntityStatus { get; set; }
    /// <summary>The account the entity belongs to.</summary>
    [JsonPropertyName("affected_account"), Column("Account of the entity")] public string? AffectedAccount { get; set; }
    /// <summary>The entity's tags.</summary>
    [JsonPropertyName("tags"), Column("Entity tags")] public Dictionary<string, string>? Tags { get; set; }
}
