using System.Buffers;
using System.Security.Cryptography;

namespace Analytics.Ingest.Normalize;

/// <summary>
/// A short hash of JSON text that ignores insignificant whitespace, so the same value pretty-printed or
/// compact hashes the same.
/// </summary>
internal static class ContentHash
{
    private static readonly SearchValues<byte> OutsideStops = SearchValues.Create("\" \n\r\t"u8);
    private static readonly SearchValues<byte> StringStops = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \n\r\t"u8);

    // Delivered events are compact JSON: whitespace, if any, sits inside strings. Without a backslash, a byte
    // is inside a string exactly when an odd number of quotes precede it, which vectorized counts tell.
    private static bool IsCompact(ReadOnlySpan<byte> json)
    {
        var next = json.IndexOfAny(Whitespace);
        if (next < 0) return true;
        if (json.Contains((byte)'\\')) return false;
        var quotes = 0;
        var counted = 0;
        while (next >= 0)
        {
            quotes += json[counted..next].Count((byte)'"');
            if (quotes % 2 == 0) return false;
            counted = next;
            var after = json[(next + 1)..].IndexOfAny(Whitespace);
            next = after < 0 ? -1 : next + 1 + after;
        }
        return true;
    }

    /// <summary>16 hex digits of SHA-256 over the JSON's bytes outside strings that are not whitespace, and all bytes inside strings.</summary>
    public static string Of(ReadOnlySpan<byte> json)
    {
        Span<byte> digest = stackalloc byte[32];
        if (IsCompact(json))
        {
            SHA256.HashData(json, digest);
            return Convert.ToHexStringLower(digest[..8]);
        }
        // The significant bytes are gathered first and hashed in one call: the same digest as feeding each run
        // separately, without a native call per whitespace run of pretty-printed JSON.
        var rented = json.Length > 4096 ? ArrayPool<byte>.Shared.Rent(json.Length) : null;
        var significant = rented is null ? stackalloc byte[json.Length] : rented.AsSpan(0, json.Length);
        try
        {
            // Runs between the bytes that matter are found by vectorized search and copied whole.
            var length = 0;
            var rest = json;
            var inString = false;
            while (!rest.IsEmpty)
            {
                var stop = rest.IndexOfAny(inString ? StringStops : OutsideStops);
                if (stop < 0) stop = rest.Length;
                rest[..stop].CopyTo(significant[length..]);
                length += stop;
                if (stop == rest.Length) break;
                var b = rest[stop];
                if (b == (byte)'\\')
                {
                    // An escape and the byte it escapes, which may be a quote.
                    var escape = rest.Slice(stop, Math.Min(2, rest.Length - stop));
                    escape.CopyTo(significant[length..]);
                    length += escape.Length;
                    rest = rest[(stop + escape.Length)..];
                    continue;
                }
                if (b == (byte)'"')
                {
                    significant[length++] = b;
                    inString = !inString;
                }
                rest = rest[(stop + 1)..];
            }
            SHA256.HashData(significant[..length], digest);
            return Convert.ToHexStringLower(digest[..8]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
