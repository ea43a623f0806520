using Analytics.Schemas;
using Parquet;

namespace Analytics.Ingest.Lake.Writing;

/// <summary>
/// Writes rows into the lake exactly once. Rows are deduplicated by <c>record_id</c> against the lake and
/// the run, buffered per table and partition, and appended as sorted row groups to one hidden file per
/// partition whenever the buffer passes its size limit; <see cref="PublishAsync"/> then closes and publishes
/// every file (renamed into place locally, uploaded to S3). A partition's file stays open between its row groups (reopening re-reads and
/// rewrites a footer that grows with every row group); beyond a number of open files, the least recently
/// written are closed (a write may open one more per partition it writes). An open file's footer is held in
/// memory, about 20 KB per row group, so after a number of row groups a partition's file is closed and the
/// next row group starts the partition's next file: memory follows open files, not the run's size. A run killed before publishing
/// leaves only hidden files (swept by a later run) and its rerun writes everything again; one killed while
/// publishing is completed by a rerun, which skips the rows already published. Not thread-safe: one
/// consumer feeds it.
/// </summary>
internal sealed class LakeWriter : IAsyncDisposable
{
    private readonly LakeLayout _layout;
    private readonly string _runId;
    private readonly long _batchBytes;
    private readonly DedupeIndex _index;
    private readonly Dictionary<Type, TableBuffer> _buffers = [];
    private readonly Dictionary<(string Table, string Dt), PartitionFile> _files = [];
    private readonly int _maxOpenFiles;
    private readonly int _maxRowGroupsPerFile;
    private long _clock;
    private readonly Dictionary<string, long> _rowsWritten = new(StringComparer.Ordinal);
    private long _bufferedBytes;
    private long _writeAt;
    private readonly Dictionary<(string Table, string Dt), PartitionState> _partitions = [];
    private readonly Dictionary<Type, ArrivalOrder> _arrivals = [];
    private Task? _pendingWrite;

