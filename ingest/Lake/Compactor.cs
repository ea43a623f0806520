using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Analytics.Schemas;
using Parquet;
using Parquet.Data;
using Parquet.Schema;
using Parquet.Serialization;

namespace Analytics.Ingest.Lake;

/// <summary>
/// Merges a partition's small files into files of about the target size (DOMAIN: 128 MB or more; many small
/// files are slow on S3 and Athena), sorted by <c>event_time</c> as ingest writes them. When the inputs' row groups
/// follow each other in time they are copied column by column, so memory holds one column of one row group at a
/// time and the rows stay exactly as they were; when they overlap (a late row's file, runs whose inputs overlapped
/// by a few seconds), the rows are read back and interleaved, holding a row group of each sorted stretch (at most
/// <see cref="MaxRunsPerMerge"/> and <see cref="MaxHeldBytesPerMerge"/>; more take further merges) and writing row groups of about 16 MB of rows in memory. Each merge is journalled in <c>_compaction/</c> before its result is published, so a merge that dies
/// halfway is finished (inputs deleted) or undone (result deleted) by the next run: no row is ever lost, and
/// none stays duplicated. Between the publish and the deletion of the inputs a reader can briefly see both;
/// deleting first would make it see neither, which is worse.
/// </summary>
public sealed class Compactor(LakeLayout layout, TimeProvider time)
{
    private static readonly MethodInfo CopyColumn = typeof(Compactor).GetMethod(nameof(CopyColumnAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private string JournalFolder => Path.Combine(layout.Root, "_compaction");

    /// <summary>Compacts every partition of <paramref name="tables"/> (all tables when empty).</summary>
    public async Task<CompactionSummary> RunAsync(IReadOnlyCollection<string> tables, long targetBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBytes, 1);
        var stopwatch = Stopwatch.StartNew();
        var summary = new CompactionSummary { Recovered = Recover() };
        var runId = "compacted-" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var merges = 0;
        foreach (var table in TableCatalog.All.Where(t => tables.Count == 0 || tables.Contains(t.Name)))
        {
            var folder = layout.TableFolder(table.Name);
            if (!Directory.Exists(folder)) continue;
            foreach (var partition in Directory.GetDirectories(folder, Partitioning.Column + "=*").Order(StringComparer.Ordinal))
            {
                var dt = Path.GetFileName(partition)[(Partitioning.Column.Length + 1)..];
                summary.PartitionsExamined++;
                // A merge's output may be merged again (a merge takes at most MaxRunsPerMerge sorted stretches): the
                // summary counts the files found and the files left, not the ones in between.
                List<List<SourceFile>> bins;
                while ((bins = await BinsAsync(table.Name, dt, targetBytes, cancellationToken).ConfigureAwait(false)).Count > 0)
                {
                    foreach (var bin in bins)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var output = await MergeAsync(table, dt, bin, $"{runId}-{merges++:D4}", cancellationToken).ConfigureAwait(false);
                        var found = bin.Where(f => !Path.GetFileName(f.Path).StartsWith($"part-{runId}-", StringComparison.Ordinal)).ToList();
                        summary.FilesMerged += found.Count;
                        summary.FilesWritten += 1 - (bin.Count - found.Count);
                        summary.Merges++;
                        summary.BytesBefore += found.Sum(f => f.Bytes);
                        summary.BytesAfter += new FileInfo(output).Length - bin.Except(found).Sum(f => f.Bytes);
                        summary.Rows += found.Sum(f => f.Rows);
                    }
                }
            }
        }
        summary.Elapsed = stopwatch.Elapsed;
        return summary;
    }

    /// <summary>
    /// Finishes or undoes merges a dead run left in the journal: when the merged file was published, the
    /// inputs still there are deleted; otherwise the merged file's temp is. Returns how many were found.
    /// </summary>
    public int Recover()
    {
        if (!Directory.Exists(JournalFolder)) return 0;
        var found = 0;
        foreach (var journal in Directory.GetFiles(JournalFolder, "*.json"))
        {
            var entry = JsonSerializer.Deserialize<Journal>(File.ReadAllText(journal)) ?? throw new InvalidDataException($"Compaction journal '{journal}' is empty.");
            if (File.Exists(entry.Output))
                foreach (var input in entry.Inputs) File.Delete(input);
            else
                File.Delete(entry.Temp);
            File.Delete(journal);
            found++;
        }
        return found;
    }

