namespace Analytics.Common.Settings;

/// <summary>How an ingest run reads and writes (section <c>Ingest</c>): the ingest, collect and worker commands use it.</summary>
[SettingsSection("Ingest")]
public sealed class IngestSettings : ISettings
{
    /// <summary>The default number of record ids the dedupe index holds.</summary>
    public const long DefaultIndexMaxIds = 1_000_000;

    /// <summary>Rows buffered (by estimated in-memory size) before they are written out; bounds memory.</summary>
    /// <value>The default value is 24 MiB.</value>
    [Setting("--batch-mb", "Rows buffered (estimated MiB in memory) before they are written out; bounds memory.")]
    public int BatchMegabytes { get; set; } = 24;

    /// <summary>
    /// Largest document that is one JSON array (an API response), once decompressed: it is held whole. Objects themselves
    /// may be of any size: they are read a window at a time. A larger document is quarantined as a fault of its object.
    /// </summary>
    /// <value>The default value is 512 MiB.</value>
    [Setting("--max-object-mb", "Largest whole JSON-array document (an API response), once decompressed, in MiB. Objects of any size are read a window at a time; a larger document is quarantined as a fault of its object and the run goes on.")]
    public int MaxObjectMegabytes { get; set; } = 512;

    /// <summary>
    /// Largest single record, once decompressed (EventBridge events are at most 1 MB, Firehose records 1,000 KiB). A larger
    /// one is quarantined as too large with its first bytes, skipped without being held; the rest of its object lands.
    /// </summary>
    /// <value>The default value is 16 MiB.</value>
    [Setting("--max-record-mb", "Largest single record, once decompressed, in MiB (EventBridge events are at most 1 MB, Firehose records 1,000 KiB). A larger one is quarantined as too large with its first bytes, skipped without being held; the rest of its object lands.")]
    public int MaxRecordMegabytes { get; set; } = 16;

    /// <summary>Input objects parsed at once; their rows still reach the writer in input order.</summary>
    /// <value>The default value is the number of processors.</value>
    [Setting("--parallelism", "Input objects parsed at once; their rows still reach the writer in input order, so files come out the same.")]
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Record ids the dedupe index holds (about 40 bytes each) before it forgets the partitions touched least recently.</summary>
    /// <value>The default value is 1,000,000 ids.</value>
    [Setting("--index-max-ids", "Record ids the dedupe index holds (about 40 bytes each) before it forgets the partitions touched least recently.")]
    public long IndexMaxIds { get; set; } = DefaultIndexMaxIds;

    /// <summary>Hidden temp files older than this, left by runs that died, are deleted at start.</summary>
    /// <value>The default value is 60 minutes.</value>
    [Setting("--stale-temp-minutes", "Hidden temporary files older than this many minutes, left by runs that died, are deleted at start.")]
    public int StaleTempMinutes { get; set; } = 60;

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        check.Range(nameof(BatchMegabytes), BatchMegabytes, 1, 4096);
        check.Range(nameof(MaxObjectMegabytes), MaxObjectMegabytes, 1, 2000);
        check.Range(nameof(MaxRecordMegabytes), MaxRecordMegabytes, 1, 2000);
        check.Range(nameof(Parallelism), Parallelism, 1, 64);
        check.AtLeast(nameof(IndexMaxIds), IndexMaxIds, 1);
        check.AtLeast(nameof(StaleTempMinutes), StaleTempMinutes, 0);
    }
}