    /// <summary>Creates a writer for one run.</summary>
    /// <param name="layout">The lake.</param>
    /// <param name="runId">The run's id; it names the files, so two runs never collide.</param>
    /// <param name="batchBytes">Buffered bytes (estimated) after which rows are written out.</param>
    /// <param name="maxIndexIds">Record ids the dedupe index holds before it forgets partitions not touched lately (about 40 bytes each).</param>
    /// <param name="maxOpenFiles">Partition files kept open between row groups; the least recently written are closed beyond it.</param>
    /// <param name="maxRowGroupsPerFile">Row groups in one file, after which the partition's next row groups go to a new file.</param>
    public LakeWriter(LakeLayout layout, string runId, long batchBytes, long maxIndexIds = Analytics.Common.Settings.IngestSettings.DefaultIndexMaxIds, int maxOpenFiles = DefaultMaxOpenFiles,
        int maxRowGroupsPerFile = DefaultMaxRowGroupsPerFile)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOpenFiles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowGroupsPerFile, 1);
        _maxOpenFiles = maxOpenFiles;
        _maxRowGroupsPerFile = maxRowGroupsPerFile;
        _layout = layout;
        _runId = runId;
        _batchBytes = batchBytes;
        _writeAt = batchBytes;
        _index = new DedupeIndex(layout, runId, maxIndexIds);
    }

    /// <summary>
    /// Row groups per file by default: 128 keep an open file's footer near 2.5 MB in memory, and make files of
    /// about 60 MB of ECS task events when each row group holds a flush's 1,500 events of a day.
    /// </summary>
    public const int DefaultMaxRowGroupsPerFile = 128;

    /// <summary>Partition files kept open between row groups by default: a footer each, well under a file-handle limit.</summary>
    public const int DefaultMaxOpenFiles = 64;


    /// <summary>Rows accepted so far, per table.</summary>
    public IReadOnlyDictionary<string, long> RowsWritten => _rowsWritten;

    /// <summary>Files published.</summary>
    public int FilesPublished { get; private set; }

    /// <summary>Bytes of the published files.</summary>
    public long BytesPublished { get; private set; }

    /// <summary>Files published that were started because rows arrived older than the latest of the partition's file.</summary>
    public int FilesStartedForLateRows { get; private set; }

    /// <summary>Files read to find duplicates.</summary>
    public int IndexFilesRead => _index.FilesRead;

    /// <summary>Times the dedupe index forgot a partition to stay under its limit.</summary>
    public int IndexPartitionsForgotten => _index.PartitionsForgotten;

    /// <summary>Adds a row; false (and nothing written) when its record id is already in the lake or this run.</summary>
    /// <param name="row">The row.</param>
    /// <param name="approximateBytes">The row's approximate size in memory, for the batch limit.</param>
    /// <param name="cancellationToken">Cancels the index load or the flush it may trigger.</param>
    public async ValueTask<bool> AddAsync(LakeRow row, long approximateBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var type = row.GetType();
        if (!_buffers.TryGetValue(type, out var buffer))
            _buffers[type] = buffer = TableBuffer.For(TableCatalog.ForRowType(type));
        var dt = DtOf(row.EventTime);
        if (!await _index.TryAddAsync(buffer.Table.Name, dt, row.RecordId, cancellationToken).ConfigureAwait(false)) return false;
        buffer.Add(dt, row);
        _rowsWritten[buffer.Table.Name] = _rowsWritten.GetValueOrDefault(buffer.Table.Name) + 1;
        _bufferedBytes += approximateBytes;
        if (!_partitions.TryGetValue((buffer.Table.Name, dt), out var state))
        {
            if (!_arrivals.TryGetValue(type, out var arrivals)) _arrivals[type] = arrivals = new ArrivalOrder();
            _partitions[(buffer.Table.Name, dt)] = state = new PartitionState(type, arrivals);
        }
        state.Add(row.EventTime, approximateBytes);
        if (_bufferedBytes >= _writeAt) await StartWriteAsync(everything: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    // Rows come nearly in time order: a row's partition is most often the previous row's, whose name is kept.
    private long _lastDay = -1;
    private string _lastDt = "";

    private string DtOf(DateTime eventTime)
    {
        var day = eventTime.ToUniversalTime().Ticks / TimeSpan.TicksPerDay;
        if (day != _lastDay) (_lastDay, _lastDt) = (day, Partitioning.DtOf(eventTime));
        return _lastDt;
    }

    /// <summary>
    /// Hands every buffered row to a background write (each partition's rows appended to its hidden file,
    /// partitions in parallel) and returns once the previous write has finished. A failed write surfaces here
    /// or in <see cref="PublishAsync"/>.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken) => StartWriteAsync(everything: true, cancellationToken);

    // When the batch is full, only the largest partitions are written, until a quarter of the batch is left:
    // a partition that fills slowly (a small table, a day of late events) waits for a later flush instead of
    // becoming a tiny row group each time. Of a partition written, the rows recent enough that a row still to come
    // may be older wait too (see PartitionState), so its file stays sorted by time; a partition that got no row since
    // its last write is written whole. Rows kept back may add up to two batches (beyond, the oldest quarter of a
    // partition's recent rows is written anyway, at the risk of starting a file for a late row); the next write comes
    // three quarters of a batch later. Parsing goes on while a write runs.
    private async Task StartWriteAsync(bool everything, CancellationToken cancellationToken)
    {
        await CompleteWritesAsync().ConfigureAwait(false);
        // Every row of a partition without buffered rows is now in a file, so the index may forget it; its file is
        // closed, so the index finds a whole Parquet file when it reads the partition again.
        foreach (var forgotten in _index.Trim(_partitions.Keys.ToHashSet()))
            if (_files.TryGetValue(forgotten, out var file)) await file.CloseAsync().ConfigureAwait(false);
        // A partition is written at most once per write: its file takes one row group at a time.
        var work = new Dictionary<(string Table, string Dt), (TableBuffer Buffer, PartitionFile File)>();
        // Rows old enough to be written first; the newest rows only when memory needs it.
        var idleRemainders = _partitions.Where(p => p.Value.IsIdleRemainder).Select(p => p.Key).ToHashSet();
        Choose(force: false, everything ? 0 : _batchBytes / 4);
        if (!everything && _bufferedBytes > 2 * _batchBytes) Choose(force: true, 2 * _batchBytes);
        // The next write comes three quarters of a batch later, so its row groups are about that large however many
        // rows wait for order (at a high event rate, minutes of lateness are much of a batch).
        _writeAt = _bufferedBytes + _batchBytes * 3 / 4;

        void Choose(bool force, long leave)
        {
            var largestFirst = _partitions
                .OrderByDescending(p => idleRemainders.Contains(p.Key)).ThenByDescending(p => p.Value.Bytes)
                .ThenBy(p => p.Key.Table, StringComparer.Ordinal).ThenBy(p => p.Key.Dt, StringComparer.Ordinal).ToList();
            foreach (var ((table, dt), state) in largestFirst.Where(p => !work.ContainsKey(p.Key)))
            {
                var whole = everything || idleRemainders.Remove((table, dt));
                if (!whole && _bufferedBytes <= leave) break;
                var buffer = _buffers[state.RowType];
                var (detached, share) = buffer.DetachUpTo(dt, whole ? DateTime.MaxValue : state.WriteThrough, force);
                if (share <= 0) continue;
                var bytes = share >= 1 ? state.Bytes : (long)(state.Bytes * share);
                _bufferedBytes -= bytes;
                state.Written(bytes);
                if (share >= 1) _partitions.Remove((table, dt));
                if (!_files.TryGetValue((table, dt), out var file)) _files[(table, dt)] = file = new PartitionFile(_layout, table, dt, _runId, _maxRowGroupsPerFile);
                file.LastUsed = ++_clock;
                work.Add((table, dt), (detached, file));
            }
        }
        foreach (var arrivals in _arrivals.Values) arrivals.NextBatch();
        foreach (var idle in _files.Values.Where(f => f.IsOpen).OrderByDescending(f => f.LastUsed).Skip(_maxOpenFiles).ToList())
            await idle.CloseAsync().ConfigureAwait(false);
        if (work.Count > 0) _pendingWrite = Task.Run(() => WriteAsync([.. work.Values], cancellationToken), cancellationToken);
    }

    /// <summary>Waits for the background write, if any; rethrows its failure.</summary>
    public async Task CompleteWritesAsync()
    {
        if (_pendingWrite is not { } pending) return;
        _pendingWrite = null;
        await pending.ConfigureAwait(false);
    }

    private static Task WriteAsync(List<(TableBuffer Buffer, PartitionFile File)> work, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(work, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (item, ct) => await item.File.AppendAsync(item.Buffer, ct).ConfigureAwait(false));

    /// <summary>
    /// Waits for a background write still running (after a failed or cancelled run) so no file is written
    /// after the writer is gone, then deletes the run's hidden files not published. A write's failure is not
    /// rethrown: the run already failed with its own error, and a run that succeeded has waited for every write in
    /// <see cref="PublishAsync"/>. (A run killed outright leaves its hidden files to a later run's sweep.)
    /// </summary>
    public async ValueTask DisposeAsync()
    {
#pragma warning disable CA1031 // see the summary: the run's own error is the one to report
        try { await CompleteWritesAsync().ConfigureAwait(false); }
        catch (Exception) { }
        foreach (var file in _files.Values)
        {
            try
            {
                await file.CloseAsync().ConfigureAwait(false);
                // Unpublished (the run failed or was cancelled): nothing refers to them, and a rerun writes their rows again.
                file.DeleteTempFiles();
            }
            catch (Exception) { }
        }
#pragma warning restore CA1031
    }

    /// <summary>Files uploaded at once when the lake is on S3.</summary>
    public const int PublishUploads = 8;

    /// <summary>
    /// Flushes what is buffered and publishes every file of the run: renamed into place in a local lake, uploaded to
    /// S3 under its final key (a file appears whole or not at all, but the files of a run appear one after another).
    /// </summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await CompleteWritesAsync().ConfigureAwait(false);
        foreach (var file in _files.Values) await file.CloseAsync().ConfigureAwait(false);
        // Renames in a local lake, uploads to S3 (several at once: each is a round trip or a multipart upload).
        var publish = (from entry in _files.OrderBy(f => f.Key.Table, StringComparer.Ordinal).ThenBy(f => f.Key.Dt, StringComparer.Ordinal)
                       from fileRunId in entry.Value.FileRunIds
                       select (entry.Key.Table, entry.Key.Dt, FileRunId: fileRunId)).ToList();
        await Parallel.ForEachAsync(publish, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _layout.IsLocal ? 1 : PublishUploads },
            async (file, ct) =>
            {
                var bytes = await _layout.PublishAsync(_layout.TempFile(file.Table, file.Dt, file.FileRunId), LakeLayout.DataKey(file.Table, file.Dt, file.FileRunId), ct).ConfigureAwait(false);
                lock (_files)
                {
                    FilesPublished++;
                    BytesPublished += bytes;
                }
            }).ConfigureAwait(false);
        FilesStartedForLateRows += _files.Values.Sum(f => f.FilesStartedForLateRows);
        _files.Clear();
    }

    /// <summary>
    /// How late a table's rows arrive: rows come nearly in time order, each at most <see cref="Lateness"/> older than
    /// the newest before it (Firehose buffers and redelivers; Health updates come back days later). Measured over the
    /// current and the previous batch.
    /// </summary>
    private sealed class ArrivalOrder
    {
        private DateTime _newest = DateTime.MinValue;
        private TimeSpan _current;
        private TimeSpan _previous;

        public TimeSpan Lateness => _current > _previous ? _current : _previous;

        /// <summary>The latest event time among the table's rows so far.</summary>
        public DateTime Newest => _newest;

        public void Observe(DateTime eventTime)
        {
            if (eventTime > _newest) _newest = eventTime;
            else if (_newest - eventTime > _current) _current = _newest - eventTime;
        }

        public void NextBatch()
        {
            _previous = _current;
            _current = TimeSpan.Zero;
        }
    }

    /// <summary>
    /// The buffered rows of one partition, as the writer accounts for them. A write keeps back the rows recent
    /// enough that a row still to come may be older (after <see cref="WriteThrough"/>), so a partition's file seldom receives
    /// a row older than it holds; one that does starts the partition's next file (see <see cref="PartitionFile"/>).
    /// </summary>
    private sealed class PartitionState(Type rowType, ArrivalOrder arrivals)
    {
        private bool _written;
        private bool _addedSinceWrite;

        public Type RowType { get; } = rowType;

        public ArrivalOrder Arrivals { get; } = arrivals;

        public long Bytes { get; private set; }

        /// <summary>Rows kept back by a write that no row has joined since: nothing is left to wait for.</summary>
        public bool IsIdleRemainder => _written && !_addedSinceWrite;

        /// <summary>
        /// Rows up to this time may be written; later ones wait: a row still to come is expected no older than the
        /// table's newest row less its lateness, and half as much again is kept as a margin. (The table's newest,
        /// not the partition's: once a day is over by more than that, its last rows go too.)
        /// </summary>
        public DateTime WriteThrough
        {
            get
            {
                var margin = Arrivals.Lateness * 1.5;
                // A row dated in year 1 among today's must not take the time below DateTime.MinValue.
                return margin < Arrivals.Newest - DateTime.MinValue ? Arrivals.Newest - margin : DateTime.MinValue;
            }
        }

        public void Add(DateTime eventTime, long bytes)
        {
            Bytes += bytes;
            _addedSinceWrite = true;
            Arrivals.Observe(eventTime);
        }

        public void Written(long bytes)
        {
            Bytes -= bytes;
            _written = true;
            _addedSinceWrite = false;
        }
    }

    /// <summary>
    /// This run's hidden files of one partition: the current one open for appending row groups while the run
    /// writes to it, and the ones it filled before, named by <see cref="LakeLayout.FileId"/>.
    /// </summary>
    private sealed class PartitionFile(LakeLayout layout, string table, string dt, string runId, int maxRowGroups)
    {
        private FileStream? _stream;
        private ParquetWriter? _writer;
        private int _rowGroups;
        private DateTime _latest = DateTime.MinValue;

        public long LastUsed { get; set; }

        public bool IsOpen => _writer is not null;

        /// <summary>Files started because rows arrived older than the latest of the file being written.</summary>
        public int FilesStartedForLateRows { get; private set; }

        /// <summary>The name each of the partition's files takes in place of the run's id, in the order they were started.</summary>
        public List<string> FileRunIds { get; } = [];

        /// <summary>Appends the buffer's rows of the partition as one row group. Never call it twice at once (a write holds a partition once).</summary>
        public async Task AppendAsync(TableBuffer buffer, CancellationToken cancellationToken)
        {
            if (buffer.TimeRange(dt) is not { } range) return;
            var (earliest, latest) = range;
            // A file holds its rows in time order: rows older than its latest start the partition's next file.
            var late = FileRunIds.Count > 0 && earliest < _latest;
            if (late)
            {
                await CloseAsync().ConfigureAwait(false);
                FilesStartedForLateRows++;
            }
            if (_writer is null)
            {
                if (FileRunIds.Count == 0 || _rowGroups >= maxRowGroups || late)
                {
                    FileRunIds.Add(LakeLayout.FileId(runId, FileRunIds.Count));
                    _rowGroups = 0;
                    _latest = DateTime.MinValue;
                }
                var path = layout.TempFile(table, dt, FileRunIds[^1]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
                try { _writer = await buffer.OpenWriterAsync(_stream, cancellationToken).ConfigureAwait(false); }
                catch
                {
                    await _stream.DisposeAsync().ConfigureAwait(false);
                    _stream = null;
                    throw;
                }
            }
            await buffer.FlushAsync(dt, _writer, cancellationToken).ConfigureAwait(false);
            if (latest > _latest) _latest = latest;
            // A full file is finished now, so its footer leaves memory; the next row group starts the next file.
            if (++_rowGroups >= maxRowGroups) await CloseAsync().ConfigureAwait(false);
        }

        /// <summary>Deletes the partition's hidden files of this run (those already renamed into place are not there).</summary>
        public void DeleteTempFiles()
        {
            foreach (var id in FileRunIds) File.Delete(layout.TempFile(table, dt, id));
        }

        /// <summary>Writes the footer (from then on the file is a whole Parquet file) and closes the file.</summary>
        public async ValueTask CloseAsync()
        {
            try
            {
                if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                _writer = null;
                if (_stream is not null) await _stream.DisposeAsync().ConfigureAwait(false);
                _stream = null;
            }
        }
    }
}
