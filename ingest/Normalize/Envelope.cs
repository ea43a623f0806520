using System.Runtime.InteropServices;
using System.Text.Json;

namespace Analytics.Ingest.Normalize;

/// <summary>The EventBridge envelope of an event: the fields every event has, read and checked once.</summary>
internal sealed class Envelope
{
    private Envelope(Fields root)
    {
        Id = root.NonEmptyString("id");
        Source = root.NonEmptyString("source");
        DetailType = root.NonEmptyString("detail-type");
        Time = root.Timestamp("time");
        Account = root.OptionalString("account");
        Region = root.OptionalString("region");
        Resources = root.OptionalStrings("resources");
        Detail = root.Object("detail");
        RecordId = Id + "#" + ContentHash.Of(JsonMarshal.GetRawUtf8Value(Detail.Element));
    }

    /// <summary>
    /// The identity of the event as a row: its id and a hash of its detail. A redelivery has both the same;
    /// two different events that share an id (as documentation samples do) stay two rows.
    /// </summary>
    public string RecordId { get; }

    /// <summary>The event's id: a redelivery has the same one.</summary>
    public string Id { get; }
    /// <summary>e.g. aws.ecs.</summary>
    public string Source { get; }
    /// <summary>e.g. ECS Task State Change.</summary>
    public string DetailType { get; }
    /// <summary>When the event was emitted.</summary>
    public DateTime Time { get; }
    /// <summary>The account.</summary>
    public string? Account { get; }
    /// <summary>The region the event was delivered in.</summary>
    public string? Region { get; }
    /// <summary>The ARNs the event is about.</summary>
    public List<string>? Resources { get; }
    /// <summary>The event's detail object.</summary>
    public Fields Detail { get; }

    /// <summary>True when the object has the three fields that make it an EventBridge event.</summary>
    public static bool Looks(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("detail-type", out _)
        && root.TryGetProperty("source", out _) && root.TryGetProperty("detail", out _);

    /// <summary>Reads the envelope; rejects the record when a required field is missing or mistyped.</summary>
    public static Envelope Read(JsonElement root) => new(new Fields(root, ""));
}
