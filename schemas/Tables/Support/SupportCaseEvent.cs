using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Support;

/// <summary>One EventBridge Support Case Update event: a thin pointer to a change of a case.</summary>
[Table("support_case_events", "One row per Support Case Update event")]
public sealed class SupportCaseEvent : RawLakeRow
{
    /// <summary>The case id.</summary>
    [JsonPropertyName("case_id"), Column("Case id")] public string CaseId { get; set; } = "";
    /// <summary>The id shown in the console.</summary>
    [JsonPropertyName("display_id"), Column("Display id")] public string? DisplayId { get; set; }
    /// <summary>The communication the event points to, if any.</summary>
    [JsonPropertyName("communication_id"), Column("Communication id, if any")] public string? CommunicationId { get; set; }
    /// <summary>CreateCase, AddCommunicationToCase, ResolveCase or ReopenCase.</summary>
    [JsonPropertyName("event_name"), Column("CreateCase, AddCommunicationToCase, ResolveCase, ReopenCase")] public string EventName { get; set; } = "";
    /// <summary>Who caused it (e.g. AWS, CUSTOMER), if given.</summary>
    [JsonPropertyName("origin"), Column("Origin, if given")] public string? Origin { get; set; }
}
