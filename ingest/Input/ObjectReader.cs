using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Analytics.Ingest.Input;

/// <summary>One window of an object: whole records, in order.</summary>
/// <param name="Data">The window's bytes; valid until the next window is read.</param>
/// <param name="Segments">Its records; <see cref="RecordSegment.Start"/> indexes <paramref name="Data"/>, positions count from the object's start.</param>
public sealed record ObjectWindow(ReadOnlyMemory<byte> Data, List<RecordSegment> Segments);

/// <summary>
/// Reads an input object (a file now, an S3 object later) as a sequence of windows of whole records, so memory
/// holds a window, not the object: a window is filled, split, and its last record (which the window may have
/// cut) is carried to the next one. A window grows only for a record larger than itself, up to the largest
/// allowed; a document that is one JSON array (an API response) is read whole. Gzip is detected by its magic
/// bytes and decompressed as it is read: its compressed bytes are held whole so the trailer can be checked.
/// Records, positions and errors are those of the whole object (tests compare them), with one exception: when a
/// malformed record's resynchronisation point is an object nested in it that a window happens to end after,
/// the rest of that record is split differently. Every byte still lands in a row or in quarantine.
/// </summary>
public sealed class ObjectReader : IDisposable
{
    /// <summary>The window's size unless a record needs more.</summary>
    public const int DefaultWindowBytes = 4 << 20;

