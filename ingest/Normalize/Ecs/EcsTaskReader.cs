using System.Text.Json;

namespace Analytics.Ingest.Normalize.Ecs;

/// <summary>
/// Reads an ECS Task State Change, the bulk of what ingest sees, in one pass of <see cref="Utf8JsonReader"/> over its
/// bytes: no <see cref="JsonDocument"/>, and each field found once instead of looked up by name. It reads only events it
/// can read exactly as <see cref="RecordRouter"/>'s general path does, and returns null for any other record, which then
/// takes that path: another source or detail type, a Firehose error record, an object or array beside the envelope's
/// own (an API page), a field missing, null where required or of another type than expected, a property name with an
/// escape, a property given twice, a timestamp or number that does not parse. So every rejection, and its message, still comes from the general path, and the rows this path makes are
/// the same (tests compare both on every sample and on such edge cases).
/// </summary>
internal static class EcsTaskReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = Input.RecordSplitter.MaxDepth };

    /// <summary>The rows of <paramref name="utf8"/> when it is an ECS Task State Change read exactly; null for the general path.</summary>
    public static NormalizedRecord? TryNormalize(ReadOnlyMemory<byte> utf8, string position, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            if (TryRead(utf8.Span, out var head, out var detail))
                // Copied: the reader's window is reused for the next one (into an array not cleared first: every byte is written).
                return EcsNormalizer.Task(head, detail, Copy(utf8.Span), context, position);
        }
        // A record this path does not foresee is the general path's to judge: it makes the rows, or quarantines the
        // record with its reason (a fault of ours included), and the run goes on either way.
#pragma warning disable CA1031
        catch (Exception ex) when (ex is not OperationCanceledException) { }
