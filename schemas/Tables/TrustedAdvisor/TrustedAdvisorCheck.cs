using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.TrustedAdvisor;

/// <summary>
/// A Trusted Advisor check as DescribeTrustedAdvisorChecks described it: one row per check, distinct definition and
/// day observed (a check whose name, description or columns change gets a new row, dated by when that was observed; an
/// unchanged one gets one row a day the collector ran, so a bounded range of days always holds every check's name).
/// </summary>
[Table("trusted_advisor_checks", "One row per Trusted Advisor check, distinct definition and day observed (DescribeTrustedAdvisorChecks)")]
public sealed class TrustedAdvisorCheck : RawLakeRow
{
    /// <summary>The check's id.</summary>
    [JsonPropertyName("check_id"), Column("Check id")] public string CheckId { get; set; } = "";
    /// <summary>The check's name.</summary>
    [JsonPropertyName("name"), Column("Check name")] public string? Name { get; set; }
    /// <summary>cost_optimizing, security, fault_tolerance, performance, service_limits (the pillar).</summary>
    [JsonPropertyName("category"), Column("cost_optimizing, security, fault_tolerance, performance, service_limits")] public string? Category { get; set; }
    /// <summary>What the check looks at and recommends (HTML).</summary>
    [JsonPropertyName("description"), Column("What the check looks at (HTML)")] public string? Description { get; set; }
    /// <summary>The names of the check's own metadata columns, in the order flagged resources give their values.</summary>
    [JsonPropertyName("metadata_columns"), Column("Names of the check's metadata columns, in order")] public List<string>? MetadataColumns { get; set; }
    /// <summary>When the definition was observed.</summary>
    [JsonPropertyName("observed_at"), Ts, Column("When it was observed (UTC)")] public DateTime? ObservedAt { get; set; }
}