    // A pool of its own, holding few arrays: windows are megabytes each. (The shared pool keeps up to 32 arrays
    // per size per core, which for object-sized arrays grew the peak with the input instead of the batch.)
    internal static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1 << 30, maxArraysPerBucket: 4);

    private readonly Stream _source;
    private readonly byte[]? _stored;
    private readonly bool _storedPooled;
    private readonly int _storedLength;
    private readonly long _maxBytes;
    private readonly Crc32 _crc = new();
    private byte[] _buffer;
    private int _filled;
    private int _consumed;
    private bool _ended;
    private bool _wholeDocument;
    private bool _started;
    private WindowStart _at = new(0, 0, 1);

    private ObjectReader(string name, DateTime lastModified, Stream source, byte[]? stored, bool storedPooled, int storedLength, long maxBytes, int windowBytes)
    {
        Name = name;
        LastModified = lastModified;
        _source = source;
        _stored = stored;
        _storedPooled = storedPooled;
        _storedLength = storedLength;
        _maxBytes = maxBytes;
        _buffer = Pool.Rent((int)Math.Min(windowBytes, maxBytes));
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
    /// <param name="maxBytes">The largest object as stored, and the largest record or whole document, once decompressed.</param>
    /// <param name="windowBytes">The window's usual size.</param>
    /// <param name="cancellationToken">Cancels reading a gzip object's compressed bytes.</param>
    /// <exception cref="IOException">It cannot be read, or it is larger than <paramref name="maxBytes"/> as stored.</exception>
    public static async Task<ObjectReader> OpenAsync(FileInfo file, long maxBytes, int windowBytes = DefaultWindowBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        try
        {
            if (stream.Length > Math.Min(maxBytes, Array.MaxLength)) throw TooLarge(file.FullName, "", maxBytes);
            var magic = new byte[2];
            var read = await stream.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            if (read < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
                return new ObjectReader(file.FullName, file.LastWriteTimeUtc, stream, null, false, 0, maxBytes, windowBytes);
            var stored = Pool.Rent((int)Math.Max(1, stream.Length));
            try
            {
                var length = await stream.ReadAtLeastAsync(stored.AsMemory(0, (int)stream.Length), (int)stream.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                await stream.DisposeAsync().ConfigureAwait(false);
                var gzip = new GZipStream(new MemoryStream(stored, 0, length, writable: false), CompressionMode.Decompress);
                return new ObjectReader(file.FullName, file.LastWriteTimeUtc, gzip, stored, true, length, maxBytes, windowBytes);
            }
            catch
            {
                Pool.Return(stored);
                throw;
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads stored bytes (gzip when they start with its magic number, whatever the name says).</summary>
    public static ObjectReader FromBytes(string name, byte[] stored, DateTime lastModified, long maxBytes, int windowBytes = DefaultWindowBytes)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var source = new MemoryStream(stored, writable: false);
        return stored is [0x1f, 0x8b, ..]
            ? new ObjectReader(name, lastModified, new GZipStream(source, CompressionMode.Decompress), stored, false, stored.Length, maxBytes, windowBytes)
            : new ObjectReader(name, lastModified, source, null, false, 0, maxBytes, windowBytes);
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
    /// <exception cref="IOException">A single record (or a whole-array document) is larger than the largest allowed.</exception>
    public async Task<ObjectWindow?> NextAsync(CancellationToken cancellationToken)
    {
        // The previous window's records are done: its carried-over tail moves to the front.
        if (_consumed > 0)
        {
            var consumed = _buffer.AsSpan(0, _consumed);
            _at = new WindowStart(_at.Ordinal, _at.ByteOffset + _consumed, _at.Line + consumed.Count((byte)'\n'));
            _buffer.AsSpan(_consumed, _filled - _consumed).CopyTo(_buffer);
            _filled -= _consumed;
            _consumed = 0;
        }
        while (true)
        {
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
            var segments = RecordSplitter.Split(data.Span, _at);
            if (!_ended)
            {
                // The window may have cut its last record: it starts the next window. One record filling the
                // whole window needs a larger one.
                if (segments.Count < 2)
                {
                    await GrowAsync(null, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                _consumed = segments[^1].Start;
                segments.RemoveAt(segments.Count - 1);
            }
            else
            {
                _consumed = _filled;
                if (segments.Count == 0) return null;
            }
            _at = _at with { Ordinal = _at.Ordinal + segments.Count };
            return new ObjectWindow(data, segments);
        }
    }

    // Called with the window full (filled to its capacity) and more to read. At the largest size allowed, the
    // object may still end right there; otherwise what does not fit is too large.
    private async Task GrowAsync(string? how, CancellationToken cancellationToken)
    {
        var limit = (int)Math.Min(_maxBytes, Array.MaxLength);
        if (_buffer.Length >= limit)
        {
            var probe = new byte[1];
            int n;
            try { n = await _source.ReadAsync(probe, cancellationToken).ConfigureAwait(false); }
            catch (InvalidDataException) { n = 1; }
            if (n == 0)
            {
                _ended = true;
                if (_stored is not null) DecompressionError = TrailerError();
                return;
            }
            throw TooLarge(Name, how ?? (_wholeDocument ? " as one JSON document" : " in a single record"), _maxBytes);
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
                if (_stored is not null) DecompressionError = TrailerError();
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
    private string? TrailerError()
    {
        var stored = _stored.AsSpan(0, _storedLength);
        if (stored.Length < 18) return $"gzip stream is truncated: {stored.Length} bytes cannot hold a header and a trailer";
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(stored[^8..]);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(stored[^4..]);
        // One member (as Firehose writes): the trailer is that of all the data.
        if (size == (uint)BytesRead && _crc.GetCurrentHashAsUInt32() == crc) return null;
        // Several members: the trailer is the last member's, which starts at one of the magic numbers near the end.
        for (var start = stored[..^18].LastIndexOf((ReadOnlySpan<byte>)[0x1f, 0x8b, 0x08]); start > 0; start = stored[..start].LastIndexOf((ReadOnlySpan<byte>)[0x1f, 0x8b, 0x08]))
            if (MemberMatches(start, size, crc)) return null;
        return $"gzip stream is truncated: it ends after {BytesRead} decompressed bytes without the trailer that closes it";
    }

    private bool MemberMatches(int start, uint size, uint crc)
    {
        var hash = new Crc32();
        var length = 0L;
        var chunk = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            using var member = new GZipStream(new MemoryStream(_stored!, start, _storedLength - start, writable: false), CompressionMode.Decompress);
            int n;
            while ((n = member.Read(chunk)) > 0)
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

    private static IOException TooLarge(string name, string how, long maxBytes) =>
        new($"Input '{name}' is larger than {maxBytes / (1 << 20):N0} MiB{how}, the largest allowed (--max-object-mb).");

    /// <summary>Closes the source and returns the buffers to the pool; windows must not be used afterwards.</summary>
    public void Dispose()
    {
        _source.Dispose();
        if (_stored is not null && _storedPooled) Pool.Return(_stored);
        Pool.Return(_buffer);
        _buffer = [];
    }
}
