using System.Diagnostics;
using System.Globalization;
using Analytics.Ingest.Input;
using Analytics.Ingest.Normalize;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Ingest.Run;

/// <summary>
/// One ingest run: input objects are read, split and normalized in parallel; a single consumer
/// deduplicates and writes the rows; the run ends by publishing its files. Every record ends as a row,
/// a counted duplicate, or a quarantined record.
/// </summary>
internal sealed class IngestRunner
{
    // A derived row (container state, affected entity, communication) repeats a dozen short strings of its parent.
    private const int DerivedRowBytes = 1536;

    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="time">The clock: stamps <c>ingested_at</c> and names the run.</param>
    /// <param name="logger">Hears a progress line every few seconds, and a wait for the lake; null for none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public IngestRunner(IngestOptions options, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid ingest options:\n  " + string.Join("\n  ", errors), nameof(options));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Runs the ingest and returns its summary.</summary>
    /// <exception cref="LakeBusyException">Another ingest or compact holds the lake (after waiting <see cref="Analytics.Common.Settings.LakeSettings.WaitSeconds"/>); nothing was done.</exception>
    /// <exception cref="IOException">An input cannot be read or the lake cannot be written; nothing of the run is published.</exception>
    public async Task<IngestSummary> RunAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow().UtcDateTime;
        var runId = started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        // No input object: nothing to do, and no lake is made for it.
        // The program's S3 client, asked for only when an input or the lake is on S3.
        var s3 = _options.S3 ?? (() => throw new InvalidOperationException("This run was given no S3 client: a lake or an input on S3 needs the program's."));
        try
        {
            var files = _options.Objects?.ToList()
                ?? await InputObjects.ListAsync(_options.Inputs, _options.Lake.Location!, s3, cancellationToken).ConfigureAwait(false);
            if (files.Count == 0) return new IngestSummary { RunId = runId };
            var layout = LakeLayout.Open(_options.Lake.Location!, s3, _options.Lake.StagingFolder);
            return await RunAsync(layout, runId, started, files, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or HttpRequestException)
        {
            throw new IOException($"S3 failed: {ex.Message}", ex);
        }
    }

    // Empty dt= folders and table folders where files are staged (never the lake itself or its _ folders but an empty
    // quarantine): they hold nothing a reader needs. On S3 there are no folders; this tidies the staging folder.
    private static void RemoveEmptyFolders(LakeLayout layout)
    {
        if (!Directory.Exists(layout.StagingRoot)) return;
        foreach (var table in Directory.EnumerateDirectories(layout.StagingRoot).Where(d => !Analytics.Schemas.LakePaths.IsHidden(Path.GetFileName(d))))
        {
            foreach (var partition in Directory.EnumerateDirectories(table, Analytics.Schemas.LakePaths.PartitionPattern))
                if (!Directory.EnumerateFileSystemEntries(partition).Any()) Directory.Delete(partition);
            if (!Directory.EnumerateFileSystemEntries(table).Any()) Directory.Delete(table);
        }
        var quarantine = Path.Combine(layout.StagingRoot, Analytics.Schemas.LakePaths.QuarantineFolder);
        if (Directory.Exists(quarantine) && !Directory.EnumerateFileSystemEntries(quarantine).Any()) Directory.Delete(quarantine);
    }

