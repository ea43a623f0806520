using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.Health;

/// <summary>
/// One version of an AWS Health event: each EventBridge delivery of a changed event, or each API observation.
/// The current state of an event is its row with the highest <see cref="LastUpdatedTime"/>.
/// </summary>
[Table("health_events", "One row per version of an AWS Health event (EventBridge event or API observation)")]
public sealed class HealthEvent : RawLakeRow
{
    /// <summary>The event's ARN, shared by all its versions and pages.</summary>
    [JsonPropertyName("event_arn"), Column("Event ARN, shared by all versions and pages")] public string EventArn { get; set; } = "";
    /// <summary>The AWS service, e.g. EC2.</summary>
    [JsonPropertyName("service"), Column("AWS service, e.g. EC2")] public string? Service { get; set; }
    /// <summary>e.g. AWS_EC2_OPERATIONAL_ISSUE.</summary>
    [JsonPropertyName("event_type_code"), Column("Event type code")] public string? EventTypeCode { get; set; }
    /// <summary>issue, accountNotification, scheduledChange, investigation.</summary>
    [JsonPropertyName("event_type_category"), Column("issue, accountNotification, scheduledChange, investigation")] public string? EventTypeCategory { get; set; }
    /// <summary>PUBLIC, ACCOUNT_SPECIFIC or NONE.</summary>
    [JsonPropertyName("event_scope_code"), Column("PUBLIC, ACCOUNT_SPECIFIC or NONE")] public string? EventScopeCode { get; set; }
    /// <summary>open, closed or upcoming.</summary>
    [JsonPropertyName("status_code"), Column("open, closed or upcoming")] public string? StatusCode { get; set; }
    /// <summary>The affected region (the envelope region is only where it was delivered).</summary>
    [JsonPropertyName("event_region"), Column("Affected region")] public string? EventRegion { get; set; }
    /// <summary>The affected availability zone, when given.</summary>
    [JsonPropertyName("availability_zone"), Column("Affected availability zone")] public string? AvailabilityZone { get; set; }
    /// <summary>When the event started.</summary>
    [JsonPropertyName("start_time"), Ts, Column("Start (UTC)")] public DateTime? StartTime { get; set; }
    /// <summary>When the event ended, if it has.</summary>
    [JsonPropertyName("end_time"), Ts, Column("End (UTC)")] public DateTime? EndTime { get; set; }
    /// <summary>When this version was published.</summary>
    [JsonPropertyName("last_updated_time"), Ts, Column("When this version was published (UTC)")] public DateTime? LastUpdatedTime { get; set; }
    /// <summary>The latest description (English where several languages are given).</summary>
    [JsonPropertyName("description"), Column("Latest description")] public string? Description { get; set; }
    /// <summary>The affected account, for account-specific events.</summary>
    [JsonPropertyName("affected_account"), Column("Affected account")] public string? AffectedAccount { get; set; }
    /// <summary>Shared by the pages of a split event.</summary>
    [JsonPropertyName("communication_id"), Column("Communication id, shared by the pages of a split event")] public string? CommunicationId { get; set; }
    /// <summary>This page's number, for events split across pages.</summary>
    [JsonPropertyName("page"), Column("Page number of a split event")] public int? Page { get; set; }
    /// <summary>How many pages the event was split into.</summary>
    [JsonPropertyName("total_pages"), Column("Total pages of a split event")] public int? TotalPages { get; set; }
    /// <summary>True for a copy sent to a backup region (the same event, not a new one).</summary>
    [JsonPropertyName("backup_event"), Column("Copy sent to a backup region")] public bool? BackupEvent { get; set; }
    /// <summary><c>eventbridge</c> or <c>api</c>.</summary>
    [JsonPropertyName("origin"), Column("eventbridge or api (DescribeEvents and DescribeEventDetails observations are separate rows; only the latter has the description)")] public string Origin { get; set; } = "";
    /// <summary>info, warning or error of this version, from category and status (<see cref="Semantics.Severity"/>).</summary>
    [JsonPropertyName("severity"), Column("info, warning or error of this version: an open issue is an error")] public string? Severity { get; set; }
}
