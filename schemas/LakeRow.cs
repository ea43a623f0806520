using System.Text;
using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Analytics.Schemas;

/// <summary>
/// The columns every table has. The partition column <c>dt</c> is not stored in the files: it is the
/// Hive folder <c>dt=yyyy-MM-dd/</c>, derived from <see cref="EventTime"/> by <see cref="Partitioning.DtOf"/>.
/// </summary>
/// <remarks>Parquet.Net writes base-class columns after the derived ones, so these come last in every file.</remarks>
public abstract class LakeRow
{
    /// <summary>The column identifying each row, unique in its table.</summary>
    public const string RecordIdColumn = "record_id";

    /// <summary>The column holding a record's original JSON.</summary>
    public const string RawEventColumn = "raw_event";

    /// <summary>When the fact happened, UTC, millisecond precision. Its UTC date is the partition <c>dt</c>.</summary>
    [JsonPropertyName("event_time"), ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    [Column("When the fact happened (UTC); dt is its date")]
    public DateTime EventTime { get; set; }

    /// <summary>The row's identity: a redelivered or re-observed record has the same value, so it never lands twice.</summary>
    [JsonPropertyName(RecordIdColumn), Column("Identity of the row; a redelivered or re-observed record has the same record_id")]
    public string RecordId { get; set; } = "";

    /// <summary>The EventBridge envelope <c>id</c> of the event this row came from; null for API observations.</summary>
    [JsonPropertyName("event_id"), Column("EventBridge envelope id (null for API observations)")]
    public string? EventId { get; set; }

    /// <summary>The AWS account the fact belongs to.</summary>
    [JsonPropertyName("account_id"), Column("AWS account id")]
    public string? AccountId { get; set; }

    /// <summary>The AWS region the fact was recorded in.</summary>
    [JsonPropertyName("region"), Column("AWS region the record was recorded in")]
    public string? Region { get; set; }

    /// <summary>Where the record came from: a file path or <c>s3://bucket/key</c>.</summary>
    [JsonPropertyName("source_object"), Column("Input object (file path or S3 URI) the record was read from")]
    public string SourceObject { get; set; } = "";

    /// <summary>When the ingest run that wrote this row started, UTC.</summary>
    [JsonPropertyName("ingested_at"), ParquetTimestamp(ParquetTimestampResolution.Milliseconds, true, true)]
    [Column("When the ingest run that wrote the row started (UTC)")]
    public DateTime IngestedAt { get; set; }
}

/// <summary>A row that keeps the original JSON of its record, so nothing is ever unrecoverable.</summary>
public abstract class RawLakeRow : LakeRow
{
    private string? _text;
    private byte[]? _utf8;

    /// <summary>The record's original JSON text, verbatim (decoded on each read when it was set as UTF-8).</summary>
    [JsonPropertyName(RawEventColumn), Column("The record's original JSON, verbatim")]
    public string RawEvent
    {
        get => _text ?? (_utf8 is null ? "" : Encoding.UTF8.GetString(_utf8));
        set
        {
            _text = value ?? "";
            _utf8 = null;
        }
    }

    /// <summary>
    /// Sets the original JSON as its UTF-8 bytes, as ingest reads it: a row waiting in a batch then holds half
    /// the bytes of a string, and the writer decodes it into a shared buffer instead of a string per row.
    /// </summary>
    public void SetRawEventUtf8(byte[] utf8)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        _utf8 = utf8;
        _text = null;
    }

    /// <summary>The original JSON's UTF-8 bytes when it was set that way; false when it was set as text.</summary>
    public bool TryGetRawEventUtf8(out ReadOnlyMemory<byte> utf8)
    {
        utf8 = _utf8;
        return _utf8 is not null;
    }
}
