using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.Compression;

namespace Analytics.Ingest.Input;

/// <summary>
/// One input object (a file, or later an S3 object), read whole and decompressed into a pooled buffer.
/// Dispose it once its records are parsed: the buffer goes back to the pool, so a run of many large objects
/// does not allocate one large-object-heap array per object.
/// </summary>
public sealed class InputObject : IDisposable
{
    // A pool of its own, holding few arrays: the shared pool keeps up to 32 arrays per size per core, which for
    // object-sized arrays grew the peak with the input instead of the batch.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1 << 30, maxArraysPerBucket: 4);

    private byte[]? _pooled;
    private bool _disposed;
    private readonly int _length;

    private InputObject(string name, byte[] buffer, int length, bool pooled, DateTime lastModified, long compressedLength, string? decompressionError)
    {
        Name = name;
        _pooled = pooled ? buffer : null;
        Buffer = buffer;
        _length = length;
        LastModified = lastModified;
        CompressedLength = compressedLength;
        DecompressionError = decompressionError;
    }

    private byte[] Buffer { get; }

    /// <summary>Where it came from: a path or an <c>s3://</c> URI. Becomes <c>source_object</c>.</summary>
    public string Name { get; }

    /// <summary>The decompressed bytes; valid until the object is disposed.</summary>
    public ReadOnlyMemory<byte> Data => _disposed ? throw new ObjectDisposedException(Name) : Buffer.AsMemory(0, _length);

    /// <summary>When the object was written (UTC); the observation time of API responses in it.</summary>
    public DateTime LastModified { get; }

    /// <summary>Its size as stored.</summary>
    public long CompressedLength { get; }

    /// <summary>Set when a gzip stream broke off: <see cref="Data"/> holds what came before.</summary>
    public string? DecompressionError { get; }

    /// <summary>Builds an input object from stored bytes, decompressing gzip when the bytes start with its magic number (whatever the name says).</summary>
    /// <exception cref="IOException">It decompresses to more than <paramref name="maxBytes"/>.</exception>
    public static InputObject FromBytes(string name, byte[] stored, DateTime lastModified, long maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return From(name, stored, stored.Length, pooled: false, lastModified, maxBytes);
    }

    /// <summary>Reads a file whole into a pooled buffer and decompresses it when it is gzip.</summary>
    /// <exception cref="IOException">It cannot be read, or it is larger than <paramref name="maxBytes"/> as stored or decompressed.</exception>
    public static async Task<InputObject> ReadFileAsync(FileInfo file, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var handle = File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            if (length > Math.Min(maxBytes, Array.MaxLength)) throw TooLarge(file.FullName, "", maxBytes);
            var buffer = Pool.Rent((int)Math.Max(1, length));
            try
            {
                var read = 0;
                while (read < length)
                {
                    var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read, (int)length - read), read, cancellationToken).ConfigureAwait(false);
                    if (n == 0) break;
                    read += n;
                }
                return From(file.FullName, buffer, read, pooled: true, file.LastWriteTimeUtc, maxBytes);
            }
            catch
            {
                Pool.Return(buffer);
                throw;
            }
        }
    }

    private static IOException TooLarge(string name, string how, long maxBytes) =>
        new($"Input '{name}' is larger than {maxBytes / (1 << 20):N0} MiB{how}, the largest object allowed (--max-object-mb): each object is held in memory whole.");

    private static InputObject From(string name, byte[] stored, int length, bool pooled, DateTime lastModified, long maxBytes)
    {
        if (length < 2 || stored[0] != 0x1f || stored[1] != 0x8b)
            return new InputObject(name, stored, length, pooled, lastModified, length, null);
        var limit = (int)Math.Min(maxBytes, Array.MaxLength);
        var output = Pool.Rent((int)Math.Min(Math.Max(length * 8L, 4096), limit));
        var written = 0;
        string? error = null;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(stored, 0, length, writable: false), CompressionMode.Decompress);
            Span<byte> probe = stackalloc byte[1];
            while (true)
            {
                if (written == Math.Min(output.Length, limit))
                {
                    // A full buffer at the limit: one more byte would be past it.
                    if (written == limit)
                    {
                        if (gzip.Read(probe) == 0) break;
                        throw TooLarge(name, " decompressed", maxBytes);
                    }
                    var larger = Pool.Rent((int)Math.Min(output.Length * 2L, limit));
                    output.AsSpan(0, written).CopyTo(larger);
                    Pool.Return(output);
                    output = larger;
                }
                var n = gzip.Read(output, written, Math.Min(output.Length, limit) - written);
                if (n == 0) break;
                written += n;
            }
            // GZipStream ends quietly where a cut stream ends, so the trailer is checked here.
            error = TrailerError(stored.AsSpan(0, length), output.AsSpan(0, written));
        }
        catch (InvalidDataException ex)
        {
            error = $"gzip stream is corrupt or truncated after {written} decompressed bytes: {ex.Message}";
        }
        catch
        {
            Pool.Return(output);
            throw;
        }
        finally
        {
            if (pooled) Pool.Return(stored);
        }
        return new InputObject(name, output, written, pooled: true, lastModified, length, error);
    }

    /// <summary>
    /// Null when the gzip stream ends with the trailer of its data (CRC-32 and size of the last member, RFC 1952);
    /// otherwise why not. A stream cut short ends in compressed bytes, which almost never pass as a trailer.
    /// </summary>
    private static string? TrailerError(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> data)
    {
        if (stored.Length < 18) return $"gzip stream is truncated: {stored.Length} bytes cannot hold a header and a trailer";
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(stored[^8..]);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(stored[^4..]);
        // The last member holds the last `size` bytes of the data (all of it when there is one member); objects
        // are far below the 4 GiB at which `size`, kept mod 2^32, would stop saying so.
        if (size <= (uint)data.Length && Crc32.HashToUInt32(data[^(int)size..]) == crc) return null;
        return $"gzip stream is truncated: it ends after {data.Length} decompressed bytes without the trailer that closes it";
    }

    /// <summary>Returns the buffer to the pool; <see cref="Data"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_pooled is { } buffer)
        {
            _pooled = null;
            Pool.Return(buffer);
        }
        _disposed = true;
    }
}