    private async Task<List<List<SourceFile>>> BinsAsync(string table, string dt, long targetBytes, CancellationToken cancellationToken)
    {
        var small = new List<SourceFile>();
        foreach (var path in layout.PublishedFiles(table, dt))
        {
            var bytes = new FileInfo(path).Length;
            if (bytes >= targetBytes / 2) continue;
            await using var stream = File.OpenRead(path);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var file = new SourceFile(path, bytes, reader.RowGroups.Sum(g => g.RowCount), Enumerable.Range(0, reader.RowGroupCount).Select(g => TimeRange(reader, g)).ToList(),
                reader.Metadata?.RowGroups.Max(g => g.TotalByteSize) ?? 0);
            // A file written before files were kept sorted may hold many interleaved stretches; merging it would hold a row group of each.
            if (file.Runs.Count <= MaxRunsPerMerge) small.Add(file);
        }
        // Files in time order, cut into bins of at most the target size; a bin of one file has nothing to merge.
        var bins = new List<List<SourceFile>>();
        var current = new List<SourceFile>();
        foreach (var file in small.OrderBy(f => f.Earliest).ThenBy(f => f.Path, StringComparer.Ordinal))
        {
            // Two files are always merged, whatever their row groups: a merge must make progress.
            if (current.Count > 0 && current.Sum(f => f.Bytes) + file.Bytes > targetBytes
                || current.Count > 1 && (current.Sum(f => f.Runs.Count) + file.Runs.Count > MaxRunsPerMerge || current.Sum(f => f.HeldBytes) + file.HeldBytes > MaxHeldBytesPerMerge))
            {
                bins.Add(current);
                current = [];
            }
            current.Add(file);
        }
        bins.Add(current);
        return bins.Where(b => b.Count > 1).ToList();
    }

    /// <summary>
    /// Sorted stretches merged at once at most: a merge of files that overlap in time holds one row group of each
    /// (a few MB of rows) while it interleaves their rows.
    /// </summary>
    public const int MaxRunsPerMerge = 8;

    /// <summary>
    /// Uncompressed bytes of the row groups a merge that interleaves rows holds at once, one per sorted stretch (rows in
    /// memory take about four times as much): a merge takes fewer files when their row groups are large.
    /// </summary>
    public const long MaxHeldBytesPerMerge = 24L << 20;

