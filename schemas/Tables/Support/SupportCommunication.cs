using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Support;

/// <summary>One communication on a support case.</summary>
/// <remarks>Bodies are personal data.</remarks>
[Table("support_communications", "One row per support case communication")]
public sealed class SupportCommunication : RawLakeRow
{
    /// <summary>The case id.</summary>
    [JsonPropertyName("case_id"), Column("Case id")] public string CaseId { get; set; } = "";
    /// <summary>When it was written; also the row's event time.</summary>
    [JsonPropertyName("time_created"), Ts, Column("Written (UTC)")] public DateTime? TimeCreated { get; set; }
    /// <summary>Who wrote it (personal data).</summary>
    [JsonPropertyName("submitted_by"), Column("Author (personal data)")] public string? SubmittedBy { get; set; }
    /// <summary>The text (personal data).</summary>
    [JsonPropertyName("body"), Column("Body (personal data)")] public string? Body { get; set; }
    /// <summary>How many attachments it carries.</summary>
    [JsonPropertyName("attachment_count"), Column("Number of attachments")] public int AttachmentCount { get; set; }
}
