using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Analytics.Ingest.Input;
using Analytics.Ingest.Lake;
using Analytics.Ingest.Normalize;

namespace Analytics.Ingest.Run;

/// <summary>
/// One ingest run: input objects are read, split and normalized in parallel; a single consumer
/// deduplicates and writes the rows; the run ends by publishing its files. Every record ends as a row,
/// a counted duplicate, or a quarantined record.
/// </summary>
public sealed class IngestRunner
{
    // A derived row (container state, affected entity, communication) repeats a dozen short strings of its parent.
    private const int DerivedRowBytes = 1536;

    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string>? _progress;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="time">The clock: stamps <c>ingested_at</c> and names the run.</param>
    /// <param name="progress">Receives a progress line every few seconds; null for none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public IngestRunner(IngestOptions options, TimeProvider time, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid ingest options:\n  " + string.Join("\n  ", errors), nameof(options));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _progress = progress;
    }

    /// <summary>Runs the ingest and returns its summary.</summary>
    /// <exception cref="IOException">An input cannot be read or the lake cannot be written; nothing of the run is published.</exception>
    public async Task<IngestSummary> RunAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var started = _time.GetUtcNow().UtcDateTime;
        var startedMs = new DateTime(started.Ticks - started.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        var runId = started.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var layout = new LakeLayout(_options.Lake);
        Directory.CreateDirectory(layout.Root);
        // A compaction that died halfway would leave rows twice (merged and unmerged) for readers; finish it first.
        new Compactor(layout, _time).Recover();
        foreach (var stale in layout.StaleTempFiles(started.AddMinutes(-_options.StaleTempMinutes))) File.Delete(stale);

        var files = LocalInputs.Enumerate(_options.Inputs);
        var summary = new IngestSummary { RunId = runId };
        await using var writer = new LakeWriter(layout, runId, (long)_options.BatchMegabytes << 20, _options.IndexMaxIds);
        // Bounded, so parsed objects wait for the writer instead of piling up in memory.
        var chunkBytes = Math.Max(1L << 20, ((long)_options.BatchMegabytes << 20) / 8);
        var channel = Channel.CreateBounded<ParsedObject>(new BoundedChannelOptions(_options.Parallelism) { SingleReader = true });

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cts.Token },
                    async (file, ct) =>
                    {
                        using var input = await LocalInputs.ReadAsync(file, (long)_options.MaxObjectMegabytes << 20, ct).ConfigureAwait(false);
                        // The object's rows go to the writer in parts of about a chunk each, so a large object is
                        // never all rows at once in memory; its quarantine file is written whole, before its last part.
                        var segments = RecordSplitter.Split(input.Data.Span);
                        var quarantined = new List<QuarantinedRecord>();
                        var next = 0;
                        ParsedObject part;
                        do
                        {
                            part = ParsePart(input, segments, next, startedMs, chunkBytes);
                            next = part.End;
                            quarantined.AddRange(part.Quarantined);
                            if (part.IsLast && quarantined.Count > 0)
                                await QuarantineWriter.WriteAsync(layout, input.Name, quarantined, ct).ConfigureAwait(false);
                            await channel.Writer.WriteAsync(part, ct).ConfigureAwait(false);
                        }
                        while (!part.IsLast);
                    }).ConfigureAwait(false);
                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
                throw;
            }
        }, cts.Token);

        var lastProgress = stopwatch.Elapsed;
        try
        {
            await foreach (var parsed in channel.Reader.ReadAllAsync(cts.Token).ConfigureAwait(false))
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
                    var size = record.Size;
                    if (await writer.AddAsync(record.Record.Primary!, size, cts.Token).ConfigureAwait(false)) summary.RecordsLanded++;
                    else summary.Duplicates++;
                    foreach (var derived in record.Record.Derived) await writer.AddAsync(derived, DerivedRowBytes, cts.Token).ConfigureAwait(false);
                }
                if (_progress is not null && stopwatch.Elapsed - lastProgress > TimeSpan.FromSeconds(3))
                {
                    lastProgress = stopwatch.Elapsed;
                    _progress(string.Create(CultureInfo.InvariantCulture,
                        $"… {summary.ObjectsRead:N0}/{files.Count:N0} objects, {summary.RecordsRead:N0} records, {summary.BytesRead / 1e6 / stopwatch.Elapsed.TotalSeconds:N1} MB/s"));
                }
            }
            await producer.ConfigureAwait(false);
        }
        catch
        {
            await cts.CancelAsync().ConfigureAwait(false);
            try { await producer.ConfigureAwait(false); } catch (OperationCanceledException) { } catch (IOException) { }
            throw;
        }

        await writer.PublishAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (table, rows) in writer.RowsWritten) summary.RowsPerTable[table] = rows;
        summary.FilesWritten = writer.FilesPublished;
        summary.IndexFilesRead = writer.IndexFilesRead;
        summary.BytesWritten = writer.BytesPublished;
        summary.Elapsed = stopwatch.Elapsed;
        summary.PeakMemoryBytes = Process.GetCurrentProcess().PeakWorkingSet64;
        return summary;
    }

    /// <summary>Splits and normalizes one object whole. Pure CPU; safe to run in parallel.</summary>
    public static ParsedObject Parse(InputObject input, DateTime ingestedAt)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ParsePart(input, RecordSplitter.Split(input.Data.Span), 0, ingestedAt, long.MaxValue);
    }

    /// <summary>
    /// Normalizes the object's records from segment <paramref name="from"/> on, until their rows' estimated size
    /// passes <paramref name="maxBytes"/>; <see cref="ParsedObject.End"/> says where the next part starts. Pure CPU.
    /// </summary>
    public static ParsedObject ParsePart(InputObject input, IReadOnlyList<RecordSegment> segments, int from, DateTime ingestedAt, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(segments);
        var context = new RecordContext(input.Name, input.LastModified, ingestedAt);
        var records = new List<ParsedRecord>();
        var quarantined = new List<QuarantinedRecord>();
        // Quarantined records copy their bytes: the input buffer goes back to the pool after parsing.
        var data = input.Data;
        var bytes = 0L;
        var next = from;
        while (next < segments.Count && bytes < maxBytes)
        {
            var segment = segments[next++];
            var record = data.Slice(segment.Start, segment.Length);
            var position = segment.Position.ToString();
            if (!segment.IsWellFormed)
            {
                quarantined.Add(new QuarantinedRecord(input.Name, position, Kind(RejectionKind.Malformed), null, segment.Error!, record.ToArray()));
                continue;
            }
            var normalized = RecordRouter.Route(record, position, context);
            foreach (var row in normalized)
            {
                if (row.Rejection is { } rejection)
                {
                    var raw = row.RawText is null ? record.ToArray() : System.Text.Encoding.UTF8.GetBytes(row.RawText);
                    quarantined.Add(new QuarantinedRecord(input.Name, row.Position, Kind(rejection.Kind), rejection.Field, rejection.Message, raw));
                }
                else
                {
                    // Four times the JSON plus a kilobyte, measured on ECS task events: the row keeps the JSON as UTF-8
                    // and its fields as strings (UTF-16), and the writer decodes the JSON to UTF-16 when it writes it.
                    // (A factor of 3 fits a third more rows in a batch for about 30 MB more peak, and no faster.)
                    var size = segment.Length / Math.Max(1, normalized.Count) * 4L + 1024;
                    records.Add(new ParsedRecord(row, size));
                    bytes += size + row.Derived.Count * DerivedRowBytes;
                }
            }
        }
        var last = next == segments.Count;
        if (last && input.DecompressionError is not null)
            quarantined.Add(new QuarantinedRecord(input.Name, $"byte {input.Data.Length} (decompressed)", Kind(RejectionKind.Malformed), null, input.DecompressionError, ReadOnlyMemory<byte>.Empty, IsRecord: false));
        return new ParsedObject(input.Name, input.Data.Length, records, quarantined) { End = next, IsLast = last };
    }

    private static void Count(IngestSummary summary, QuarantinedRecord q)
    {
        if (q.IsRecord)
        {
            summary.RecordsRead++;
            summary.Quarantined++;
            summary.QuarantinedByKind[q.Kind] = summary.QuarantinedByKind.GetValueOrDefault(q.Kind) + 1;
        }
        if (summary.FirstQuarantined.Count < 5) summary.FirstQuarantined.Add(q);
    }

    private static string Kind(RejectionKind kind) => kind switch
    {
        RejectionKind.Malformed => "malformed",
        RejectionKind.Unrecognized => "unrecognized",
        RejectionKind.InvalidField => "invalid_field",
        RejectionKind.ApiFailure => "api_failure",
        _ => kind.ToString(),
    };
}

/// <summary>One record that became rows, with its estimated in-memory size.</summary>
/// <param name="Record">The rows.</param>
/// <param name="Size">Estimated bytes in memory.</param>
public sealed record ParsedRecord(NormalizedRecord Record, long Size);

/// <summary>An input object, or a part of one, split and normalized.</summary>
/// <param name="Name">The object's name.</param>
/// <param name="Bytes">Its decompressed size.</param>
/// <param name="Records">The records that became rows.</param>
/// <param name="Quarantined">The records that did not.</param>
public sealed record ParsedObject(string Name, long Bytes, List<ParsedRecord> Records, List<QuarantinedRecord> Quarantined)
{
    /// <summary>The index of the first record segment not in this part.</summary>
    public int End { get; init; }

    /// <summary>True for the object's last part (the only one when it was parsed whole).</summary>
    public bool IsLast { get; init; } = true;
}
