using System.Globalization;
using System.Text.Json;
using Analytics.Schemas;
using Analytics.Schemas.Semantics;
using Analytics.Schemas.Tables.Health;

namespace Analytics.Ingest.Normalize.Health;

/// <summary>
/// Turns AWS Health events (EventBridge) and Health API responses into <c>health_events</c> and
/// <c>health_affected_entities</c> rows. An EventBridge version is identified by event ARN, affected account, last
/// update time and status, so a redelivery or a backup-region copy of the same version lands once, each member
/// account's copy of an organization's event is its own, and the pages of one version are one row (each page's
/// entities land; pages after the first count as duplicates of the version). A version without
/// <c>lastUpdatedTime</c> is told apart by what changes with each publication (communication, status, end,
/// description, entities).
/// </summary>
internal static class HealthNormalizer
{
    /// <summary>Normalizes an <c>aws.health</c> EventBridge event.</summary>
    public static NormalizedRecord FromEventBridge(Envelope e, byte[] raw, RecordContext context, string position)
    {
        var d = e.Detail;
        var eventArn = d.NonEmptyString("eventArn");
        var lastUpdated = d.OptionalTimestamp("lastUpdatedTime");
        var startTime = d.OptionalTimestamp("startTime");
        var status = d.OptionalString("statusCode");
        var page = d.OptionalInt32("page");
        var affectedAccount = d.OptionalString("affectedAccount");
        var description = Description(d);
        var entities = d.Objects("affectedEntities");
        // Some published events carry no lastUpdatedTime: then what each publication changes tells versions apart.
        var version = lastUpdated is { } updated ? Ms(updated)
            : "p" + Publication(d.OptionalString("communicationId"), status, d.OptionalTimestamp("endTime"), description, entities);
        var recordId = string.Join('|', "eventbridge", eventArn, version, status, affectedAccount);
        var row = context.Stamp(new HealthEvent
        {
            EventArn = eventArn,
            Service = d.OptionalString("service"),
            EventTypeCode = d.OptionalString("eventTypeCode"),
            EventTypeCategory = d.OptionalString("eventTypeCategory"),
            EventScopeCode = d.OptionalString("eventScopeCode"),
            StatusCode = status,
            EventRegion = d.OptionalString("eventRegion"),
            AvailabilityZone = d.OptionalString("availabilityZone"),
            StartTime = startTime,
            EndTime = d.OptionalTimestamp("endTime"),
            LastUpdatedTime = lastUpdated,
            Description = description,
            AffectedAccount = affectedAccount,
            CommunicationId = d.OptionalString("communicationId"),
            Page = page,
            TotalPages = d.OptionalInt32("totalPages"),
            BackupEvent = d.OptionalBool("backupEvent"),
            Origin = "eventbridge",
            Severity = Severity.OfHealthEvent(d.OptionalString("eventTypeCategory"), status),
        }.WithRaw(raw), lastUpdated ?? e.Time, recordId, e.Id, e.Account, e.Region);

        var derived = new List<LakeRow>(entities.Count);
        for (var i = 0; i < entities.Count; i++)
        {
            var entity = entities[i];
            derived.Add(context.Stamp(new HealthAffectedEntity
            {
                EventArn = eventArn,
                LastUpdatedTime = entity.OptionalTimestamp("lastUpdatedTime") ?? lastUpdated,
                EntityValue = entity.NonEmptyString("entityValue"),
                EntityArn = entity.OptionalString("entityArn"),
                EntityStatus = entity.OptionalString("status") ?? entity.OptionalString("statusCode"),
                AffectedAccount = entity.OptionalString("awsAccountId") ?? row.AffectedAccount,
                Tags = Tags(entity),
            }, row.EventTime, $"{recordId}|{page?.ToString(CultureInfo.InvariantCulture)}|{i}", e.Id, e.Account, e.Region));
        }
        return NormalizedRecord.Rows(position, row, derived);
    }

    /// <summary>Normalizes one item of DescribeEvents or DescribeEventsForOrganization.</summary>
    /// <remarks>
    /// A DescribeEvents item and a DescribeEventDetails item of the same version are two observations (only the
    /// second carries the description), with distinct record ids, so which lands never depends on input order.
    /// </remarks>
    public static HealthEvent FromApiEvent(Fields item, string raw, RecordContext context) => FromApi(item, raw, context, "api", null, null);

