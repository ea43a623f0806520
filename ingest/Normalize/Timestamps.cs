using System.Globalization;
using System.Text.Json;

namespace Analytics.Ingest.Normalize;

/// <summary>
/// Parses the timestamp forms the sources use into UTC <see cref="DateTime"/>s truncated to milliseconds
/// (the lake's precision): ISO 8601 with 0–9 fraction digits and Z or an offset (±HH:mm, ±HHmm or ±HH; ECS,
/// Support), RFC 1123 with or without its weekday and with GMT, UT, UTC, Z or a numeric offset (Health via
/// EventBridge, HTTP) and epoch seconds with fractions (Health API).
/// </summary>
internal static class Timestamps
{
    private static readonly string[] Rfc1123Formats = ["d MMM yyyy HH:mm:ss", "d MMM yyyy HH:mm"];

    /// <summary>Parses a JSON string or number; false when it is neither a known form nor a valid instant.</summary>
    public static bool TryParse(JsonElement value, out DateTime result)
    {
        result = default;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDecimal(out var seconds):
                return TryFromEpochSeconds(seconds, out result);
            case JsonValueKind.String when JsonStrings.TryGetUnescaped(value, out var utf8):
                return TryParse(utf8, out result);
            case JsonValueKind.String:
                return TryParse(value.GetString(), out result);
            default:
                return false;
        }
    }

    /// <summary>The instant <paramref name="seconds"/> after the Unix epoch, to the millisecond; false outside the years 1 to 9999.</summary>
    public static bool TryFromEpochSeconds(decimal seconds, out DateTime result)
    {
        result = default;
        if (seconds is < -62135596800m or > 253402300799m) return false;
        result = DateTime.UnixEpoch.AddMilliseconds((double)decimal.Floor(seconds * 1000m));
        return true;
    }

    /// <summary>Parses a JSON string's UTF-8 bytes (without escapes) as <see cref="TryParse(string?, out DateTime)"/> parses its text.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTime result)
    {
        if (utf8.Length is >= 19 and <= 64 && char.IsAsciiDigit((char)utf8[0]))
        {
            // ISO 8601, the common form, straight from the bytes: no string per timestamp.
            Span<char> text = stackalloc char[utf8.Length];
            if (System.Text.Ascii.ToUtf16(utf8, text, out var written) == System.Buffers.OperationStatus.Done && TryParseIso(text[..written], out result)) return true;
        }
        return TryParse(JsonStrings.Get(utf8), out result);
    }

    /// <summary>Parses text in ISO 8601 or RFC 1123 form.</summary>
    public static bool TryParse(string? text, out DateTime result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        // RFC 1123 without its weekday starts with a digit too ("3 Jun 2022 05:01:10 GMT").
        return (text.Length >= 10 && char.IsAsciiDigit(text[0]) && TryParseIso(text, out result)) || TryParseRfc1123(text, out result);
    }

    private static bool TryParseIso(ReadOnlySpan<char> s, out DateTime result)
    {
        result = default;
        // yyyy-MM-ddTHH:mm:ss[.fffffffff](Z|±HH:mm); a space is accepted for T.
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
            return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
            return false;
        var i = 19;
        var millis = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            var count = i - start;
            if (count is 0 or > 9) return false;
            // Keep milliseconds: the first three digits, right-padded (".98" is 980 ms).
            for (var k = 0; k < 3; k++) millis = millis * 10 + (k < count ? s[start + k] - '0' : 0);
        }
        var offset = TimeSpan.Zero;
        if (i < s.Length)
        {
            if (s[i] is 'Z' or 'z' && i == s.Length - 1) { }
            else if (!TryParseOffset(s[i..], out offset)) return false;
        }
        else return false; // No zone: the instant would be ambiguous.
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 59)
            return false;
        result = new DateTime(year, month, day, hour, minute, second, millis, DateTimeKind.Utc) - offset;
        return true;
    }

    private static bool TryParseRfc1123(string text, out DateTime result)
    {
        result = default;
        // The weekday is dropped: published samples carry weekdays that do not match their dates.
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        var rest = (comma >= 0 ? text[(comma + 1)..] : text).Trim();
        var space = rest.LastIndexOf(' ');
        if (space < 0) return false;
        var zone = rest[(space + 1)..];
        TimeSpan offset;
        if (zone is "GMT" or "UT" or "UTC" or "Z") offset = TimeSpan.Zero;
        else if (!TryParseOffset(zone, out offset)) return false;
        if (!DateTime.TryParseExact(rest[..space], Rfc1123Formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var local))
            return false;
        result = DateTime.SpecifyKind(local - offset, DateTimeKind.Utc);
        return true;
    }

    // ±HH:mm, ±HHmm or ±HH, the offsets ISO 8601 and RFC 1123 write.
    private static bool TryParseOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = default;
        if (s.Length is not (3 or 5 or 6) || s[0] is not ('+' or '-')) return false;
        if (!Digits(s, 1, 2, out var hours)) return false;
        var minutes = 0;
        if (s.Length == 5 && !Digits(s, 3, 2, out minutes)) return false;
        if (s.Length == 6 && (s[3] != ':' || !Digits(s, 4, 2, out minutes))) return false;
        if (hours > 23 || minutes > 59) return false;
        var sign = s[0] == '-' ? -1 : 1;
        offset = new TimeSpan(sign * hours, sign * minutes, 0);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            value = value * 10 + (s[i] - '0');
        }
        return true;
    }
}
