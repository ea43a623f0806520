namespace Analytics.Ingest.Input;

/// <summary>
/// One input object read whole and decompressed into a pooled buffer (through <see cref="ObjectReader"/>),
/// for callers that want it whole; ingest reads objects a window at a time. Dispose it: the buffer goes back
/// to the pool.
/// </summary>
internal sealed class InputObject : IDisposable
{
    private readonly byte[] _buffer;
    private readonly int _length;
    private bool _disposed;

    private InputObject(string name, (byte[] Buffer, int Length) data, DateTime lastModified, long compressedLength, string? decompressionError) =>
        (Name, (_buffer, _length), LastModified, CompressedLength, DecompressionError) = (name, data, lastModified, compressedLength, decompressionError);

    /// <summary>Where it came from: a path or an <c>s3://</c> URI. Becomes <c>source_object</c>.</summary>
    public string Name { get; }

    /// <summary>The decompressed bytes; valid until the object is disposed.</summary>
    public ReadOnlyMemory<byte> Data => _disposed ? throw new ObjectDisposedException(Name) : _buffer.AsMemory(0, _length);

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
        using var reader = ObjectReader.FromBytes(name, stored, lastModified, maxBytes, (int)Math.Min(maxBytes, Math.Max(4096, stored.Length * 8L)));
        // Over a byte array nothing waits.
        var whole = reader.ReadToEndAsync(CancellationToken.None).GetAwaiter().GetResult();
        return new InputObject(name, whole, lastModified, stored.Length, reader.DecompressionError);
    }

    /// <summary>Returns the buffer to the pool; <see cref="Data"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        ObjectReader.Pool.Return(_buffer);
    }
}
