using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Analytics.Ingest.Input;

/// <summary>One window of an object: whole records, in order.</summary>
/// <param name="Data">The window's bytes; valid until the next window is read.</param>
/// <param name="Segments">Its records; <see cref="RecordSegment.Start"/> indexes <paramref name="Data"/>, positions count from the object's start.</param>
internal sealed record ObjectWindow(ReadOnlyMemory<byte> Data, List<RecordSegment> Segments);

/// <summary>
/// Reads an input object (a file, an S3 object: any <see cref="Storage.IObjectStore"/>) as a sequence of windows of whole records, so memory
/// holds a window, not the object: a window is filled, split, and its last record (which the window may have
/// cut) is carried to the next one. A window grows only for a record larger than itself, up to the largest
/// allowed; a document that is one JSON array (an API response) is read whole. Gzip is detected by its magic
/// bytes and decompressed as it is read; at its end the stored bytes are read again where the trailer is, to
/// check it (a stream cut short is otherwise taken for a whole one), so an object of any size takes only a window.
/// Records, positions and errors are those of the whole object (tests compare them, for every place a window can
/// end): a window is split knowing more follows, so a record it cuts is carried whole to the next one.
/// </summary>
internal sealed class ObjectReader : IDisposable
{
    /// <summary>The window's size unless a record needs more.</summary>
    public const int DefaultWindowBytes = 4 << 20;

