using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Analytics.Ingest.Storage;
using Analytics.Schemas;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace Analytics.Ingest.Lake.Compaction;

/// <summary>
/// Merges a partition's small files into files of about the target size (DOMAIN: 128 MB or more; many small
/// files are slow on S3 and Athena), sorted by <c>event_time</c> as ingest writes them. When the inputs' row groups
/// follow each other in time they are copied column by column, so memory holds one column of one row group at a
/// time and the rows stay exactly as they were. When they overlap (a late row's file, runs whose inputs overlapped
/// by a few seconds), the sorted stretches of row groups are merged by event time, and each output row group (about
/// 8 MB uncompressed) is gathered column by column from the input row groups it draws on: memory holds one column of
/// those, about the output row group's worth plus what is left of a row group per stretch (at most
/// <see cref="MaxRunsPerMerge"/> stretches and <see cref="MaxHeldBytesPerMerge"/> of their row groups a merge; more
/// files take further merges). Each merge is journalled in
/// <c>_compaction/</c> before its result is published, so a merge that dies
/// halfway is finished (inputs deleted) or undone (result deleted) by the next run: no row is ever lost, and
/// none stays duplicated. Between the publish and the deletion of the inputs a reader can briefly see both;
/// deleting first would make it see neither, which is worse.
/// </summary>
internal sealed class Compactor(LakeLayout layout, TimeProvider time)
{
    private static readonly MethodInfo CopyColumn = typeof(Compactor).GetMethod(nameof(CopyColumnAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>How long an S3 lease holds without renewal; <see cref="Analytics.Common.Settings.LakeSettings.DefaultLeaseSeconds"/> when null.</summary>
    public TimeSpan? Lease { get; init; }

    /// <summary>How long <see cref="RunAsync"/> waits when another ingest or compact holds the lake; zero to stop at once.</summary>
    public TimeSpan WaitForLake { get; init; }

    /// <summary>Told when <see cref="RunAsync"/> waits for the lake, and every <see cref="ProgressEvery"/> how far it got.</summary>
    /// <value>The default is silence.</value>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>How often <see cref="Logger"/> hears how far the compaction got.</summary>
    /// <value>The default value is 3 seconds.</value>
    public TimeSpan ProgressEvery { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Compacts every partition of <paramref name="tables"/> (all tables when empty).</summary>
    /// <exception cref="LakeBusyException">Another ingest or compact holds the lake (after waiting <see cref="WaitForLake"/>); nothing was done.</exception>
    public async Task<CompactionSummary> RunAsync(IReadOnlyCollection<string> tables, long targetBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetBytes, 1);
        var stopwatch = Stopwatch.StartNew();
        var runId = "compacted-" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        // One writer at a time: two compactions would merge the same files, and an ingest reads files to dedupe against.
        await using var lakeLock = await LakeLock.AcquireAsync(layout, $"compact run {runId}", WaitForLake, time, Logger, cancellationToken, Lease).ConfigureAwait(false);
        // A lease lost to another writer stops the compaction before its next merge is published.
        using var held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lakeLock.Lost);
        cancellationToken = held.Token;
        var summary = new CompactionSummary { Recovered = await RecoverAsync(cancellationToken).ConfigureAwait(false) };
        var merges = 0;
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        var partitions = new List<(TableDefinition Table, string Dt)>();
        foreach (var table in TableCatalog.All.Where(t => tables.Count == 0 || tables.Contains(t.Name)))
            foreach (var dt in await layout.PartitionsAsync(table.Name, cancellationToken).ConfigureAwait(false)) partitions.Add((table, dt));
        var lastProgress = stopwatch.Elapsed;
        foreach (var (table, dt) in partitions)
        {
            summary.PartitionsExamined++;
            // A merge's output may be merged again (a merge takes at most MaxRunsPerMerge sorted stretches): the
            // summary counts the files found and the files left, not the ones in between.
            List<List<SourceFile>> bins;
            while ((bins = await BinsAsync(table.Name, dt, targetBytes, cancellationToken).ConfigureAwait(false)).Count > 0)
            {
                foreach (var bin in bins)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (output, outputBytes) = await MergeAsync(table, dt, bin, $"{runId}-{merges++:D4}", cancellationToken).ConfigureAwait(false);
                    var found = bin.Where(f => !outputs.Contains(f.Key)).ToList();
                    outputs.Add(output);
                    summary.FilesMerged += found.Count;
                    summary.FilesWritten += 1 - (bin.Count - found.Count);
                    summary.Merges++;
                    summary.BytesBefore += found.Sum(f => f.Bytes);
                    summary.BytesAfter += outputBytes - bin.Except(found).Sum(f => f.Bytes);
                    summary.Rows += found.Sum(f => f.Rows);
                }
            }
            if (stopwatch.Elapsed - lastProgress >= ProgressEvery)
            {
                lastProgress = stopwatch.Elapsed;
                Log.CompactionProgress(Logger, summary.PartitionsExamined, partitions.Count, $"{table.Name}/{Partitioning.Column}={dt}", summary.FilesMerged, summary.FilesWritten, stopwatch.Elapsed.TotalSeconds);
            }
        }
        summary.Elapsed = stopwatch.Elapsed;
        return summary;
    }

