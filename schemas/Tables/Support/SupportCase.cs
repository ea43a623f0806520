using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Support;

/// <summary>
/// One observation of a support case (one appearance in a DescribeCases page). Identical observations
/// collapse into one row; the latest state of a case is its row with the highest <see cref="ObservedAt"/>.
/// </summary>
/// <remarks>Subjects and e-mail addresses are personal data.</remarks>
[Table("support_cases", "One row per distinct observation of a support case (DescribeCases)")]
public sealed class SupportCase : RawLakeRow
{
    /// <summary>The case id.</summary>
    [JsonPropertyName("case_id"), Column("Case id")] public string CaseId { get; set; } = "";
    /// <summary>The id shown in the console.</summary>
    [JsonPropertyName("display_id"), Column("Display id")] public string? DisplayId { get; set; }
    /// <summary>The subject (personal data).</summary>
    [JsonPropertyName("subject"), Column("Subject (personal data)")] public string? Subject { get; set; }
    /// <summary>opened, pending-customer-action, reopened, resolved, unassigned, work-in-progress.</summary>
    [JsonPropertyName("status"), Column("Case status")] public string? Status { get; set; }
    /// <summary>The AWS service code.</summary>
    [JsonPropertyName("service_code"), Column("Service code")] public string? ServiceCode { get; set; }
    /// <summary>The category code.</summary>
    [JsonPropertyName("category_code"), Column("Category code")] public string? CategoryCode { get; set; }
    /// <summary>low, normal, high, urgent, critical.</summary>
    [JsonPropertyName("severity_code"), Column("low, normal, high, urgent, critical")] public string? SeverityCode { get; set; }
    /// <summary>Who opened it (personal data).</summary>
    [JsonPropertyName("submitted_by"), Column("Submitter (personal data)")] public string? SubmittedBy { get; set; }
    /// <summary>When the case was created; also the row's event time.</summary>
    [JsonPropertyName("time_created"), Ts, Column("Created (UTC)")] public DateTime? TimeCreated { get; set; }
    /// <summary>The case's language.</summary>
    [JsonPropertyName("language"), Column("Language")] public string? Language { get; set; }
    /// <summary>CC addresses (personal data).</summary>
    [JsonPropertyName("cc_email_addresses"), Column("CC e-mail addresses (personal data)")] public List<string>? CcEmailAddresses { get; set; }
    /// <summary>When the observation was made, as recorded with the API page; null when none was (a document). Never a file time.</summary>
    [JsonPropertyName("observed_at"), Ts, Column("When the case was observed, as recorded with the API page (UTC); null when unknown")] public DateTime? ObservedAt { get; set; }
}