    // A pool of its own, holding few arrays: windows are megabytes each. (The shared pool keeps up to 32 arrays
    // per size per core, which for object-sized arrays grew the peak with the input instead of the batch.)
    internal static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1 << 30, maxArraysPerBucket: 4);

    private readonly Stream _source;
    private readonly StoredBytes? _stored;
    private readonly TailStream? _tail;
    private readonly long _maxBytes;
    private readonly long _maxRecordBytes;
    // A record skipped as too large, given out by the next call before the window after it.
    private ObjectWindow? _tooLarge;
    private readonly Crc32 _crc = new();
    private byte[] _buffer;
    private int _filled;
    private int _consumed;
    private bool _ended;
    private bool _wholeDocument;
    private bool _started;
    private WindowStart _at = new(0, 0, 1);

    private ObjectReader(string name, DateTime lastModified, Stream source, StoredBytes? stored, long maxBytes, int windowBytes, TailStream? tail = null, long? maxRecordBytes = null)
    {
        _maxRecordBytes = Math.Min(maxRecordBytes ?? maxBytes, maxBytes);
        _tail = tail;
        Name = name;
        LastModified = lastModified;
        _source = source;
        _stored = stored;
        _maxBytes = maxBytes;
        _buffer = Pool.Rent((int)Math.Min(windowBytes, _maxRecordBytes));
    }

    /// <summary>Where it came from: a path or an <c>s3://</c> URI. Becomes <c>source_object</c>.</summary>
    public string Name { get; }

    /// <summary>When the object was written (UTC); the observation time of API responses in it.</summary>
    public DateTime LastModified { get; }

    /// <summary>Decompressed bytes read so far (all of them once the last window was read).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Set when a gzip stream broke off or is corrupt: the windows held what came before.</summary>
    public string? DecompressionError { get; private set; }

    /// <summary>Opens a file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="maxBytes">The largest record, or whole document, once decompressed; the file itself may be of any size.</param>
    /// <param name="windowBytes">The window's usual size.</param>
    /// <param name="cancellationToken">Cancels reading its first bytes.</param>
    /// <exception cref="IOException">It cannot be read.</exception>
    public static Task<ObjectReader> OpenAsync(FileInfo file, long maxBytes, int windowBytes = DefaultWindowBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var store = new Storage.LocalObjectStore(file.DirectoryName!);
        return OpenAsync(store, new Storage.StoredObject(file.Name, file.Length, file.LastWriteTimeUtc), maxBytes, windowBytes, cancellationToken: cancellationToken);
    }

    /// <summary>Opens an object of a store (a file, an S3 object), streamed.</summary>
    /// <param name="store">Where it is.</param>
    /// <param name="stored">The object.</param>
    /// <param name="maxBytes">The largest record, or whole document, once decompressed; the object itself may be of any size.</param>
    /// <param name="windowBytes">The window's usual size.</param>
    /// <param name="cancellationToken">Cancels reading its first bytes.</param>
    /// <exception cref="IOException">It cannot be read.</exception>
    /// <param name="maxRecordBytes">The largest single record (default <paramref name="maxBytes"/>): a larger one is skipped without being held and given as a too-large segment of its first bytes.</param>
    public static async Task<ObjectReader> OpenAsync(Storage.IObjectStore store, Storage.StoredObject stored, long maxBytes, int windowBytes = DefaultWindowBytes,
        long? maxRecordBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(stored);
        var name = store.NameOf(stored.Key);
        // An empty object is not fetched: there is nothing to read (and S3 answers a ranged GET of one with 416).
        var stream = stored.Size == 0 ? new MemoryStream([], writable: false) : await store.OpenReadAsync(stored.Key, 0, cancellationToken).ConfigureAwait(false);
        try
        {
            // The first two bytes say gzip or not; they are read once and given back in front of the rest.
            var magic = new byte[2];
            var read = await stream.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var whole = new PrefixedStream(magic.AsMemory(0, read), stream);
            if (read < 2 || magic is not [0x1f, 0x8b]) return new ObjectReader(name, stored.LastModified.UtcDateTime, whole, null, maxBytes, windowBytes, maxRecordBytes: maxRecordBytes);
            // Gzip: the stored bytes' count and last eight bytes are kept as they stream by, so the trailer of a single
            // member is checked without reading the object again; only several members need the store again.
            var tail = new TailStream(whole);
            return new ObjectReader(name, stored.LastModified.UtcDateTime, new GZipStream(tail, CompressionMode.Decompress), new StoredInStore(store, stored.Key), maxBytes, windowBytes, tail, maxRecordBytes);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads stored bytes (gzip when they start with its magic number, whatever the name says).</summary>
    public static ObjectReader FromBytes(string name, byte[] stored, DateTime lastModified, long maxBytes, int windowBytes = DefaultWindowBytes, long? maxRecordBytes = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var source = new MemoryStream(stored, writable: false);
        return stored is [0x1f, 0x8b, ..]
            ? new ObjectReader(name, lastModified, new GZipStream(source, CompressionMode.Decompress), new StoredArray(stored), maxBytes, windowBytes, maxRecordBytes: maxRecordBytes)
            : new ObjectReader(name, lastModified, source, null, maxBytes, windowBytes, maxRecordBytes: maxRecordBytes);
    }

    /// <summary>
    /// Reads the rest of the object into one buffer from <see cref="Pool"/>, which the caller then owns; for
    /// callers that want the object whole (tests, the benchmark's input census).
    /// </summary>
    /// <exception cref="IOException">It decompresses to more than the largest allowed.</exception>
    internal async Task<(byte[] Buffer, int Length)> ReadToEndAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
            if (_ended) break;
            await GrowAsync(" decompressed", cancellationToken).ConfigureAwait(false);
        }
        var whole = (_buffer, _filled);
        _buffer = Pool.Rent(1);
        _filled = 0;
        return whole;
    }

    /// <summary>The next window; null when the object has no more records.</summary>
    /// <remarks>A record larger than the largest allowed comes as a window of its own: one too-large segment of its first bytes.</remarks>
    /// <exception cref="InputTooLargeException">A whole-array document is larger than the largest allowed.</exception>
    public async Task<ObjectWindow?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_tooLarge is { } skipped)
            {
                _tooLarge = null;
                return skipped;
            }
            // What the previous window (or the last pass) consumed is done: the rest moves to the front.
            DropConsumed();
            await FillAsync(cancellationToken).ConfigureAwait(false);
            var data = _buffer.AsMemory(0, _filled);
            if (!_started && _filled > 0)
            {
                // A document that is one JSON array holds its records as elements: it is split whole.
                _started = true;
                var first = RecordSplitter.ContentStart(data.Span);
                _wholeDocument = first < data.Length && data.Span[first] == (byte)'[';
            }
            if (_filled == 0 && _ended) return null;
            if (_wholeDocument && !_ended)
            {
                await GrowAsync(null, cancellationToken).ConfigureAwait(false);
                continue;
            }
            // A window that is not the object's last may have cut its last record: it starts the next window.
            var segments = RecordSplitter.Split(data.Span, _at, isFinal: _ended, out _consumed);
            if (segments.Count == 0)
            {
                if (_ended) return null;
                // Only blank space, or one record filling the whole window, which then needs a larger one.
                if (_consumed == 0) await GrowAsync(null, cancellationToken).ConfigureAwait(false);
                continue;
            }
            _at = _at with { Ordinal = _at.Ordinal + segments.Count };
            return new ObjectWindow(data, segments);
        }
    }

    private void DropConsumed()
    {
        if (_consumed == 0) return;
        var consumed = _buffer.AsSpan(0, _consumed);
        _at = new WindowStart(_at.Ordinal, _at.ByteOffset + _consumed, _at.Line + consumed.Count((byte)'\n'));
        _buffer.AsSpan(_consumed, _filled - _consumed).CopyTo(_buffer);
        _filled -= _consumed;
        _consumed = 0;
    }

    // Called with the window full (filled to its capacity) and more to read. At the largest size allowed, the
    // object may still end right there; otherwise what does not fit is too large.
    private async Task GrowAsync(string? how, CancellationToken cancellationToken)
    {
        // A record of an object of records is held up to the record limit; a whole document (or the whole object, for
        // ReadToEndAsync) up to the object limit.
        var record = how is null && !_wholeDocument;
        var limit = (int)Math.Min(record ? _maxRecordBytes : _maxBytes, Array.MaxLength);
        if (_buffer.Length >= limit)
        {
            var probe = new byte[1];
            int n;
            InvalidDataException? broken = null;
            try { n = await _source.ReadAsync(probe, cancellationToken).ConfigureAwait(false); }
            catch (InvalidDataException ex) { (n, broken) = (1, ex); }
            if (n == 0)
            {
                _ended = true;
                if (_stored is not null) DecompressionError = await TrailerErrorAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            if (record)
            {
                // Not an event (EventBridge's are at most 1 MB): skipped, not held, so memory stays at the limit.
                if (broken is not null)
                {
                    DecompressionError = $"gzip stream is corrupt or truncated after {BytesRead} decompressed bytes: {broken.Message}";
                    _ended = true;
                }
                await SkipTooLargeAsync(broken is null ? probe[0] : null, limit, cancellationToken).ConfigureAwait(false);
                return;
            }
            throw TooLarge(Name, how ?? " as one JSON document", _maxBytes);
        }
        var larger = Pool.Rent((int)Math.Min(_buffer.Length * 2L, limit));
        _buffer.AsSpan(0, _filled).CopyTo(larger);
        Pool.Return(_buffer);
        _buffer = larger;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        var capacity = (int)Math.Min(_buffer.Length, Math.Min(_maxBytes, Array.MaxLength));
        while (!_ended && _filled < capacity)
        {
            int n;
            try
            {
                n = await _source.ReadAsync(_buffer.AsMemory(_filled, capacity - _filled), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException ex)
            {
                DecompressionError = $"gzip stream is corrupt or truncated after {BytesRead} decompressed bytes: {ex.Message}";
                _ended = true;
                break;
            }
            if (n == 0)
            {
                _ended = true;
                if (_stored is not null) DecompressionError = await TrailerErrorAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            if (_stored is not null) _crc.Append(_buffer.AsSpan(_filled, n));
            _filled += n;
            BytesRead += n;
        }
    }

    /// <summary>
    /// Null when the gzip stream ends with the trailer of its data (CRC-32 and size of the last member, RFC 1952);
    /// otherwise why not. A stream cut short ends in compressed bytes, which almost never pass as a trailer.
    /// </summary>
    private async Task<string?> TrailerErrorAsync(CancellationToken cancellationToken)
    {
        var stored = _stored!;
        var trailer = new byte[8];
        long length;
        if (_tail is not null)
        {
            // The decompressor may stop short of the stored end (bytes after the last member): read the rest as well.
            length = await _tail.DrainAsync(cancellationToken).ConfigureAwait(false);
            _tail.LastBytes(trailer);
        }
        else length = await stored.LengthAsync(cancellationToken).ConfigureAwait(false);
        if (length < 18) return $"gzip stream is truncated: {length} bytes cannot hold a header and a trailer";
        if (_tail is null) await stored.ReadAtAsync(length - 8, trailer, cancellationToken).ConfigureAwait(false);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4));
        // One member (as Firehose writes): the trailer is that of all the data.
        if (size == (uint)BytesRead && _crc.GetCurrentHashAsUInt32() == crc) return null;
        // Several members: the trailer is the last member's, which starts at one of the magic numbers before it.
        await foreach (var start in MagicNumbersBackwardsAsync(stored, length - 18, cancellationToken).ConfigureAwait(false))
            if (await MemberMatchesAsync(stored, start, size, crc, cancellationToken).ConfigureAwait(false)) return null;
        return $"gzip stream is truncated: it ends after {BytesRead} decompressed bytes without the trailer that closes it";
    }

    private static readonly byte[] GzipMagic = [0x1f, 0x8b, 0x08];

    // Where gzip's magic number (1f 8b, deflate) starts, wholly before `end` and after the first byte, last first:
    // the stored bytes are read a chunk at a time from the end, each chunk two bytes into the one read before it,
    // so that a number across two chunks is whole in one of them.
    private static async IAsyncEnumerable<long> MagicNumbersBackwardsAsync(StoredBytes stored, long end,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = new byte[1 << 16];
        for (long readEnd = end, startsBefore = end; startsBefore > 1; )
        {
            var readStart = Math.Max(1, readEnd - chunk.Length);
            var count = (int)(readEnd - readStart);
            await stored.ReadAtAsync(readStart, chunk.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            foreach (var at in LastToFirst(chunk.AsSpan(0, count), GzipMagic))
                if (readStart + at < startsBefore) yield return readStart + at;
            startsBefore = readStart;
            readEnd = readStart + GzipMagic.Length - 1;
        }
    }

    private static List<int> LastToFirst(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value)
    {
        var found = new List<int>();
        for (var at = data.LastIndexOf(value); at >= 0; at = data[..at].LastIndexOf(value)) found.Add(at);
        return found;
    }

    private static async Task<bool> MemberMatchesAsync(StoredBytes stored, long start, uint size, uint crc, CancellationToken cancellationToken)
    {
        var hash = new Crc32();
        var length = 0L;
        var chunk = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            await using var member = new GZipStream(await stored.OpenAtAsync(start, cancellationToken).ConfigureAwait(false), CompressionMode.Decompress);
            int n;
            while ((n = await member.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.Append(chunk.AsSpan(0, n));
                length += n;
            }
            return (uint)length == size && hash.GetCurrentHashAsUInt32() == crc;
        }
        catch (InvalidDataException)
        {
            return false; // the magic number was compressed data, not a member's start
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static InputTooLargeException TooLarge(string name, string how, long maxBytes) =>
        new($"Input '{name}' is larger than {maxBytes / (1 << 20):N0} MiB{how}, the largest allowed (--max-object-mb).");

    /// <summary>How many of a too-large record's first bytes are kept for the quarantine.</summary>
    public const int TooLargeKeptBytes = 1024;

    // The window holds the start of one record that fills it at the limit, and `next` is the byte read after it: keep the
    // record's first bytes, then read on, a window at a time, only looking for where the record ends (its closing bracket
    // outside strings), and go on from there. Positions after it stay those of the whole object.
    private async Task SkipTooLargeAsync(byte? next, int limit, CancellationToken cancellationToken)
    {
        var head = _buffer.AsSpan(0, Math.Min(_filled, TooLargeKeptBytes)).ToArray();
        var position = new RecordPosition(_at.Ordinal + 1, _at.ByteOffset, _at.Line);
        var scan = new RecordEnd();
        long skipped = 0;
        var lines = 0;
        // The probe byte read past the full window comes next in the object: it is read again as the next byte.
        var pending = next;
        void Push()
        {
            _buffer[_filled++] = pending!.Value;
            BytesRead++;
            if (_stored is not null) _crc.Append(_buffer.AsSpan(_filled - 1, 1));
            pending = null;
        }
        void Skip(int count)
        {
            skipped += count;
            lines += _buffer.AsSpan(0, count).Count((byte)'\n');
        }
        var found = scan.Find(_buffer.AsSpan(0, _filled));
        while (found < 0)
        {
            Skip(_filled);
            _filled = 0;
            if (pending is not null) Push();
            await FillAsync(cancellationToken).ConfigureAwait(false);
            if (_filled == 0) break;
            found = scan.Find(_buffer.AsSpan(0, _filled));
            if (found < 0 && _ended)
            {
                Skip(_filled);
                _filled = 0;
                break;
            }
        }
        if (found >= 0)
        {
            Skip(found);
            _buffer.AsSpan(found, _filled - found).CopyTo(_buffer);
            _filled -= found;
            // The record ended inside the window: the probe byte follows what is left of it.
            if (pending is not null) Push();
        }
        _consumed = 0;
        _at = new WindowStart(_at.Ordinal + 1, _at.ByteOffset + skipped, _at.Line + lines);
        var reason = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"record too large: {(found >= 0 ? "" : "at least ")}{skipped:N0} bytes, more than the {limit / (1 << 20):N0} MiB allowed (--max-record-mb), and larger than any event AWS delivers (EventBridge events are at most 1 MB, Firehose records 1,000 KiB); its first {head.Length:N0} bytes are kept, and the rest of the object was read on");
        _tooLarge = new ObjectWindow(head, [new RecordSegment(position, 0, head.Length, reason) { IsTooLarge = true }]);
    }

    // Finds where a JSON value that started at the first byte it was shown ends: after its closing bracket at depth 0,
    // strings (and their escapes) skipped. Fed one window after another; holds no bytes.
    private struct RecordEnd
    {
        private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\"u8);
        private int _depth;
        private bool _inString, _escape, _started, _scalar;

        public int Find(ReadOnlySpan<byte> data)
        {
            for (var i = 0; i < data.Length; i++)
            {
                if (_inString)
                {
                    if (_escape)
                    {
                        _escape = false;
                        continue;
                    }
                    var stop = data[i..].IndexOfAny(StringStops);
                    if (stop < 0) return -1;
                    i += stop;
                    if (data[i] == (byte)'\\') _escape = true;
                    else
                    {
                        _inString = false;
                        if (_depth == 0) return i + 1; // a string at the top level: not a record, but it ends here
                    }
                    continue;
                }
                switch (data[i])
                {
                    case (byte)'"':
                        _inString = true;
                        _started = true;
                        break;
                    case (byte)'{' or (byte)'[':
                        _depth++;
                        _started = true;
                        break;
                    case (byte)'}' or (byte)']':
                        if (--_depth <= 0) return i + 1;
                        break;
                    case (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t':
                        if (_scalar) return i;
                        break;
                    default:
                        if (!_started) (_started, _scalar) = (true, true);
                        break;
                }
            }
            return -1;
        }
    }

    /// <summary>Closes the source and returns the buffers to the pool; windows must not be used afterwards.</summary>
    public void Dispose()
    {
        _source.Dispose();
        Pool.Return(_buffer);
        _buffer = [];
    }

    /// <summary>A gzip object's stored bytes, read again at its end to check the trailer.</summary>
    private abstract class StoredBytes
    {
        public abstract ValueTask<long> LengthAsync(CancellationToken cancellationToken);

        /// <summary>Fills <paramref name="into"/> from <paramref name="offset"/>.</summary>
        public abstract ValueTask ReadAtAsync(long offset, Memory<byte> into, CancellationToken cancellationToken);

        /// <summary>The bytes from <paramref name="offset"/> to the end, as a stream the caller disposes.</summary>
        public abstract Task<Stream> OpenAtAsync(long offset, CancellationToken cancellationToken);
    }

    private sealed class StoredArray(byte[] bytes) : StoredBytes
    {
        public override ValueTask<long> LengthAsync(CancellationToken cancellationToken) => ValueTask.FromResult((long)bytes.Length);

        public override ValueTask ReadAtAsync(long offset, Memory<byte> into, CancellationToken cancellationToken)
        {
            bytes.AsMemory((int)offset, into.Length).CopyTo(into);
            return ValueTask.CompletedTask;
        }

        public override Task<Stream> OpenAtAsync(long offset, CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new MemoryStream(bytes, (int)offset, bytes.Length - (int)offset, writable: false));
    }

    // The object read again in its store (a file, or ranged GETs on S3), when a trailer is that of a later member.
    private sealed class StoredInStore(Storage.IObjectStore store, string key) : StoredBytes
    {
        public override async ValueTask<long> LengthAsync(CancellationToken cancellationToken) =>
            await store.SizeAsync(key, cancellationToken).ConfigureAwait(false);

        public override async ValueTask ReadAtAsync(long offset, Memory<byte> into, CancellationToken cancellationToken)
        {
            await using var stream = await store.OpenReadAsync(key, offset, cancellationToken).ConfigureAwait(false);
            var read = await stream.ReadAtLeastAsync(into, into.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < into.Length) throw new IOException($"Input '{store.NameOf(key)}' became shorter while it was read.");
        }

        public override Task<Stream> OpenAtAsync(long offset, CancellationToken cancellationToken) => store.OpenReadAsync(key, offset, cancellationToken);
    }

    // Counts the bytes that stream by and keeps the last eight: a gzip stream's trailer, once it has been read whole.
    private sealed class TailStream(Stream inner) : Aws.ForwardReadStream
    {
        private readonly byte[] _last = new byte[8];
        private long _total;

        private int Seen(ReadOnlySpan<byte> read)
        {
            if (read.Length >= 8) read[^8..].CopyTo(_last);
            else if (read.Length > 0)
            {
                _last.AsSpan(read.Length).CopyTo(_last);
                read.CopyTo(_last.AsSpan(8 - read.Length));
            }
            _total += read.Length;
            return read.Length;
        }

        public override int Read(Span<byte> buffer) => Seen(buffer[..inner.Read(buffer)]);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Seen(buffer.Span[..n]);
        }

        /// <summary>Reads what is left and returns the bytes read in all.</summary>
        public async Task<long> DrainAsync(CancellationToken cancellationToken)
        {
            var scratch = new byte[1 << 14];
            while (await ReadAsync(scratch, cancellationToken).ConfigureAwait(false) > 0) { }
            return _total;
        }

        /// <summary>The last eight bytes read (fewer, zero-padded in front, when fewer were read).</summary>
        public void LastBytes(Span<byte> into) => _last.CopyTo(into);

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    // The bytes read to sniff the format, given back in front of the rest of the stream.
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Aws.ForwardReadStream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return rest.Read(buffer);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty) return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer.Span);
            _prefix = _prefix[n..];
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) rest.Dispose();
            base.Dispose(disposing);
        }
    }
}
