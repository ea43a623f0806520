using System.Security.Cryptography;
using System.Text;
using Analytics.Schemas;
using Analytics.Schemas.Tables.Support;

namespace Analytics.Ingest.Normalize.Support;

/// <summary>
/// Turns Support Case Update events and Support API responses into <c>support_case_events</c>,
/// <c>support_cases</c> and <c>support_communications</c> rows. An observation of a case is identified by
/// its state, so the same page ingested twice lands once.
/// </summary>
internal static class SupportNormalizer
{
    /// <summary>Normalizes an <c>aws.support</c> Support Case Update event.</summary>
    public static SupportCaseEvent FromEventBridge(Envelope e, byte[] raw, RecordContext context)
    {
        var d = e.Detail;
        return context.Stamp(new SupportCaseEvent
        {
            CaseId = d.NonEmptyString("case-id"),
            DisplayId = d.OptionalNonEmptyString("display-id"),
            CommunicationId = d.OptionalNonEmptyString("communication-id"),
            EventName = d.NonEmptyString("event-name"),
            Origin = d.OptionalNonEmptyString("origin"),
        }.WithRaw(raw), e.Time, e.RecordId, e.Id, e.Account, e.Region);
    }

    /// <summary>Normalizes one case of DescribeCases, with the communications it carries.</summary>
    public static NormalizedRecord FromApiCase(Fields item, string raw, RecordContext context, string position)
    {
        var caseId = item.NonEmptyString("caseId");
        var timeCreated = item.Timestamp("timeCreated");
        var row = new SupportCase
        {
            CaseId = caseId,
            DisplayId = item.OptionalString("displayId"),
            Subject = item.OptionalString("subject"),
            Status = item.OptionalString("status"),
            ServiceCode = item.OptionalString("serviceCode"),
            CategoryCode = item.OptionalString("categoryCode"),
            SeverityCode = item.OptionalString("severityCode"),
            SubmittedBy = item.OptionalString("submittedBy"),
            TimeCreated = timeCreated,
            Language = item.OptionalString("language"),
            CcEmailAddresses = item.OptionalStrings("ccEmailAddresses"),
            ObservedAt = context.ObservedAt,
            RawEvent = raw,
        };
        // The observation's identity is the case's state: re-reading an unchanged case is a duplicate.
        var state = string.Join('\u001f', caseId, row.DisplayId, row.Subject, row.Status, row.ServiceCode, row.CategoryCode,
            row.SeverityCode, row.SubmittedBy, timeCreated.Ticks, row.Language, string.Join(',', row.CcEmailAddresses ?? []));
        var account = AccountOf(caseId);
        // An observation happens when it is observed; a document with no recorded observation time is dated by the case's creation.
        context.Stamp(row, context.ObservedAt ?? timeCreated, "case|" + caseId + "|" + Hash(state), null, account, null);

        var communications = item.OptionalObject("recentCommunications")?.Objects("communications") ?? [];
        var derived = communications.Select(c => (LakeRow)Communication(c, c.Element.GetRawText(), context, caseId)).ToList();
        return NormalizedRecord.Rows(position, row, derived);
    }

    /// <summary>Normalizes one communication (of DescribeCommunications, or carried by a case).</summary>
    public static SupportCommunication Communication(Fields item, string raw, RecordContext context, string? caseIdFallback = null)
    {
        var caseId = item.OptionalNonEmptyString("caseId") ?? caseIdFallback
            ?? throw RecordRejectedException.InvalidField("caseId", "a non-empty string", "nothing (missing)");
        var timeCreated = item.Timestamp("timeCreated");
        var submittedBy = item.OptionalString("submittedBy");
        var body = item.OptionalString("body");
        var key = string.Join('\u001f', caseId, timeCreated.Ticks, submittedBy, body);
        return context.Stamp(new SupportCommunication
        {
            CaseId = caseId,
            TimeCreated = timeCreated,
            SubmittedBy = submittedBy,
            Body = body,
            AttachmentCount = item.Array("attachmentSet").Count(),
            RawEvent = raw,
        }, timeCreated, "communication|" + caseId + "|" + Hash(key), null, AccountOf(caseId), null);
    }

    // Case ids read case-ACCOUNT-…; the account is the second part when it has 12 digits.
    private static string? AccountOf(string caseId)
    {
        var parts = caseId.Split('-');
        return parts.Length > 2 && parts[1].Length == 12 && parts[1].All(char.IsAsciiDigit) ? parts[1] : null;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
}
