using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.TrustedAdvisor;

/// <summary>
/// A resource a Trusted Advisor check flagged, in one result: one row per resource per result observed. Each check has
/// its own columns, so the resource's values are a map keyed by the check's metadata column names, never a column per
/// field.
/// </summary>
[Table("trusted_advisor_flagged_resources", "One row per resource flagged by a Trusted Advisor check, per result observed")]
public sealed class TrustedAdvisorFlaggedResource : LakeRow
{
    /// <summary>The check's id.</summary>
    [JsonPropertyName("check_id"), Column("Check id")] public string CheckId { get; set; } = "";
    /// <summary>The resource's id in Trusted Advisor (a hash, stable across results).</summary>
    [JsonPropertyName("resource_id"), Column("Resource id (stable across results)")] public string ResourceId { get; set; } = "";
    /// <summary>ok, warning, error.</summary>
    [JsonPropertyName("status"), Column("ok, warning, error")] public string? Status { get; set; }
    /// <summary>The resource's region.</summary>
    [JsonPropertyName("resource_region"), Column("Region of the resource")] public string? ResourceRegion { get; set; }
    /// <summary>Whether the user suppressed it.</summary>
    [JsonPropertyName("is_suppressed"), Column("Suppressed by the user")] public bool? IsSuppressed { get; set; }
    /// <summary>The resource's values, keyed by the check's metadata column names.</summary>
    [JsonPropertyName("metadata"), Column("Values keyed by the check's metadata column names")] public Dictionary<string, string>? Metadata { get; set; }
    /// <summary>When it was observed.</summary>
    [JsonPropertyName("observed_at"), Ts, Column("When it was observed (UTC)")] public DateTime? ObservedAt { get; set; }
}
