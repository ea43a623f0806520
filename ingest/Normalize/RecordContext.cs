using Analytics.Schemas;

namespace Analytics.Ingest.Normalize;

/// <summary>What a normalizer knows about the record besides its JSON.</summary>
/// <param name="SourceObject">The input object's name; becomes <c>source_object</c>.</param>
/// <param name="ObservedAt">
/// When the API responses of the object were observed (UTC), when that was recorded with them; null otherwise. Never
/// the object's file or S3 time: a copied or backfilled file would make every case look changed "now".
/// </param>
/// <param name="IngestedAt">When the run started (UTC); becomes <c>ingested_at</c>.</param>
internal sealed record RecordContext(string SourceObject, DateTime? ObservedAt, DateTime IngestedAt)
{
    /// <summary>A Trusted Advisor check's definition stored with its result's page (its pillar and column names); null otherwise.</summary>
    public TrustedAdvisor.TrustedAdvisorCheckDefinition? Check { get; init; }

    /// <summary>The account whose view a collected page is (the collector's caller); it is the account of the page's rows that name none.</summary>
    public string? Account { get; init; }

    /// <summary>Fills the columns every row has.</summary>
    public T Stamp<T>(T row, DateTime eventTime, string recordId, string? eventId, string? accountId, string? region) where T : LakeRow
    {
        ArgumentNullException.ThrowIfNull(row);
        row.EventTime = eventTime;
        row.RecordId = recordId;
        row.EventId = eventId;
        row.AccountId = accountId ?? Account;
        row.Region = region;
        row.SourceObject = SourceObject;
        row.IngestedAt = IngestedAt;
        return row;
    }
}

/// <summary>
/// What one input record became: a primary row (which decides whether the record counts as new or as a
/// duplicate) and rows derived from it in other tables, or a rejection.
/// </summary>
internal sealed class NormalizedRecord
{
    private NormalizedRecord(string position, LakeRow? primary, List<LakeRow> derived, RecordRejectedException? rejection, string? rawText)
    {
        Position = position;
        Primary = primary;
        Derived = derived;
        Rejection = rejection;
        RawText = rawText;
    }

    /// <summary>Where the record sits inside its object, e.g. <c>record 3 (line 40, byte 2210) cases[1]</c>.</summary>
    public string Position { get; }

    /// <summary>The row that stands for the record; null when rejected.</summary>
    public LakeRow? Primary { get; }

    /// <summary>Rows derived from the record in other tables (container states, affected entities, communications).</summary>
    public List<LakeRow> Derived { get; }

    /// <summary>Why the record was rejected; null when it became a row.</summary>
    public RecordRejectedException? Rejection { get; }

    /// <summary>The rejected record's text, when it is narrower than the input record (one item of an API response).</summary>
    public string? RawText { get; }

    /// <summary>A record that became rows.</summary>
    public static NormalizedRecord Rows(string position, LakeRow primary, List<LakeRow>? derived = null) =>
        new(position, primary, derived ?? [], null, null);

    /// <summary>A record that was rejected.</summary>
    public static NormalizedRecord Rejected(string position, RecordRejectedException rejection, string? rawText = null) =>
        new(position, null, [], rejection, rawText);
}

/// <summary>Helpers for rows that keep their record's JSON.</summary>
internal static class RawRows
{
    /// <summary>Sets the row's <c>raw_event</c> from the record's UTF-8 bytes (see <see cref="RawLakeRow.SetRawEventUtf8"/>) and returns the row.</summary>
    public static T WithRaw<T>(this T row, byte[] utf8) where T : RawLakeRow
    {
        ArgumentNullException.ThrowIfNull(row);
        row.SetRawEventUtf8(utf8);
        return row;
    }
}
