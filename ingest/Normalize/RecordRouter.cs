using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Ingest.Normalize.Ecs;
using Analytics.Ingest.Normalize.Health;
using Analytics.Ingest.Normalize.Support;
using Analytics.Ingest.Normalize.TrustedAdvisor;
using Analytics.Schemas.Tables.EventBridge;

namespace Analytics.Ingest.Normalize;

/// <summary>
/// Decides what a well-formed JSON record is and hands it to its normalizer: an EventBridge event
/// (ECS, Health, Support, or any other well-formed one), or a Health or Support API response, whose
/// items each count as a record. Anything else is rejected as unrecognized, with what it lacked.
/// </summary>
internal static partial class RecordRouter
{
    /// <summary>Normalizes the record <paramref name="utf8"/> found at <paramref name="position"/>.</summary>
    public static List<NormalizedRecord> Route(ReadOnlyMemory<byte> utf8, string position, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Most records are ECS task events: read in one pass when they read exactly so, else as any record.
        return EcsTaskReader.TryNormalize(utf8, position, context) is { } task ? [task] : RouteDocument(utf8, position, context);
    }

    /// <summary>Normalizes the record <paramref name="utf8"/> through a <see cref="JsonDocument"/>: any record, the general path.</summary>
    public static List<NormalizedRecord> RouteDocument(ReadOnlyMemory<byte> utf8, string position, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            using var document = JsonDocument.Parse(utf8, DocumentOptions);
            var root = document.RootElement;
            if (FirehoseError(root) is { } error) return Unwrap(root, error, position, context);
            if (Envelope.Looks(root))
            {
                // Copied: the reader's window is reused for the next one.
                return [Event(root, utf8.ToArray(), context, position)];
            }
            if (root.ValueKind == JsonValueKind.Object && ApiResponse(root, context, position) is { } items) return items;
            if (CollectedPage(root, context) is var (response, observed))
                return ApiResponse(response, observed, position + " response")
                    ?? throw RecordRejectedException.Unrecognized($"a collected page whose response is not a Health or Support API response: {WhyUnrecognized(response)}");
            throw RecordRejectedException.Unrecognized(WhyUnrecognized(root));
        }
        catch (RecordRejectedException ex)
        {
            return [NormalizedRecord.Rejected(position, ex)];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A record no check foresaw must not stop the run (a rerun would stop at it again): it is quarantined
            // with the error, as a fault of ours to look into.
            return [NormalizedRecord.Rejected(position, RecordRejectedException.Unexpected(ex))];
        }
    }

    // A record Firehose could not deliver, as its error output prefix holds it: the original record base64-encoded in
    // rawData, with the error (errorCode/errorMessage after a failed transformation, lastErrorCode/lastErrorMessage after
    // a failed format conversion). Null for any other record.
    private static string? FirehoseError(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rawData", out var raw) || raw.ValueKind != JsonValueKind.String) return null;
        if (!root.TryGetProperty("errorCode", out var code) && !root.TryGetProperty("lastErrorCode", out code)) return null;
        var message = root.TryGetProperty("errorMessage", out var m) || root.TryGetProperty("lastErrorMessage", out m) ? m.ToString() : null;
        return message is null ? code.ToString() : $"{code}: {message}";
    }

    // The original record is recovered and routed as if it had been delivered; what cannot become a row is quarantined
    // with Firehose's error as well as its own reason (the quarantined text is the whole error record).
    private static List<NormalizedRecord> Unwrap(JsonElement root, string error, string position, RecordContext context)
    {
        byte[] original;
        try
        {
            original = Convert.FromBase64String(root.GetProperty("rawData").GetString()!);
        }
        catch (FormatException)
        {
            throw new RecordRejectedException(RejectionKind.Malformed, "rawData", $"Firehose error record ({error}): rawData is not base64");
        }
        var recovered = position + " rawData";
        try
        {
            using var parsed = JsonDocument.Parse(original, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new RecordRejectedException(RejectionKind.Malformed, "rawData", $"Firehose error record ({error}): its record is not JSON ({ex.Message})");
        }
        return Route(original, recovered, context)
            .Select(r => r.Rejection is { } rejected
                ? NormalizedRecord.Rejected(r.Position, new RecordRejectedException(rejected.Kind, rejected.Field, $"Firehose error record ({error}); its record: {rejected.Message}"))
                : r)
            .ToList();
    }

    // The splitter has measured each record with the same depth limit, so a record that reaches here parses.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = Input.RecordSplitter.MaxDepth };

    private static NormalizedRecord Event(JsonElement root, byte[] raw, RecordContext context, string position)
    {
        var e = Envelope.Read(root);
        return e.Source switch
        {
            "aws.ecs" when EcsNormalizer.Handles(e.DetailType) => EcsNormalizer.Normalize(e, raw, context, position),
            "aws.health" when e.DetailType.StartsWith("AWS Health", StringComparison.Ordinal) => HealthNormalizer.FromEventBridge(e, raw, context, position),
            "aws.support" when e.DetailType == "Support Case Update" => NormalizedRecord.Rows(position, SupportNormalizer.FromEventBridge(e, raw, context)),
            _ => NormalizedRecord.Rows(position, Generic(e, root, raw, context)),
        };
    }

    private static EventBridgeEvent Generic(Envelope e, JsonElement root, byte[] raw, RecordContext context)
    {
        // Another tool's re-published format imitates the envelope; a real delivery names a real account and region.
        if (e.Account is null || !AccountId().IsMatch(e.Account))
            throw RecordRejectedException.Unrecognized($"source '{e.Source}' detail-type '{e.DetailType}' is not a well-formed EventBridge event: account is {Describe(root, "account")}, expected a 12-digit account id");
        if (e.Region is null || !RegionName().IsMatch(e.Region))
            throw RecordRejectedException.Unrecognized($"source '{e.Source}' detail-type '{e.DetailType}' is not a well-formed EventBridge event: region is {Describe(root, "region")}, expected an AWS region name");
        return context.Stamp(new EventBridgeEvent
        {
            Source = e.Source,
            DetailType = e.DetailType,
            Resources = e.Resources,
            Detail = e.Detail.Element.GetRawText(),
        }.WithRaw(raw), e.Time, e.RecordId, e.Id, e.Account, e.Region);
    }

    /// <summary>
    /// A page the collector stored: <c>{"collected": {source, operation, request, observed_at}, "response": {…}}</c>. Its
    /// response is normalized as any API response, dated by when it was observed.
    /// </summary>
    private static (JsonElement Response, RecordContext Context)? CollectedPage(JsonElement root, RecordContext context)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("collected", out var collected) || collected.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object) return null;
        if (!collected.TryGetProperty("observed_at", out var at) || at.ValueKind != JsonValueKind.String || !at.TryGetDateTime(out var observed))
            throw RecordRejectedException.InvalidField("collected.observed_at", "an ISO 8601 time", at.ValueKind == JsonValueKind.Undefined ? "nothing" : Fields.Describe(at));
        TrustedAdvisorCheckDefinition? check = null;
        if (collected.TryGetProperty("check", out var definition) && definition.ValueKind == JsonValueKind.Object)
        {
            var fields = new Fields(definition, "collected.check");
            check = new TrustedAdvisorCheckDefinition(fields.OptionalString("category"), fields.OptionalStrings("metadata") ?? []);
        }
        var account = collected.TryGetProperty("account", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        return (response, context with { ObservedAt = observed.ToUniversalTime(), Check = check, Account = account });
    }

    private static List<NormalizedRecord>? ApiResponse(JsonElement root, RecordContext context, string position)
    {
        var fields = new Fields(root, "");
        if (IsArray(root, "events") && !root.TryGetProperty("detail", out _))
            return Items(fields, "events", position, (item, raw, at) => NormalizedRecord.Rows(at, HealthNormalizer.FromApiEvent(item, raw, context)));
        if (IsArray(root, "successfulSet") || IsArray(root, "failedSet") && !IsArray(root, "entities"))
        {
            var items = Items(fields, "successfulSet", position, (item, raw, at) => NormalizedRecord.Rows(at, HealthNormalizer.FromApiEventDetails(item, raw, context)));
            items.AddRange(Failures(fields, position));
            return items;
        }
        if (IsArray(root, "entities"))
        {
            var items = Items(fields, "entities", position, (item, _, at) => NormalizedRecord.Rows(at, HealthNormalizer.FromApiEntity(item, context)));
            items.AddRange(Failures(fields, position));
            return items;
        }
        // DescribeAffectedAccountsForOrganization: the accounts an event affects, which the collector asks the details and
        // entities of (their rows name the account); no row of its own.
        if (IsArray(root, "affectedAccounts")) return [];
        if (IsArray(root, "checks"))
            return Items(fields, "checks", position, (item, raw, at) => NormalizedRecord.Rows(at, TrustedAdvisorNormalizer.FromCheck(item, raw, context)));
        if (IsArray(root, "summaries"))
            return Items(fields, "summaries", position, (item, raw, at) => NormalizedRecord.Rows(at, TrustedAdvisorNormalizer.FromSummary(item, raw, context)));
        if (root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("checkId", out _))
        {
            var at = position + " result";
            try
            {
                return [TrustedAdvisorNormalizer.FromResult(new Fields(result, "result"), result.GetRawText(), context, context.Check, at)];
            }
            catch (RecordRejectedException ex)
            {
                return [NormalizedRecord.Rejected(at, ex, result.GetRawText())];
            }
        }
        if (IsArray(root, "cases"))
            return Items(fields, "cases", position, (item, raw, at) => SupportNormalizer.FromApiCase(item, raw, context, at));
        if (IsArray(root, "communications"))
            return Items(fields, "communications", position, (item, raw, at) => NormalizedRecord.Rows(at, SupportNormalizer.Communication(item, raw, context)));
        return null;
    }

    private static List<NormalizedRecord> Items(Fields root, string array, string position, Func<Fields, string, string, NormalizedRecord> normalize)
    {
        var results = new List<NormalizedRecord>();
        foreach (var (value, path) in root.Array(array))
        {
            var itemPosition = $"{position} {path}";
            var raw = value.GetRawText();
            try
            {
                if (value.ValueKind != JsonValueKind.Object)
                    throw RecordRejectedException.InvalidField(path, "an object", Fields.Describe(value));
                if (IsTemplate(value))
                    throw RecordRejectedException.Unrecognized($"{path} is a documentation template (placeholder values such as \"string\"), not an API response");
                results.Add(normalize(new Fields(value, ""), raw, itemPosition));
            }
            catch (RecordRejectedException ex)
            {
                results.Add(NormalizedRecord.Rejected(itemPosition, ex, raw));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results.Add(NormalizedRecord.Rejected(itemPosition, RecordRejectedException.Unexpected(ex), raw));
            }
        }
        return results;
    }

    // The API reports per-item failures in failedSet; each is quarantined so the gap is visible.
    private static IEnumerable<NormalizedRecord> Failures(Fields root, string position) =>
        root.Array("failedSet").Select(f => NormalizedRecord.Rejected($"{position} {f.Path}",
            new RecordRejectedException(RejectionKind.ApiFailure, null,
                $"the API reported a failure for {Prop(f.Value, "eventArn")}: {Prop(f.Value, "errorName")}: {Prop(f.Value, "errorMessage")}"),
            f.Value.GetRawText()));

    private static string WhyUnrecognized(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
            return "a JSON array nested inside a record; expected an object";
        if (root.TryGetProperty("Source", out _) && root.TryGetProperty("DetailType", out _))
            return "a PutEvents request entry (Source/DetailType/Detail), not a delivered EventBridge event";
        var keys = string.Join(", ", root.EnumerateObject().Take(6).Select(p => p.Name));
        return $"neither an EventBridge event (needs source, detail-type, detail) nor a Health or Support API response " +
               $"(needs an events, successfulSet, entities, cases, communications, checks or summaries array, or a result); its keys are: {keys}";
    }

    // The API reference's response syntax fills every string with the word "string".
    private static bool IsTemplate(JsonElement item) =>
        item.EnumerateObject().Count(p => p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals("string")) >= 2;

    private static bool IsArray(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array;

    private static string Prop(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ToString() : "?";

    private static string Describe(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? Fields.Describe(v) : "missing";

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountId();

    [GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$")]
    private static partial Regex RegionName();
}