    /// <summary>
    /// Finishes or undoes merges a dead run left in the journal: when the merged file was published, the
    /// inputs still there are deleted; otherwise the merged file's staged copy is. Returns how many were found.
    /// </summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var found = 0;
        var journals = new List<string>();
        await foreach (var stored in layout.Store.ListAsync(LakePaths.CompactionFolder + "/", cancellationToken).ConfigureAwait(false))
            if (stored.Key.EndsWith(".json", StringComparison.Ordinal)) journals.Add(stored.Key);
        foreach (var journal in journals)
        {
            Journal entry;
            await using (var stream = await layout.Store.OpenReadAsync(journal, 0, cancellationToken).ConfigureAwait(false))
                entry = await JsonSerializer.DeserializeAsync<Journal>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"Compaction journal '{layout.Store.NameOf(journal)}' is empty.");
            if (await layout.Store.ExistsAsync(KeyOf(entry.Output), cancellationToken).ConfigureAwait(false))
                await layout.Store.DeleteAsync(entry.Inputs.Select(KeyOf).ToList(), cancellationToken).ConfigureAwait(false);
            else
                File.Delete(entry.Temp);
            await layout.Store.DeleteAsync(journal, cancellationToken).ConfigureAwait(false);
            found++;
        }
        return found;
    }

    // Journals hold keys; those of earlier versions held a local lake's absolute paths.
    private string KeyOf(string entry) =>
        Path.IsPathRooted(entry) ? Path.GetRelativePath(layout.Root, entry).Replace(Path.DirectorySeparatorChar, '/') : entry;

    private async Task<List<List<SourceFile>>> BinsAsync(string table, string dt, long targetBytes, CancellationToken cancellationToken)
    {
        var small = new List<SourceFile>();
        foreach (var stored in await layout.PublishedFilesAsync(table, dt, cancellationToken).ConfigureAwait(false))
        {
            var bytes = stored.Size;
            if (bytes >= targetBytes / 2) continue;
            await using var stream = await layout.Store.OpenRandomAccessAsync(stored.Key, stored.Size, cancellationToken).ConfigureAwait(false);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var file = new SourceFile(stored.Key, bytes, reader.RowGroups.Sum(g => g.RowCount), Enumerable.Range(0, reader.RowGroupCount).Select(g => TimeRange(reader, g)).ToList(),
                reader.Metadata?.RowGroups.Max(g => g.TotalByteSize) ?? 0);
            // A file written before files were kept sorted may hold many interleaved stretches; merging it would hold a row group of each.
            if (file.Runs.Count <= MaxRunsPerMerge) small.Add(file);
        }
        // Files in time order, cut into bins of at most the target size; a bin of one file has nothing to merge.
        var bins = new List<List<SourceFile>>();
        var current = new List<SourceFile>();
        foreach (var file in small.OrderBy(f => f.Earliest).ThenBy(f => f.Key, StringComparer.Ordinal))
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
    /// Sorted stretches merged at once at most: a merge of files that overlap in time may draw an output row group
    /// from one row group of each, and holds a column of each while it gathers that column.
    /// </summary>
    public const int MaxRunsPerMerge = 8;

    /// <summary>
    /// Uncompressed bytes of the row groups, one per sorted stretch, that an interleaving merge may draw an output row
    /// group from: a merge takes fewer files when their row groups are large.
    /// </summary>
    public const long MaxHeldBytesPerMerge = 24L << 20;

    private async Task<(string Key, long Bytes)> MergeAsync(TableDefinition table, string dt, List<SourceFile> inputs, string mergeId, CancellationToken cancellationToken)
    {
        var temp = layout.TempFile(table.Name, dt, mergeId);
        var output = LakeLayout.DataKey(table.Name, dt, mergeId);
        long written = 0;
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
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
                        var source = await layout.Store.OpenRandomAccessAsync(input.Key, input.Bytes, cancellationToken).ConfigureAwait(false);
                        readers.Add((input, source, await ParquetReader.CreateAsync(source, cancellationToken: cancellationToken).ConfigureAwait(false)));
                        if (!readers[^1].Reader.Schema.Equals(table.ParquetSchema))
                            throw new InvalidDataException($"'{layout.Store.NameOf(input.Key)}' does not have the schema of {table.Name}; the partition is left as it is.");
                    }
                    // Row groups of all inputs by their earliest event_time. When each starts no earlier than the one before
                    // ends, copying them in that order keeps the merged file sorted by time; otherwise their rows are interleaved.
                    var groups = readers.SelectMany(r => r.File.RowGroups.Select((range, g) => (r.File, r.Reader, Index: g, range.Earliest, range.Latest)))
                        .OrderBy(g => g.Earliest).ThenBy(g => g.File.Key, StringComparer.Ordinal).ThenBy(g => g.Index).ToList();
                    written = groups.Zip(groups.Skip(1)).All(pair => pair.Second.Earliest >= pair.First.Latest)
                        ? await CopyRowGroupsAsync(writer, table.ParquetSchema, groups.Select(g => (g.Reader, g.Index)), cancellationToken).ConfigureAwait(false)
                        : await InterleaveAsync(writer, table.ParquetSchema, readers.Select(r => (r.File, r.Reader)).ToList(), cancellationToken).ConfigureAwait(false);
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
        // Journalled first: a merge that dies from here on is finished or undone by RecoverAsync. Once a merge is
        // published its inputs go whatever happens, so the last steps are not cancelled.
        var journal = $"{LakePaths.CompactionFolder}/{mergeId}.json";
        using (var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new Journal(output, temp, inputs.Select(f => f.Key).ToList()))))
            await layout.Store.WriteAsync(journal, body, cancellationToken).ConfigureAwait(false);
        var bytes = await layout.PublishAsync(temp, output, cancellationToken).ConfigureAwait(false);
        await layout.Store.DeleteAsync(inputs.Select(f => f.Key).ToList(), CancellationToken.None).ConfigureAwait(false);
        await layout.Store.DeleteAsync(journal, CancellationToken.None).ConfigureAwait(false);
        return (output, bytes);
    }

    /// <summary>Copies <paramref name="groups"/> as they are, in that order, column by column. Returns the rows copied.</summary>
    private static async Task<long> CopyRowGroupsAsync(ParquetWriter writer, ParquetSchema schema, IEnumerable<(ParquetReader Reader, int Index)> groups, CancellationToken cancellationToken)
    {
        var copied = 0L;
        foreach (var (reader, index) in groups)
        {
            using var group = reader.OpenRowGroupReader(index);
            using var target = writer.CreateRowGroup();
            foreach (var field in schema.GetDataFields())
            {
                var raw = await group.ReadRawColumnDataBaseAsync(field, cancellationToken).ConfigureAwait(false);
                await ((Task)CopyColumn.MakeGenericMethod(raw.GetType().GetGenericArguments()[0]).Invoke(null, [target, field, raw, cancellationToken])!).ConfigureAwait(false);
            }
            copied += group.RowCount;
        }
        return copied;
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

    // Uncompressed bytes of an output row group when rows are interleaved. Twice ingest's row groups; peak memory grows
    // steeply beyond (16 MB: 543 MB against 343 MB for three days of hourly runs, as Parquet.Net pools its buffers).
    private const long MergedRowGroupBytes = 8L << 20;

    private static readonly MethodInfo GatherColumn = typeof(Compactor).GetMethod(nameof(GatherColumnAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Writes the rows of <paramref name="inputs"/> to <paramref name="writer"/> in time order. Each input's sorted
    /// stretches of row groups are merged by <c>event_time</c> (8 bytes a row in memory), ties kept in input order;
    /// then each output row group is gathered column by column from the input row groups it draws on, so memory holds
    /// one column of those at a time. Returns the rows written.
    /// </summary>
    private static async Task<long> InterleaveAsync(ParquetWriter writer, ParquetSchema schema, List<(SourceFile File, ParquetReader Reader)> inputs, CancellationToken cancellationToken)
    {
        var groups = new List<(ParquetReader Reader, int Index, long Bytes)>();
        var runs = new List<List<int>>();
        foreach (var (file, reader) in inputs)
            foreach (var run in file.Runs)
            {
                runs.Add([]);
                foreach (var index in run)
                {
                    runs[^1].Add(groups.Count);
                    groups.Add((reader, index, reader.Metadata!.RowGroups[index].TotalByteSize));
                }
            }
        var timeField = schema.GetDataFields().Single(f => f.Name == "event_time");
        var times = new DateTime[groups.Count][];
        for (var g = 0; g < groups.Count; g++)
        {
            using var group = groups[g].Reader.OpenRowGroupReader(groups[g].Index);
            using var column = (RawColumnData<DateTime>)await group.ReadRawColumnDataBaseAsync(timeField, cancellationToken).ConfigureAwait(false);
            times[g] = column.Values.ToArray();
        }

        // The merged order, as (row group, row) pairs: each stretch's next row, earliest first.
        var total = times.Sum(t => t.Length);
        var (orderGroup, orderRow) = (new int[total], new int[total]);
        var cursors = runs.Select(run => (Position: 0, Row: 0)).ToArray();
        var queue = new PriorityQueue<int, (DateTime Time, int Run)>();
        void Enqueue(int run)
        {
            ref var cursor = ref cursors[run];
            while (cursor.Position < runs[run].Count && cursor.Row == times[runs[run][cursor.Position]].Length) cursor = (cursor.Position + 1, 0);
            if (cursor.Position < runs[run].Count) queue.Enqueue(run, (times[runs[run][cursor.Position]][cursor.Row], run));
        }
        for (var run = 0; run < runs.Count; run++) Enqueue(run);
        for (var next = 0; queue.TryDequeue(out var run, out _); next++)
        {
            (orderGroup[next], orderRow[next]) = (runs[run][cursors[run].Position], cursors[run].Row);
            cursors[run].Row++;
            Enqueue(run);
        }

        // Output row groups of about MergedRowGroupBytes, each gathered column by column.
        for (var from = 0; from < total;)
        {
            var (to, bytes) = (from, 0L);
            while (to < total && (to == from || bytes < MergedRowGroupBytes))
            {
                var g = orderGroup[to++];
                bytes += groups[g].Bytes / Math.Max(1, times[g].Length);
            }
            using var target = writer.CreateRowGroup();
            foreach (var field in schema.GetDataFields())
                await ((Task)GatherColumn.MakeGenericMethod(field.ClrType).Invoke(null, [target, field, groups, orderGroup, orderRow, from, to, cancellationToken])!).ConfigureAwait(false);
            from = to;
        }
        return total;
    }

    /// <summary>Writes one column of the output rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of the merged order.</summary>
    private static async Task GatherColumnAsync<T>(ParquetRowGroupWriter target, DataField field, List<(ParquetReader Reader, int Index, long Bytes)> groups,
        int[] orderGroup, int[] orderRow, int from, int to, CancellationToken cancellationToken) where T : struct
    {
        var sources = new Dictionary<int, (RawColumnData<T> Data, int[] LevelStart, int[] ValueStart)>();
        try
        {
            for (var i = from; i < to; i++)
            {
                if (sources.ContainsKey(orderGroup[i])) continue;
                var (reader, index, _) = groups[orderGroup[i]];
                using var group = reader.OpenRowGroupReader(index);
                var data = (RawColumnData<T>)await group.ReadRawColumnDataBaseAsync(field, cancellationToken).ConfigureAwait(false);
                var (levelStart, valueStart) = RowStarts(field, data, (int)group.RowCount);
                sources[orderGroup[i]] = (data, levelStart, valueStart);
            }
            var (levels, valueCount) = (0, 0);
            for (var i = from; i < to; i++)
            {
                var (_, levelStart, valueStart) = sources[orderGroup[i]];
                var row = orderRow[i];
                levels += levelStart[row + 1] - levelStart[row];
                valueCount += valueStart[row + 1] - valueStart[row];
            }
            var values = new T[valueCount];
            var definitions = field.MaxDefinitionLevel > 0 ? new int[levels] : null;
            var repetitions = field.MaxRepetitionLevel > 0 ? new int[levels] : null;
            var (level, value) = (0, 0);
            for (var i = from; i < to; i++)
            {
                var (data, levelStart, valueStart) = sources[orderGroup[i]];
                var row = orderRow[i];
                var count = valueStart[row + 1] - valueStart[row];
                data.Values.Slice(valueStart[row], count).CopyTo(values.AsSpan(value));
                value += count;
                count = levelStart[row + 1] - levelStart[row];
                if (definitions is not null) data.DefinitionLevels.Slice(levelStart[row], count).CopyTo(definitions.AsSpan(level));
                if (repetitions is not null) data.RepetitionLevels.Slice(levelStart[row], count).CopyTo(repetitions.AsSpan(level));
                level += count;
            }
            if (definitions is null && repetitions is null)
                await target.WriteAsync<T>(field, values, null, null, cancellationToken).ConfigureAwait(false);
            else
                await target.WriteAllPartsAsync<T>(field, values, definitions, repetitions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var (data, _, _) in sources.Values) data.Dispose();
        }
    }

    // Where each row's levels and values start in a column chunk (and where the last row's end, at [rows]): a required flat
    // column has a value a row; an optional one a level a row and a value when it is defined; in a list, a row starts
    // where the repetition level is 0, and a level holds a value when its definition level is the column's maximum.
    private static (int[] LevelStart, int[] ValueStart) RowStarts<T>(DataField field, RawColumnData<T> data, int rows) where T : struct
    {
        var (levelStart, valueStart) = (new int[rows + 1], new int[rows + 1]);
        if (field.MaxDefinitionLevel == 0 && field.MaxRepetitionLevel == 0)
        {
            for (var r = 0; r <= rows; r++) valueStart[r] = r;
            return (levelStart, valueStart);
        }
        var definitions = data.DefinitionLevels;
        var repetitions = field.MaxRepetitionLevel > 0 ? data.RepetitionLevels : Span<int>.Empty;
        var (row, value) = (-1, 0);
        for (var i = 0; i < definitions.Length; i++)
        {
            if (field.MaxRepetitionLevel == 0 || repetitions[i] == 0)
            {
                row++;
                (levelStart[row], valueStart[row]) = (i, value);
            }
            if (definitions[i] == field.MaxDefinitionLevel) value++;
        }
        if (row != rows - 1) throw new InvalidDataException($"{field.Path}: {row + 1} rows in the levels, {rows} in the row group.");
        (levelStart[rows], valueStart[rows]) = (definitions.Length, value);
        return (levelStart, valueStart);
    }

    private sealed record SourceFile(string Key, long Bytes, long Rows, IReadOnlyList<(DateTime Earliest, DateTime Latest)> RowGroups, long LargestRowGroupBytes)
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
internal sealed class CompactionSummary
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
