using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Analytics.Ingest.Normalize;

/// <summary>
/// Reads JSON strings without a string per read where that is safe: short ASCII values (cluster ARNs, names,
/// statuses, images, regions) repeat across thousands of events and are shared from a small per-thread cache,
/// and timestamps are parsed from the UTF-8 bytes. Every row stays a set of immutable strings, so sharing one
/// between rows changes nothing but memory; the batch's rows then hold far less.
/// </summary>
internal static class JsonStrings
{
    private const int Slots = 4096;
    private const int MaxCachedBytes = 128;

    [ThreadStatic] private static string?[]? t_slots;

    // As JsonElement.GetString decodes: bytes that are not UTF-8 are an error, never replaced.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The value of a JSON string, shared with an earlier equal value read on this thread when it is short and ASCII.</summary>
    /// <param name="value">A JSON string.</param>
    public static string Get(JsonElement value) => TryGetUnescaped(value, out var utf8) ? Get(utf8) : value.GetString()!;

    /// <summary>The string whose UTF-8 bytes, without escapes, are <paramref name="utf8"/> (the splitter has checked they are UTF-8).</summary>
    /// <param name="utf8">A JSON string's bytes between its quotes, holding no escape.</param>
    /// <exception cref="DecoderFallbackException">The bytes are not UTF-8.</exception>
    public static string Get(ReadOnlySpan<byte> utf8) => Get(utf8, ThreadCache);

    /// <summary>
    /// The calling thread's cache, for <see cref="Get(ReadOnlySpan{byte}, string?[])"/>: taken once for the many strings of
    /// a record (a thread-static read per string costs more than the lookup). Never share it with another thread.
    /// </summary>
    public static string?[] ThreadCache => t_slots ??= new string?[Slots];

    /// <summary>As <see cref="Get(ReadOnlySpan{byte})"/>, with the thread's cache taken beforehand.</summary>
    /// <param name="utf8">A JSON string's bytes between its quotes, holding no escape.</param>
    /// <param name="cache">This thread's <see cref="ThreadCache"/>.</param>
    /// <exception cref="DecoderFallbackException">The bytes are not UTF-8.</exception>
    public static string Get(ReadOnlySpan<byte> utf8, string?[] cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (utf8.Length > MaxCachedBytes) return StrictUtf8.GetString(utf8);
        ref var slot = ref cache[(int)(XxHash3.HashToUInt64(utf8) & (Slots - 1))];
        // The cache holds ASCII strings only, so bytes equal to one are ASCII.
        if (slot is { } cached && Ascii.Equals(utf8, cached)) return cached;
        if (!Ascii.IsValid(utf8)) return StrictUtf8.GetString(utf8);
        // A different value in the slot is replaced: a value seen once (a task ARN) costs one slot for a while.
        return slot = Encoding.ASCII.GetString(utf8);
    }

    /// <summary>The UTF-8 bytes of a JSON string between its quotes; false when it has escapes (the bytes are not its value).</summary>
    /// <param name="value">A JSON string.</param>
    /// <param name="utf8">The value's bytes.</param>
    public static bool TryGetUnescaped(JsonElement value, out ReadOnlySpan<byte> utf8)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        utf8 = raw.Length >= 2 ? raw[1..^1] : default;
        return raw.Length >= 2 && !utf8.Contains((byte)'\\');
    }
}
