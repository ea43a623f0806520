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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var inString = false;
        var escaped = false;
        var runStart = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == (byte)'\\') escaped = true;
                else if (b == (byte)'"') inString = false;
                continue;
            }
            if (b == (byte)'"') { inString = true; continue; }
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                if (i > runStart) hash.AppendData(json[runStart..i]);
                runStart = i + 1;
            }
        }
        if (json.Length > runStart) hash.AppendData(json[runStart..]);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..8]);
    }
}