    private async Task<IngestSummary> RunAsync(LakeLayout layout, string runId, DateTime started, List<InputObjectRef> files, CancellationToken cancellationToken)
    {
        // One writer at a time: a run beside another would land every event they share twice.
        await using var session = await LakeSession.OpenAsync(layout, $"ingest run {runId}", _options.Lake, started.AddMinutes(-_options.Settings.StaleTempMinutes),
            _time, _logger, cancellationToken).ConfigureAwait(false);
        var createdQuarantine = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            return await WriteAsync(layout, runId, started, files, createdQuarantine, session.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or UnauthorizedAccessException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
        {
            // Nothing of the run was published and the writer has deleted its hidden files. Still holding the lake, this
            // deletes the quarantine files the run created (the rerun quarantines the same records again; a file an
            // earlier run wrote is kept) and the partition and table folders left empty.
            if (!session.Lost)
            {
                await layout.Store.DeleteAsync([.. createdQuarantine], CancellationToken.None).ConfigureAwait(false);
                RemoveEmptyFolders(layout);
            }
            if (ex is OperationCanceledException && session.Lost && !cancellationToken.IsCancellationRequested)
                throw new IOException($"The run lost its lease on {layout.Root} to another writer (it could not renew it in time) and stopped; files it had published stay, and a rerun lands the rest.", ex);
            throw;
        }
    }

    private async Task<IngestSummary> WriteAsync(LakeLayout layout, string runId, DateTime started, List<InputObjectRef> files,
        System.Collections.Concurrent.ConcurrentBag<string> createdQuarantine, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var startedMs = new DateTime(started.Ticks - started.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

        var summary = new IngestSummary { RunId = runId, Inputs = _options.Inputs };
        await using var writer = new LakeWriter(layout, runId, (long)_options.Settings.BatchMegabytes << 20, _options.Settings.IndexMaxIds);
        // An object's rows go to the writer in parts of an eighth of the batch (estimated).
        var chunkBytes = Math.Max(1L << 20, ((long)_options.Settings.BatchMegabytes << 20) / 8);
        // Objects are parsed in parallel but their rows reach the writer in the inputs' order, object after object, so
        // rows arrive nearly in time order whatever the parallelism (the writer keeps files sorted by time, and late
        // rows cost it files) and a run's files are the same from one run to the next. Two parts of an object wait for
        // the writer at most, and objects are parsed at most twice the parallelism ahead of it: memory stays bounded.
        var lastProgress = stopwatch.Elapsed;
        async Task WriteQuarantineAsync(string name, List<QuarantinedRecord> records, CancellationToken ct)
        {
            var existed = await QuarantineWriter.ExistsAsync(layout, name, ct).ConfigureAwait(false);
            var written = await QuarantineWriter.WriteAsync(layout, name, records, ct).ConfigureAwait(false);
            if (!existed) createdQuarantine.Add(written);
        }
        await InOrderPipeline.RunAsync<InputObjectRef, ParsedObject>(files, _options.Settings.Parallelism, 2 * _options.Settings.Parallelism, partsPerItem: 2,
            async (file, parts, ct) =>
            {
                // The object is read a window at a time and its rows go to the writer in parts of about a chunk each, so
                // neither a large object nor its rows are ever in memory whole. Its quarantine file is written whole,
                // before the empty last part that says the object is done.
                ObjectReader reader;
                try
                {
                    reader = await ObjectReader.OpenAsync(file.Store, file.Object, (long)_options.Settings.MaxObjectMegabytes << 20,
                        maxRecordBytes: (long)_options.Settings.MaxRecordMegabytes << 20, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsUnreadable(ex))
                {
                    // Gone since it was listed, or not ours to read: a fault of the object, kept and reported; the run goes
                    // on (a transient fault, retried and still failing, fails the run instead, so the next one tries again).
                    var name = file.Store.NameOf(file.Object.Key);
                    var gone = ObjectFault(name, "byte 0", "unreadable", $"could not be read: {ex.Message}");
                    await WriteQuarantineAsync(name, [gone], ct).ConfigureAwait(false);
                    await parts.WriteAsync(new ParsedObject(name, 0, [], [gone]) { IsLast = true }, ct).ConfigureAwait(false);
                    return;
                }
                using var _ = reader;
                var quarantined = new List<QuarantinedRecord>();
                List<QuarantinedRecord> broken = [];
                while (true)
                {
                    ObjectWindow? window;
                    try
                    {
                        window = await reader.NextAsync(ct).ConfigureAwait(false);
                    }
                    catch (InputTooLargeException ex)
                    {
                        // A whole JSON-array document larger than allowed: a fault of the object, kept with its reason;
                        // the run goes on.
                        broken.Add(ObjectFault(reader.Name, $"byte {reader.BytesRead} (decompressed)", Kind(RejectionKind.TooLarge), ex.Message));
                        break;
                    }
                    if (window is null) break;
                    // The window's records, cut into parts of about a chunk each, are normalized in parallel (a large
                    // object would otherwise be parsed by one thread while the writer waits for its rows in order).
                    var starts = PartStarts(window.Segments, chunkBytes);
                    var windowParts = new ParsedObject[Math.Max(0, starts.Count - 1)];
                    Parallel.For(0, windowParts.Length, new ParallelOptions { CancellationToken = ct },
                        k => windowParts[k] = ParsePart(reader.Name, window.Data, window.Segments, starts[k], starts[k + 1], startedMs));
                    foreach (var part in windowParts)
                    {
                        quarantined.AddRange(part.Quarantined);
                        await parts.WriteAsync(part, ct).ConfigureAwait(false);
                    }
                }
                if (reader.DecompressionError is { } error) broken.Add(DecompressionFailure(reader.Name, reader.BytesRead, error));
                quarantined.AddRange(broken);
                if (quarantined.Count > 0) await WriteQuarantineAsync(reader.Name, quarantined, ct).ConfigureAwait(false);
                await parts.WriteAsync(new ParsedObject(reader.Name, reader.BytesRead, [], broken) { IsLast = true }, ct).ConfigureAwait(false);
            },
            async (parsed, ct) =>
            {
                if (parsed.IsLast)
                {
                    summary.ObjectsRead++;
                    summary.BytesRead += parsed.Bytes;
                }
                foreach (var q in parsed.Quarantined) Count(summary, q);
                foreach (var record in parsed.Records)
                {
                    summary.RecordsRead++;
                    _options.Read?.Invoke(record.Record.Primary!);
                    if (await writer.AddAsync(record.Record.Primary!, record.Size, ct).ConfigureAwait(false)) summary.RecordsLanded++;
                    else summary.Duplicates++;
                    foreach (var derived in record.Record.Derived) await writer.AddAsync(derived, DerivedRowBytes, ct).ConfigureAwait(false);
                }
                if (stopwatch.Elapsed - lastProgress > TimeSpan.FromSeconds(3))
                {
                    lastProgress = stopwatch.Elapsed;
                    Log.IngestProgress(_logger, summary.ObjectsRead, files.Count, summary.RecordsRead, summary.BytesRead / 1e6 / stopwatch.Elapsed.TotalSeconds);
                }
            }, cancellationToken).ConfigureAwait(false);

        await writer.PublishAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (table, rows) in writer.RowsWritten) summary.RowsPerTable[table] = rows;
        summary.FilesWritten = writer.FilesPublished;
        summary.FilesStartedForLateRows = writer.FilesStartedForLateRows;
        summary.IndexFilesRead = writer.IndexFilesRead;
        summary.BytesWritten = writer.BytesPublished;
        summary.Elapsed = stopwatch.Elapsed;
        using var process = Process.GetCurrentProcess();
        summary.PeakMemoryBytes = process.PeakWorkingSet64;
        summary.ProcessCpu = process.TotalProcessorTime;
        return summary;
    }

    /// <summary>Splits and normalizes one object whole. Pure CPU; safe to run in parallel.</summary>
    public static ParsedObject Parse(InputObject input, DateTime ingestedAt)
    {
        ArgumentNullException.ThrowIfNull(input);
        var segments = RecordSplitter.Split(input.Data.Span);
        var parsed = ParsePart(input.Name, input.Data, segments, 0, segments.Count, ingestedAt);
        if (input.DecompressionError is not null) parsed.Quarantined.Add(DecompressionFailure(input.Name, input.Data.Length, input.DecompressionError));
        return parsed with { Bytes = input.Data.Length, IsLast = true };
    }

    /// <summary>
    /// Normalizes the records of <paramref name="data"/> from segment <paramref name="from"/> up to (not including)
    /// <paramref name="to"/>. Pure CPU; copies what it keeps, so <paramref name="data"/> may be reused afterwards.
    /// </summary>
    public static ParsedObject ParsePart(string name, ReadOnlyMemory<byte> data, IReadOnlyList<RecordSegment> segments, int from, int to, DateTime ingestedAt)
    {
        ArgumentNullException.ThrowIfNull(segments);
        // An object's file or S3 time is when it was written or copied, never when anything happened: API pages get an
        // observation time only when one is recorded with them (the collector's job), so none here.
        var context = new RecordContext(name, ObservedAt: null, ingestedAt);
        var records = new List<ParsedRecord>();
        var quarantined = new List<QuarantinedRecord>();
        for (var next = from; next < to; next++)
        {
            var segment = segments[next];
            var record = data.Slice(segment.Start, segment.Length);
            var position = segment.Position.ToString();
            if (!segment.IsWellFormed)
            {
                quarantined.Add(new QuarantinedRecord(name, position, Kind(segment.IsTooLarge ? RejectionKind.TooLarge : RejectionKind.Malformed), null, segment.Error!, record.ToArray()));
                continue;
            }
            var normalized = RecordRouter.Route(record, position, context);
            foreach (var row in normalized)
            {
                if (row.Rejection is { } rejection)
                {
                    var raw = row.RawText is null ? record.ToArray() : System.Text.Encoding.UTF8.GetBytes(row.RawText);
                    quarantined.Add(new QuarantinedRecord(name, row.Position, Kind(rejection.Kind), rejection.Field, rejection.Message, raw));
                }
                else
                {
                    records.Add(new ParsedRecord(row, EstimatedRowBytes(segment.Length / Math.Max(1, normalized.Count))));
                }
            }
        }
        return new ParsedObject(name, 0, records, quarantined);
    }

    /// <summary>
    /// Where each part of a window of <paramref name="segments"/> starts, and last where the window ends: parts of
    /// about <paramref name="chunkBytes"/> of rows each (estimated), at least one record each.
    /// </summary>
    public static List<int> PartStarts(IReadOnlyList<RecordSegment> segments, long chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var starts = new List<int> { 0 };
        var bytes = 0L;
        for (var i = 0; i < segments.Count; i++)
        {
            bytes += EstimatedRowBytes(segments[i].Length);
            if (bytes < chunkBytes || i + 1 == segments.Count) continue;
            starts.Add(i + 1);
            bytes = 0;
        }
        if (starts[^1] != segments.Count) starts.Add(segments.Count);
        return starts;
    }

    // A row in memory from its JSON: four times the JSON plus a kilobyte, measured on ECS task events when the row
    // kept its fields as strings (UTF-16) and the writer still decoded the JSON to UTF-16. (A factor of 3 fitted a
    // third more rows in a batch for about 30 MB more peak, and was no faster.)
    private static long EstimatedRowBytes(long jsonBytes) => jsonBytes * 4 + 1024;

    // An input that will not become readable by trying again: gone since it was listed, or not ours to read.
    private static bool IsUnreadable(Exception ex) => ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        || ex is Amazon.S3.AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound };

    private static QuarantinedRecord DecompressionFailure(string name, long decompressed, string error) =>
        ObjectFault(name, $"byte {decompressed} (decompressed)", Kind(RejectionKind.Malformed), error);

    // A fault of the object itself (it was not read to the end): kept and reported, not counted as a record.
    private static QuarantinedRecord ObjectFault(string name, string position, string kind, string reason) =>
        new(name, position, kind, null, reason, ReadOnlyMemory<byte>.Empty, IsRecord: false);

    private static void Count(IngestSummary summary, QuarantinedRecord q)
    {
        if (q.IsRecord)
        {
            summary.RecordsRead++;
            summary.Quarantined++;
            summary.QuarantinedByKind[q.Kind] = summary.QuarantinedByKind.GetValueOrDefault(q.Kind) + 1;
        }
        else summary.ObjectsUnreadable++;
        if (summary.FirstQuarantined.Count < 5) summary.FirstQuarantined.Add(q);
    }

    private static string Kind(RejectionKind kind) => kind switch
    {
        RejectionKind.Malformed => "malformed",
        RejectionKind.Unrecognized => "unrecognized",
        RejectionKind.InvalidField => "invalid_field",
        RejectionKind.ApiFailure => "api_failure",
        RejectionKind.Unexpected => "unexpected",
        RejectionKind.TooLarge => "too_large",
        _ => kind.ToString(),
    };
}

/// <summary>One record that became rows, with its estimated in-memory size.</summary>
/// <param name="Record">The rows.</param>
/// <param name="Size">Estimated bytes in memory.</param>
internal sealed record ParsedRecord(NormalizedRecord Record, long Size);

/// <summary>An input object, or a part of one, split and normalized.</summary>
/// <param name="Name">The object's name.</param>
/// <param name="Bytes">Its decompressed size, given with its last part.</param>
/// <param name="Records">The records that became rows.</param>
/// <param name="Quarantined">The records that did not.</param>
internal sealed record ParsedObject(string Name, long Bytes, List<ParsedRecord> Records, List<QuarantinedRecord> Quarantined)
{
    /// <summary>True for the object's last part (the only one when it was parsed whole): the object is done.</summary>
    public bool IsLast { get; init; }
}