    private async Task<string> MergeAsync(TableDefinition table, string dt, List<SourceFile> inputs, string mergeId, CancellationToken cancellationToken)
    {
        var temp = layout.TempFile(table.Name, dt, mergeId);
        var output = layout.DataFile(table.Name, dt, mergeId);
        long written = 0;
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await using var writer = await ParquetWriter.CreateAsync(table.ParquetSchema, stream, ParquetSettings.Create(append: false, table.ParquetSchema), cancellationToken: cancellationToken).ConfigureAwait(false);
                var readers = new List<(SourceFile File, Stream Stream, ParquetReader Reader)>();
                try
                {
                    foreach (var input in inputs)
                    {
                        var source = File.OpenRead(input.Path);
                        readers.Add((input, source, await ParquetReader.CreateAsync(source, cancellationToken: cancellationToken).ConfigureAwait(false)));
                        if (!readers[^1].Reader.Schema.Equals(table.ParquetSchema))
                            throw new InvalidDataException($"'{input.Path}' does not have the schema of {table.Name}; the partition is left as it is.");
                    }
                    // Row groups of all inputs by their earliest event_time. When each starts no earlier than the one before
                    // ends, copying them in that order keeps the merged file sorted by time; otherwise their rows are interleaved.
                    var groups = readers.SelectMany(r => r.File.RowGroups.Select((range, g) => (r.File, r.Reader, Index: g, range.Earliest, range.Latest)))
                        .OrderBy(g => g.Earliest).ThenBy(g => g.File.Path, StringComparer.Ordinal).ThenBy(g => g.Index).ToList();
                    var chained = groups.Zip(groups.Skip(1)).All(pair => pair.Second.Earliest >= pair.First.Latest);
                    if (!chained)
                        written = await ((Task<long>)InterleaveRows.MakeGenericMethod(table.RowType).Invoke(null, [writer, readers.Select(r => (r.File, r.Stream)).ToList(), cancellationToken])!).ConfigureAwait(false);
                    foreach (var (_, reader, index, _, _) in chained ? groups : [])
                    {
                        using var group = reader.OpenRowGroupReader(index);
                        using var target = writer.CreateRowGroup();
                        foreach (var field in table.ParquetSchema.GetDataFields())
                        {
                            var raw = await group.ReadRawColumnDataBaseAsync(field, cancellationToken).ConfigureAwait(false);
                            await ((Task)CopyColumn.MakeGenericMethod(raw.GetType().GetGenericArguments()[0]).Invoke(null, [target, field, raw, cancellationToken])!).ConfigureAwait(false);
                        }
                        written += group.RowCount;
                    }
                }
                finally
                {
                    foreach (var (_, source, reader) in readers)
                    {
                        await reader.DisposeAsync().ConfigureAwait(false);
                        await source.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        var expected = inputs.Sum(f => f.Rows);
        if (written != expected)
        {
            File.Delete(temp);
            throw new InvalidDataException($"Merging {inputs.Count} files of {table.Name}/dt={dt} wrote {written:N0} rows instead of {expected:N0}; nothing was changed.");
        }
        Directory.CreateDirectory(JournalFolder);
        var journal = Path.Combine(JournalFolder, mergeId + ".json");
        await File.WriteAllTextAsync(journal, JsonSerializer.Serialize(new Journal(output, temp, inputs.Select(f => f.Path).ToList())), cancellationToken).ConfigureAwait(false);
        File.Move(temp, output);
        foreach (var input in inputs) File.Delete(input.Path);
        File.Delete(journal);
        return output;
    }

    private static async Task CopyColumnAsync<T>(ParquetRowGroupWriter target, DataField field, RawColumnData raw, CancellationToken cancellationToken) where T : struct
    {
        using var data = (RawColumnData<T>)raw;
        // A required flat column has no levels; everything else travels with its definition and repetition levels.
        if (field.MaxDefinitionLevel == 0 && field.MaxRepetitionLevel == 0)
            await target.WriteAsync<T>(field, data.Values.ToArray(), null, null, cancellationToken).ConfigureAwait(false);
        else
            await target.WriteAllPartsAsync<T>(field, data.Values.ToArray(),
                field.MaxDefinitionLevel > 0 ? data.DefinitionLevels.ToArray() : null,
                field.MaxRepetitionLevel > 0 ? data.RepetitionLevels.ToArray() : null, cancellationToken).ConfigureAwait(false);
    }

    private static (DateTime Earliest, DateTime Latest) TimeRange(ParquetReader reader, int rowGroup)
    {
        var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Name == "event_time");
        if (field is null) return (DateTime.MaxValue, DateTime.MaxValue);
        using var group = reader.OpenRowGroupReader(rowGroup);
        var statistics = group.GetStatistics(field);
        // Parquet.Net reports the statistics of a TIMESTAMP(MILLIS) column as raw epoch milliseconds.
        static DateTime Time(object? value, DateTime missing) => value switch
        {
            DateTime time => time,
            long milliseconds => DateTime.UnixEpoch.AddMilliseconds(milliseconds),
            _ => missing,
        };
        return (Time(statistics?.MinValue, DateTime.MinValue), Time(statistics?.MaxValue, DateTime.MaxValue));
    }

    private static readonly MethodInfo InterleaveRows = typeof(Compactor).GetMethod(nameof(InterleaveRowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    // Rows of the output row group, estimated in memory (the raw JSON as UTF-16 dominates): large row groups, bounded memory.
    private const long MergedRowGroupBytes = 16L << 20;

    /// <summary>
    /// Writes the rows of <paramref name="inputs"/> to <paramref name="writer"/> in time order, each input's sorted
    /// stretches of row groups read one row group at a time and merged row by row. Returns the rows written.
    /// </summary>
    private static async Task<long> InterleaveRowsAsync<TRow>(ParquetWriter writer, List<(SourceFile File, Stream Stream)> inputs, CancellationToken cancellationToken)
        where TRow : LakeRow, new()
    {
        var queue = new PriorityQueue<Stretch<TRow>, TRow>(Comparer<TRow>.Create(static (a, b) =>
        {
            var byTime = a.EventTime.CompareTo(b.EventTime);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.RecordId, b.RecordId);
        }));
        foreach (var (file, stream) in inputs)
            foreach (var run in file.Runs)
            {
                var stretch = new Stretch<TRow>(stream, run);
                if (await stretch.MoveNextAsync(cancellationToken).ConfigureAwait(false)) queue.Enqueue(stretch, stretch.Current);
            }
        var batch = new List<TRow>();
        var (batchBytes, written) = (0L, 0L);
        while (queue.TryDequeue(out var stretch, out var row))
        {
            batch.Add(row);
            batchBytes += 1024 + (row is RawLakeRow raw ? raw.RawEvent.Length * 2L : 0);
            if (await stretch.MoveNextAsync(cancellationToken).ConfigureAwait(false)) queue.Enqueue(stretch, stretch.Current);
            if (batchBytes < MergedRowGroupBytes && queue.Count > 0) continue;
            await ColumnarRowWriter<TRow>.WriteRowGroupAsync(writer, batch, cancellationToken).ConfigureAwait(false);
            written += batch.Count;
            (batch, batchBytes) = ([], 0);
        }
        return written;
    }

    /// <summary>A sorted stretch of a file's row groups, read a row group at a time.</summary>
    private sealed class Stretch<TRow>(Stream stream, IReadOnlyList<int> rowGroups) where TRow : class, new()
    {
        private IList<TRow> _rows = [];
        private int _next;
        private int _group;

        public TRow Current { get; private set; } = null!;

        public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            while (_next == _rows.Count)
            {
                if (_group == rowGroups.Count) return false;
                _rows = (await ParquetSerializer.DeserializeAsync<TRow>(stream, rowGroupIndex: rowGroups[_group++], cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
                _next = 0;
            }
            Current = _rows[_next++];
            return true;
        }
    }

    private sealed record SourceFile(string Path, long Bytes, long Rows, IReadOnlyList<(DateTime Earliest, DateTime Latest)> RowGroups, long LargestRowGroupBytes)
    {
        /// <summary>At most what an interleaving merge holds of this file: its largest row group, once per sorted stretch.</summary>
        public long HeldBytes => Runs.Count * LargestRowGroupBytes;

        public DateTime Earliest => RowGroups.Count == 0 ? DateTime.MaxValue : RowGroups.Min(g => g.Earliest);

        /// <summary>The file's row groups cut where one starts before the one before it ends: each stretch is sorted by time.</summary>
        public List<List<int>> Runs { get; } = RowGroups.Select((range, index) => (range, index))
            .Aggregate(new List<List<int>>(), (runs, g) =>
            {
                if (runs.Count == 0 || g.range.Earliest < RowGroups[runs[^1][^1]].Latest) runs.Add([]);
                runs[^1].Add(g.index);
                return runs;
            });
    }

    private sealed record Journal(string Output, string Temp, List<string> Inputs);
}

/// <summary>What a compaction did.</summary>
public sealed class CompactionSummary
{
    /// <summary>Merges a dead run left half-done, finished or undone at start.</summary>
    public int Recovered { get; set; }
    /// <summary>Partitions looked at.</summary>
    public int PartitionsExamined { get; set; }
    /// <summary>Small files merged (and deleted).</summary>
    public int FilesMerged { get; set; }
    /// <summary>Files written in their place.</summary>
    public int FilesWritten { get; set; }
    /// <summary>Merges done: more than the files written when a merge's output was merged again.</summary>
    public int Merges { get; set; }
    /// <summary>Bytes of the merged files.</summary>
    public long BytesBefore { get; set; }
    /// <summary>Bytes of the files written.</summary>
    public long BytesAfter { get; set; }
    /// <summary>Rows copied.</summary>
    public long Rows { get; set; }
    /// <summary>How long it took.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>A few lines for a person.</summary>
    public string ToText() => string.Create(CultureInfo.InvariantCulture, $"""
        Compaction
          examined     {PartitionsExamined:N0} partitions
          merged       {FilesMerged:N0} small files ({BytesBefore / 1e6:N1} MB) into {FilesWritten:N0} ({BytesAfter / 1e6:N1} MB), {Rows:N0} rows, in {Merges:N0} merges
          recovered    {Recovered:N0} half-done merges of an earlier run
          took         {Elapsed.TotalSeconds:N1} s

        """);
}