    private static HealthEvent FromApi(Fields item, string raw, RecordContext context, string observation, string? description, string? account)
    {
        var eventArn = item.NonEmptyString("arn");
        var lastUpdated = item.OptionalTimestamp("lastUpdatedTime");
        var startTime = item.OptionalTimestamp("startTime");
        var versionTime = lastUpdated ?? startTime
            ?? throw RecordRejectedException.InvalidField("lastUpdatedTime", "a timestamp (or startTime)", "neither");
        // A version without lastUpdatedTime is dated by when it was observed, when known; its start may be weeks ahead.
        var eventTime = lastUpdated ?? context.ObservedAt ?? startTime!.Value;
        var status = item.OptionalString("statusCode");
        var region = item.OptionalString("region");
        return context.Stamp(new HealthEvent
        {
            EventArn = eventArn,
            Service = item.OptionalString("service"),
            EventTypeCode = item.OptionalString("eventTypeCode"),
            EventTypeCategory = item.OptionalString("eventTypeCategory"),
            EventScopeCode = item.OptionalString("eventScopeCode"),
            StatusCode = status,
            EventRegion = region,
            AvailabilityZone = item.OptionalString("availabilityZone"),
            StartTime = startTime,
            EndTime = item.OptionalTimestamp("endTime"),
            LastUpdatedTime = lastUpdated,
            Description = description,
            AffectedAccount = account,
            Origin = "api",
            Severity = Severity.OfHealthEvent(item.OptionalString("eventTypeCategory"), status),
            RawEvent = raw,
        }, eventTime, VersionKey(observation, eventArn, versionTime, status, account ?? context.Account), null, account, region);
    }

    /// <summary>Normalizes one item of DescribeEventDetails(ForOrganization)'s <c>successfulSet</c>.</summary>
    public static HealthEvent FromApiEventDetails(Fields item, string raw, RecordContext context)
    {
        var description = item.OptionalObject("eventDescription")?.OptionalString("latestDescription");
        return FromApi(item.Object("event"), raw, context, "api-details", description, item.OptionalString("awsAccountId"));
    }

    /// <summary>Normalizes one item of DescribeAffectedEntities(ForOrganization).</summary>
    public static HealthAffectedEntity FromApiEntity(Fields item, RecordContext context)
    {
        var eventArn = item.NonEmptyString("eventArn");
        var entityValue = item.NonEmptyString("entityValue");
        var lastUpdated = item.OptionalTimestamp("lastUpdatedTime");
        var account = item.OptionalString("awsAccountId");
        var status = item.OptionalString("statusCode");
        var time = lastUpdated ?? context.ObservedAt
            ?? throw RecordRejectedException.InvalidField("lastUpdatedTime", "a timestamp (the page has no recorded observation time to date the entity by)", "nothing (missing)");
        var recordId = string.Join('|', "api-entity", eventArn, entityValue, account, Ms(time), status);
        return context.Stamp(new HealthAffectedEntity
        {
            EventArn = eventArn,
            LastUpdatedTime = lastUpdated,
            EntityValue = entityValue,
            EntityArn = item.OptionalString("entityArn"),
            EntityStatus = status,
            AffectedAccount = account,
            Tags = Tags(item),
        }, time, recordId, null, account, RegionOf(eventArn));
    }

    // What a publication of an event changes, hashed: its communication, status, end, description and entities.
    private static string Publication(string? communicationId, string? status, DateTime? end, string? description, List<Fields> entities)
    {
        var text = new System.Text.StringBuilder().Append(communicationId).Append('\n').Append(status).Append('\n')
            .Append(end is { } t ? Ms(t) : "").Append('\n').Append(description).Append('\n');
        foreach (var entity in entities.Select(x => $"{x.OptionalString("entityValue")}={x.OptionalString("status") ?? x.OptionalString("statusCode")}").Order(StringComparer.Ordinal))
            text.Append(entity).Append('\n');
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static string VersionKey(string origin, string eventArn, DateTime versionTime, string? status, string? account) =>
        string.Join('|', origin, eventArn, Ms(versionTime), status, null, account);

    private static string Ms(DateTime t) => new DateTimeOffset(t).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    // arn:aws:health:REGION::event/…
    private static string? RegionOf(string eventArn)
    {
        var parts = eventArn.Split(':');
        return parts.Length > 3 && parts[3].Length > 0 ? parts[3] : null;
    }

    // EventBridge carries descriptions per language; English is preferred, else the first.
    private static string? Description(Fields detail)
    {
        var descriptions = detail.Objects("eventDescription");
        if (descriptions.Count == 0) return null;
        var english = descriptions.FindIndex(x => x.OptionalString("language")?.StartsWith("en", StringComparison.Ordinal) == true);
        return descriptions[Math.Max(english, 0)].OptionalString("latestDescription");
    }

    private static Dictionary<string, string>? Tags(Fields entity)
    {
        var tags = entity.OptionalObject("tags");
        if (tags is null) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in tags.Value.Element.EnumerateObject())
            result[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        return result;
    }
}
