using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Schemas;
using Analytics.Schemas.Tables.TrustedAdvisor;

namespace Analytics.Ingest.Normalize.TrustedAdvisor;

/// <summary>A check's definition, as the collector stores it with the check's result page: its pillar and its column names.</summary>
/// <param name="Category">cost_optimizing, security, fault_tolerance, performance, service_limits.</param>
/// <param name="MetadataColumns">The names of its metadata columns, in order.</param>
internal sealed record TrustedAdvisorCheckDefinition(string? Category, IReadOnlyList<string> MetadataColumns);

/// <summary>
/// Normalizes Trusted Advisor responses (through the Support API): a check of DescribeTrustedAdvisorChecks, a result of
/// DescribeTrustedAdvisorCheckResult with its flagged resources, and a summary of DescribeTrustedAdvisorCheckSummaries.
/// A result and the summary of the same refresh are the same observation (one row). A flagged resource's values are
/// keyed by its check's column names, which the collector stores with the result's page; without them (a result read
/// on its own) the keys are the positions, <c>column_1</c>, <c>column_2</c>….
/// </summary>
internal static class TrustedAdvisorNormalizer
{
    /// <summary>One check of DescribeTrustedAdvisorChecks.</summary>
    public static TrustedAdvisorCheck FromCheck(Fields item, string raw, RecordContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = item.NonEmptyString("id");
        // A check has no time of its own: only a page with its observation time dates it. A row per definition and day
        // observed, so that a query reading a bounded range of days (as every catalog query does) finds each check's name
        // and pillar without reading back to the day the definition first appeared.
        var observed = context.ObservedAt ?? throw RecordRejectedException.InvalidField("collected.observed_at",
            "the time the checks were observed (a page the collector stored); a check list has no time of its own", "nothing");
        return context.Stamp(new TrustedAdvisorCheck
        {
            CheckId = id,
            Name = item.OptionalString("name"),
            Category = item.OptionalString("category"),
            Description = item.OptionalString("description"),
            MetadataColumns = NullableStrings(item, "metadata")?.Select(c => c ?? "").ToList(),
            ObservedAt = observed,
            RawEvent = raw,
        }, observed, "ta-check|" + id + "|" + Hash(raw) + "|" + observed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, null, null);
    }

    /// <summary>A DescribeTrustedAdvisorCheckResult's <c>result</c>: the result row, and a row per flagged resource.</summary>
    public static NormalizedRecord FromResult(Fields result, string raw, RecordContext context, TrustedAdvisorCheckDefinition? check, string position)
    {
        ArgumentNullException.ThrowIfNull(context);
        var row = Result(result, raw, context, check);
        var columns = check?.MetadataColumns ?? [];
        var derived = new List<LakeRow>();
        foreach (var resource in result.Objects("flaggedResources"))
        {
            var resourceId = resource.NonEmptyString("resourceId");
            var values = NullableStrings(resource, "metadata") ?? [];
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < values.Count; i++)
                if (values[i] is { } value) metadata[i < columns.Count ? columns[i] : string.Create(CultureInfo.InvariantCulture, $"column_{i + 1}")] = value;
            derived.Add(context.Stamp(new TrustedAdvisorFlaggedResource
            {
                CheckId = row.CheckId,
                ResourceId = resourceId,
                Status = resource.OptionalString("status"),
                ResourceRegion = resource.OptionalString("region"),
                IsSuppressed = resource.OptionalBool("isSuppressed"),
                Metadata = metadata,
                ObservedAt = context.ObservedAt,
            }, row.EventTime, $"ta-resource|{row.CheckId}|{resourceId}|{Ms(row.EventTime)}|{Hash(resource.Element.GetRawText())}{OfAccount(context)}", null, null, resource.OptionalString("region")));
        }
        return NormalizedRecord.Rows(position, row, derived);
    }

    /// <summary>One summary of DescribeTrustedAdvisorCheckSummaries: a result row without its resources.</summary>
    public static TrustedAdvisorCheckResult FromSummary(Fields summary, string raw, RecordContext context) => Result(summary, raw, context, null);

    private static TrustedAdvisorCheckResult Result(Fields result, string raw, RecordContext context, TrustedAdvisorCheckDefinition? check)
    {
        var checkId = result.NonEmptyString("checkId");
        var status = result.OptionalString("status");
        // The result's own time is when Trusted Advisor refreshed it; observed later, it is still that refresh.
        var time = result.OptionalTimestamp("timestamp") ?? context.ObservedAt
            ?? throw RecordRejectedException.InvalidField("timestamp", "the result's timestamp (or a page's observation time)", "nothing (missing)");
        var summary = result.OptionalObject("resourcesSummary");
        var savings = result.OptionalObject("categorySpecificSummary")?.OptionalObject("costOptimizing");
        var row = new TrustedAdvisorCheckResult
        {
            CheckId = checkId,
            Category = check?.Category,
            Status = status,
            ResourcesProcessed = summary?.OptionalInt64("resourcesProcessed"),
            ResourcesFlagged = summary?.OptionalInt64("resourcesFlagged"),
            ResourcesIgnored = summary?.OptionalInt64("resourcesIgnored"),
            ResourcesSuppressed = summary?.OptionalInt64("resourcesSuppressed"),
            EstimatedMonthlySavings = Double(savings, "estimatedMonthlySavings"),
            EstimatedPercentMonthlySavings = Double(savings, "estimatedPercentMonthlySavings"),
            ObservedAt = context.ObservedAt,
            RawEvent = raw,
        };
        // The same refresh seen by the result and by the summaries is one row: the identity is what both report.
        var identity = string.Join('|', "ta-result", checkId, Ms(time), status, row.ResourcesProcessed, row.ResourcesFlagged, row.ResourcesIgnored, row.ResourcesSuppressed,
            row.EstimatedMonthlySavings?.ToString("R", CultureInfo.InvariantCulture)) + OfAccount(context);
        return context.Stamp(row, time, identity, null, null, null);
    }

    // Each account's checks are its own: the same check refreshed in two accounts is two results (pages collected
    // before the account was recorded keep their ids).
    private static string OfAccount(RecordContext context) => context.Account is { } account ? "|" + account : "";

    private static double? Double(Fields? fields, string name)
    {
        if (fields is not { } f || !f.Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw RecordRejectedException.InvalidField(name, "a number", Fields.Describe(v));
    }

    // Trusted Advisor's metadata lists hold strings and nulls (an empty cell).
    private static List<string?>? NullableStrings(Fields item, string name)
    {
        if (!item.Element.TryGetProperty(name, out var array) || array.ValueKind == JsonValueKind.Null) return null;
        if (array.ValueKind != JsonValueKind.Array) throw RecordRejectedException.InvalidField(name, "an array", Fields.Describe(array));
        return array.EnumerateArray().Select((v, i) => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => throw RecordRejectedException.InvalidField($"{name}[{i}]", "a string or null", Fields.Describe(v)),
        }).ToList();
    }

    private static string Ms(DateTime t) => new DateTimeOffset(t).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
}
