using System.IO.Compression;

namespace Analytics.Ingest.Input;

/// <summary>One input object (a file, or later an S3 object), read whole and decompressed.</summary>
/// <param name="Name">Where it came from: a path or an <c>s3://</c> URI. Becomes <c>source_object</c>.</param>
/// <param name="Data">The decompressed bytes.</param>
/// <param name="LastModified">When the object was written (UTC); the observation time of API responses in it.</param>
/// <param name="CompressedLength">Its size as stored.</param>
/// <param name="DecompressionError">Set when a gzip stream broke off: <see cref="Data"/> holds what came before.</param>
public sealed record InputObject(string Name, byte[] Data, DateTime LastModified, long CompressedLength, string? DecompressionError)
{
    /// <summary>Builds an input object from stored bytes, decompressing gzip when the bytes start with its magic number (whatever the name says).</summary>
    public static InputObject FromBytes(string name, byte[] stored, DateTime lastModified)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Length < 2 || stored[0] != 0x1f || stored[1] != 0x8b)
            return new InputObject(name, stored, lastModified, stored.Length, null);
        using var output = new MemoryStream(stored.Length * 8);
        string? error = null;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(stored, writable: false), CompressionMode.Decompress);
            gzip.CopyTo(output);
        }
        catch (InvalidDataException ex)
        {
            error = $"gzip stream is corrupt or truncated after {output.Length} decompressed bytes: {ex.Message}";
        }
        return new InputObject(name, output.ToArray(), lastModified, stored.Length, error);
    }
}
