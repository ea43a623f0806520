using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.TrustedAdvisor;

/// <summary>
/// A Trusted Advisor check's result as DescribeTrustedAdvisorCheckResult (or the check summaries) gave it: one row per
/// check and result observed, so a check's trend is kept. A result Trusted Advisor has not refreshed since the last
/// observation is the same row; <see cref="LakeRow.EventTime"/> is the result's own timestamp.
/// </summary>
[Table("trusted_advisor_check_results", "One row per Trusted Advisor check result observed (DescribeTrustedAdvisorCheckResult)")]
public sealed class TrustedAdvisorCheckResult : RawLakeRow
{
    /// <summary>The check's id.</summary>
    [JsonPropertyName("check_id"), Column("Check id")] public string CheckId { get; set; } = "";
    /// <summary>The check's category (its pillar), from its definition.</summary>
    [JsonPropertyName("category"), Column("Category (pillar) of the check")] public string? Category { get; set; }
    /// <summary>ok, warning, error, not_available.</summary>
    [JsonPropertyName("status"), Column("ok, warning, error, not_available")] public string? Status { get; set; }
    /// <summary>Resources the check looked at.</summary>
    [JsonPropertyName("resources_processed"), Column("Resources processed")] public long? ResourcesProcessed { get; set; }
    /// <summary>Resources flagged.</summary>
    [JsonPropertyName("resources_flagged"), Column("Resources flagged")] public long? ResourcesFlagged { get; set; }
    /// <summary>Resources ignored (excluded by the check).</summary>
    [JsonPropertyName("resources_ignored"), Column("Resources ignored")] public long? ResourcesIgnored { get; set; }
    /// <summary>Resources suppressed by the user.</summary>
    [JsonPropertyName("resources_suppressed"), Column("Resources suppressed")] public long? ResourcesSuppressed { get; set; }
    /// <summary>Cost optimizing checks: estimated monthly savings (USD).</summary>
    [JsonPropertyName("estimated_monthly_savings"), Column("Estimated monthly savings, USD (cost optimizing checks)")] public double? EstimatedMonthlySavings { get; set; }
    /// <summary>Cost optimizing checks: savings as a share of the monthly bill (percent).</summary>
    [JsonPropertyName("estimated_percent_monthly_savings"), Column("Estimated monthly savings, percent (cost optimizing checks)")] public double? EstimatedPercentMonthlySavings { get; set; }
    /// <summary>When it was observed.</summary>
    [JsonPropertyName("observed_at"), Ts, Column("When it was observed (UTC)")] public DateTime? ObservedAt { get; set; }
}
