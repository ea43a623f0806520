using System.Buffers;
using System.Security.Cryptography;

namespace Analytics.Ingest.Normalize;

/// <summary>
/// A short hash of JSON text that ignores insignificant whitespace, so the same value pretty-printed or
/// compact hashes the same.
/// </summary>
public static class ContentHash
{
    /// <summary>16 hex digits of SHA-256 over the JSON's bytes outside strings that are not whitespace, and all bytes inside strings.</summary>
    public static string Of(ReadOnlySpan<byte> json)
    {
        // The significant bytes are gathered first and hashed in one call: the same digest as feeding each run
        // separately, without a native call per whitespace run of pretty-printed JSON.
        var rented = json.Length > 4096 ? ArrayPool<byte>.Shared.Rent(json.Length) : null;
        var significant = rented is null ? stackalloc byte[json.Length] : rented.AsSpan(0, json.Length);
        try
        {
            var length = 0;
            var inString = false;
            var escaped = false;
            foreach (var b in json)
            {
                if (inString)
                {
                    if (escaped) escaped = false;
                    else if (b == (byte)'\\') escaped = true;
                    else if (b == (byte)'"') inString = false;
                }
                else if (b == (byte)'"') inString = true;
                else if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue;
                significant[length++] = b;
            }
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(significant[..length], digest);
            return Convert.ToHexStringLower(digest[..8]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