#pragma warning restore CA1031
        return null;
    }

    private static byte[] Copy(ReadOnlySpan<byte> bytes)
    {
        var copy = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(copy);
        return copy;
    }

    private static bool TryRead(ReadOnlySpan<byte> utf8, out EventHead head, out TaskDetail detail)
    {
        head = default;
        detail = null!;
        var reader = new Utf8JsonReader(utf8, Options);
        var strings = JsonStrings.ThreadCache;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        string? id = null, account = null, region = null;
        DateTime? time = null;
        TaskDetail? read = null;
        var (detailStart, detailEnd, seen) = (0, 0, 0L);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped) return false;
            var name = reader.ValueSpan;
            if (!reader.Read()) return false;
            switch (name.Length)
            {
                case 2 when name.SequenceEqual("id"u8):
                    if (!Once(ref seen, 1) || !NonEmpty(ref reader, strings, out id)) return false;
                    break;
                case 6 when name.SequenceEqual("source"u8):
                    if (!Once(ref seen, 2) || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("aws.ecs"u8)) return false;
                    break;
                case 11 when name.SequenceEqual("detail-type"u8):
                    if (!Once(ref seen, 4) || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("ECS Task State Change"u8)) return false;
                    break;
                case 4 when name.SequenceEqual("time"u8):
                    if (!Once(ref seen, 8) || !Timestamp(ref reader, out time) || time is null) return false;
                    break;
                case 7 when name.SequenceEqual("account"u8):
                    if (!Once(ref seen, 16) || !OptionalString(ref reader, strings, out account)) return false;
                    break;
                case 6 when name.SequenceEqual("region"u8):
                    if (!Once(ref seen, 32) || !OptionalString(ref reader, strings, out region)) return false;
                    break;
                case 9 when name.SequenceEqual("resources"u8):
                    // Read by the envelope (an array of strings, or null) though a task's rows do not keep it.
                    if (!Once(ref seen, 64) || !Strings(ref reader)) return false;
                    break;
                case 6 when name.SequenceEqual("detail"u8):
                    if (!Once(ref seen, 128) || reader.TokenType != JsonTokenType.StartObject) return false;
                    detailStart = (int)reader.TokenStartIndex;
                    read = ReadDetail(ref reader, strings);
                    if (read is null) return false;
                    detailEnd = (int)reader.BytesConsumed;
                    break;
                case 7 when name.SequenceEqual("rawData"u8):
                    // Maybe a Firehose error record, which the general path unwraps.
                    return false;
                default:
                    // An ECS event's envelope holds no other object or array: an API page (items in an array) or
                    // another tool's format is left to the general path here, not skipped through to its end.
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) return false;
                    break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || (seen & (1 | 2 | 4 | 8 | 128)) != (1 | 2 | 4 | 8 | 128)) return false;
        head = new EventHead(id!, time!.Value, account, region, id + "#" + ContentHash.Of(utf8[detailStart..detailEnd]));
        detail = read!;
        return true;
    }

    private static TaskDetail? ReadDetail(ref Utf8JsonReader reader, string?[] strings)
    {
        var d = new TaskDetail();
        var seen = 0L;
        (string? s, DateTime? t, int? n, long? version) = (null, null, null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped) return null;
            var name = reader.ValueSpan;
            if (!reader.Read()) return null;
            var ok = true;
            if (name.SequenceEqual("taskArn"u8)) { ok = Once(ref seen, 1) && NonEmpty(ref reader, strings, out s); d.TaskArn = s ?? ""; }
            else if (name.SequenceEqual("clusterArn"u8)) { ok = Once(ref seen, 1 << 1) && OptionalString(ref reader, strings, out s); d.ClusterArn = s; }
            else if (name.SequenceEqual("group"u8)) { ok = Once(ref seen, 1 << 2) && OptionalString(ref reader, strings, out s); d.Group = s; }
            else if (name.SequenceEqual("taskDefinitionArn"u8)) { ok = Once(ref seen, 1 << 3) && OptionalString(ref reader, strings, out s); d.TaskDefinitionArn = s; }
            else if (name.SequenceEqual("updatedAt"u8)) { ok = Once(ref seen, 1 << 4) && Timestamp(ref reader, out t); d.UpdatedAt = t; }
            else if (name.SequenceEqual("startedBy"u8)) { ok = Once(ref seen, 1 << 5) && OptionalString(ref reader, strings, out s); d.StartedBy = s; }
            else if (name.SequenceEqual("launchType"u8)) { ok = Once(ref seen, 1 << 6) && OptionalString(ref reader, strings, out s); d.LaunchType = s; }
            else if (name.SequenceEqual("capacityProviderName"u8)) { ok = Once(ref seen, 1 << 7) && OptionalString(ref reader, strings, out s); d.CapacityProviderName = s; }
            else if (name.SequenceEqual("platformVersion"u8)) { ok = Once(ref seen, 1 << 8) && OptionalString(ref reader, strings, out s); d.PlatformVersion = s; }
            else if (name.SequenceEqual("availabilityZone"u8)) { ok = Once(ref seen, 1 << 9) && OptionalString(ref reader, strings, out s); d.AvailabilityZone = s; }
            else if (name.SequenceEqual("containerInstanceArn"u8)) { ok = Once(ref seen, 1 << 10) && OptionalString(ref reader, strings, out s); d.ContainerInstanceArn = s; }
            else if (name.SequenceEqual("lastStatus"u8)) { ok = Once(ref seen, 1 << 11) && OptionalString(ref reader, strings, out s); d.LastStatus = s; }
            else if (name.SequenceEqual("desiredStatus"u8)) { ok = Once(ref seen, 1 << 12) && OptionalString(ref reader, strings, out s); d.DesiredStatus = s; }
            else if (name.SequenceEqual("stopCode"u8)) { ok = Once(ref seen, 1 << 13) && OptionalString(ref reader, strings, out s); d.StopCode = s; }
            else if (name.SequenceEqual("stoppedReason"u8)) { ok = Once(ref seen, 1 << 14) && OptionalString(ref reader, strings, out s); d.StoppedReason = s; }
            else if (name.SequenceEqual("createdAt"u8)) { ok = Once(ref seen, 1 << 15) && Timestamp(ref reader, out t); d.CreatedAt = t; }
            else if (name.SequenceEqual("startedAt"u8)) { ok = Once(ref seen, 1 << 16) && Timestamp(ref reader, out t); d.StartedAt = t; }
            else if (name.SequenceEqual("stoppingAt"u8)) { ok = Once(ref seen, 1 << 17) && Timestamp(ref reader, out t); d.StoppingAt = t; }
            else if (name.SequenceEqual("stoppedAt"u8)) { ok = Once(ref seen, 1 << 18) && Timestamp(ref reader, out t); d.StoppedAt = t; }
            else if (name.SequenceEqual("executionStoppedAt"u8)) { ok = Once(ref seen, 1 << 19) && Timestamp(ref reader, out t); d.ExecutionStoppedAt = t; }
            else if (name.SequenceEqual("version"u8)) { ok = Once(ref seen, 1 << 20) && Int64(ref reader, out version) && version is not null; d.Version = version ?? 0; }
            else if (name.SequenceEqual("cpu"u8)) { ok = Once(ref seen, 1 << 21) && Int32(ref reader, out n); d.Cpu = n; }
            else if (name.SequenceEqual("memory"u8)) { ok = Once(ref seen, 1 << 22) && Int32(ref reader, out n); d.Memory = n; }
            else if (name.SequenceEqual("containers"u8)) ok = Once(ref seen, 1 << 23) && Containers(ref reader, strings, d.Containers);
            else reader.Skip();
            if (!ok) return null;
        }
        // taskArn and version are required.
        return reader.TokenType == JsonTokenType.EndObject && (seen & (1 | 1 << 20)) == (1 | 1 << 20) ? d : null;
    }

    private static bool Containers(ref Utf8JsonReader reader, string?[] strings, List<ContainerDetail> containers)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || ReadContainer(ref reader, strings) is not { } container) return false;
            containers.Add(container);
        }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static ContainerDetail? ReadContainer(ref Utf8JsonReader reader, string?[] strings)
    {
        var c = new ContainerDetail();
        var seen = 0L;
        (string? s, int? n) = (null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped) return null;
            var name = reader.ValueSpan;
            if (!reader.Read()) return null;
            var ok = true;
            if (name.SequenceEqual("name"u8)) { ok = Once(ref seen, 1) && OptionalString(ref reader, strings, out s); c.Name = s; }
            else if (name.SequenceEqual("image"u8)) { ok = Once(ref seen, 1 << 1) && OptionalString(ref reader, strings, out s); c.Image = s; }
            else if (name.SequenceEqual("imageDigest"u8)) { ok = Once(ref seen, 1 << 2) && OptionalString(ref reader, strings, out s); c.ImageDigest = s; }
            else if (name.SequenceEqual("lastStatus"u8)) { ok = Once(ref seen, 1 << 3) && OptionalString(ref reader, strings, out s); c.LastStatus = s; }
            else if (name.SequenceEqual("exitCode"u8)) { ok = Once(ref seen, 1 << 4) && Int32(ref reader, out n); c.ExitCode = n; }
            else if (name.SequenceEqual("reason"u8)) { ok = Once(ref seen, 1 << 5) && OptionalString(ref reader, strings, out s); c.Reason = s; }
            else if (name.SequenceEqual("runtimeId"u8)) { ok = Once(ref seen, 1 << 6) && OptionalString(ref reader, strings, out s); c.RuntimeId = s; }
            else if (name.SequenceEqual("memory"u8)) { ok = Once(ref seen, 1 << 7) && Int32(ref reader, out n); c.Memory = n; }
            else if (name.SequenceEqual("memoryReservation"u8)) { ok = Once(ref seen, 1 << 8) && Int32(ref reader, out n); c.MemoryReservation = n; }
            else reader.Skip();
            if (!ok) return null;
        }
        return reader.TokenType == JsonTokenType.EndObject ? c : null;
    }

    // The general path reads a property given twice as its last value; this path leaves such a record to it.
    private static bool Once(ref long seen, long bit)
    {
        if ((seen & bit) != 0) return false;
        seen |= bit;
        return true;
    }

    // As Fields.OptionalString: null when null, the text of a string, and anything else for the general path to reject.
    private static bool OptionalString(ref Utf8JsonReader reader, string?[] strings, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String) return false;
        value = reader.ValueIsEscaped ? reader.GetString() : JsonStrings.Get(reader.ValueSpan, strings);
        return true;
    }

    private static bool NonEmpty(ref Utf8JsonReader reader, string?[] strings, out string? value) =>
        OptionalString(ref reader, strings, out value) && !string.IsNullOrEmpty(value);

    private static bool Strings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.String) { }
        return reader.TokenType == JsonTokenType.EndArray;
    }

    // As Fields.OptionalTimestamp with Timestamps.TryParse: null when null, a string or a number that parses.
    private static bool Timestamp(ref Utf8JsonReader reader, out DateTime? value)
    {
        value = null;
        DateTime parsed;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.String when !reader.ValueIsEscaped ? Timestamps.TryParse(reader.ValueSpan, out parsed) : Timestamps.TryParse(reader.GetString(), out parsed):
            case JsonTokenType.Number when reader.TryGetDecimal(out var seconds) && Timestamps.TryFromEpochSeconds(seconds, out parsed):
                value = parsed;
                return true;
            default:
                return false;
        }
    }

    // As Fields.OptionalInt64: null when null, a number that is an integer, or a string holding one.
    private static bool Int64(ref Utf8JsonReader reader, out long? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number when reader.TryGetInt64(out var n):
                value = n;
                return true;
            case JsonTokenType.String when long.TryParse(reader.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n):
                value = n;
                return true;
            default:
                return false;
        }
    }

    // As Fields.OptionalInt32.
    private static bool Int32(ref Utf8JsonReader reader, out int? value)
    {
        value = null;
        if (!Int64(ref reader, out var wide)) return false;
        if (wide is null) return true;
        if (wide is < int.MinValue or > int.MaxValue) return false;
        value = (int)wide.Value;
        return true;
    }
}
