using System.Text.Json.Serialization;

namespace Analytics.Schemas.Tables.EventBridge;

/// <summary>Any other well-formed EventBridge event, kept whole so a later version can normalize it.</summary>
[Table("eventbridge_events", "One row per other well-formed EventBridge event")]
public sealed class EventBridgeEvent : RawLakeRow
{
    /// <summary>The envelope's <c>source</c>.</summary>
    [JsonPropertyName("source"), Column("Envelope source")] public string Source { get; set; } = "";
    /// <summary>The envelope's <c>detail-type</c>.</summary>
    [JsonPropertyName("detail_type"), Column("Envelope detail-type")] public string DetailType { get; set; } = "";
    /// <summary>The envelope's <c>resources</c>.</summary>
    [JsonPropertyName("resources"), Column("Envelope resources")] public List<string>? Resources { get; set; }
    /// <summary>The <c>detail</c> object as JSON text.</summary>
    [JsonPropertyName("detail"), Column("detail as JSON text")] public string? Detail { get; set; }
}
