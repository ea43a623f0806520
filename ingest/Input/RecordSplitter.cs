using System.Text.Json;

namespace Analytics.Ingest.Input;

/// <summary>
/// Splits an input object into JSON records: newline-delimited, a JSON array, or objects concatenated with
/// no delimiter at all (Firehose's default). A malformed record becomes one error segment and splitting
/// resumes at the next record, so one bad record never costs the rest of the object.
/// </summary>
internal static class RecordSplitter
{
    /// <summary>How deeply a record may nest; deeper is malformed. The router parses records with the same limit.</summary>
    public const int MaxDepth = 128;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth };

    /// <summary>Splits <paramref name="data"/> into segments, in order, covering every non-blank byte once.</summary>
    public static List<RecordSegment> Split(ReadOnlySpan<byte> data) => Split(data, default);

    /// <summary>
    /// Splits the last window of a larger object: segments' <see cref="RecordSegment.Start"/> index
    /// <paramref name="data"/>, while their positions (and the byte offsets in error messages) count from the
    /// object's start, <paramref name="at"/> being where the window starts.
    /// </summary>
    public static List<RecordSegment> Split(ReadOnlySpan<byte> data, WindowStart at) => Split(data, at, isFinal: true, out _);

    /// <summary>
    /// Splits a window of a larger object, as <see cref="Split(ReadOnlySpan{byte}, WindowStart)"/>. When the window
    /// is not the object's last (<paramref name="isFinal"/> false), it stops before the first record it cannot
    /// be sure of: one that runs past the window's end, or a malformed one whose next record the window does not
    /// show whole and followed by another. Such a record is not malformed, or not yet known to end where it seems
    /// to, so the next window starts with it: <paramref name="consumed"/> says where (the whole window when final).
    /// </summary>
    public static List<RecordSegment> Split(ReadOnlySpan<byte> data, WindowStart at, bool isFinal, out int consumed)
    {
        var segments = new List<RecordSegment>();
        var lines = new LineCounter(at.Line);
        var pos = at.ByteOffset == 0 ? ContentStart(data) : SkipWhitespace(data, 0);
        // A document that is one JSON array holds its records as elements.
        if (isFinal && pos < data.Length && data[pos] == (byte)'[' && Measure(data, pos, isFinal, out var arrayEnd, out _) == Measured.Value
            && SkipWhitespace(data, arrayEnd) == data.Length)
        {
            SplitArray(data, pos, arrayEnd, segments, ref lines, at);
            consumed = data.Length;
            return segments;
        }
        while (pos < data.Length)
        {
            var measured = Measure(data, pos, isFinal, out var end, out var error);
            if (measured == Measured.RunsPastTheEnd) break;
            var position = new RecordPosition(at.Ordinal + segments.Count + 1, at.ByteOffset + pos, lines.LineAt(data, pos));
            if (measured == Measured.Value)
            {
                segments.Add(new RecordSegment(position, pos, end - pos, TextError(data[pos..end], at.ByteOffset + pos)));
                pos = SkipWhitespace(data, end);
                continue;
            }
            var next = Resync(data, pos + 1, isFinal);
            if (next < 0) break;
            var reason = next < data.Length
                ? $"malformed JSON ({error}); the next record starts at byte {at.ByteOffset + next}"
                : $"malformed JSON ({error})";
            segments.Add(new RecordSegment(position, pos, TrimEnd(data, pos, next) - pos, reason));
            pos = SkipWhitespace(data, next);
        }
        consumed = pos;
        return segments;
    }

    private static void SplitArray(ReadOnlySpan<byte> data, int start, int end, List<RecordSegment> segments, ref LineCounter lines, WindowStart at)
    {
        var reader = new Utf8JsonReader(data[start..end], ReaderOptions);
        reader.Read(); // [
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var elementStart = start + (int)reader.TokenStartIndex;
            reader.Skip();
            var elementEnd = start + (int)reader.BytesConsumed;
            segments.Add(new RecordSegment(new RecordPosition(at.Ordinal + segments.Count + 1, at.ByteOffset + elementStart, lines.LineAt(data, elementStart)),
                elementStart, elementEnd - elementStart, TextError(data[elementStart..elementEnd], at.ByteOffset + elementStart)));
        }
    }

    private enum Measured
    {
        /// <summary>A whole JSON object or array.</summary>
        Value,
        /// <summary>Not one: malformed, or not an object or array.</summary>
        NotAValue,
        /// <summary>Well-formed as far as the data goes, which is not the object's end.</summary>
        RunsPastTheEnd,
    }

    /// <summary>
    /// Measures the JSON value starting at <paramref name="start"/>; with the parser's message when it is not one.
    /// When more data follows (<paramref name="isFinal"/> false), running out of data is not malformed.
    /// </summary>
    private static Measured Measure(ReadOnlySpan<byte> data, int start, bool isFinal, out int end, out string error)
    {
        var reader = new Utf8JsonReader(data[start..], isFinal, new JsonReaderState(ReaderOptions));
        (end, error) = (data.Length, "");
        try
        {
            if (!reader.Read())
            {
                if (!isFinal) return Measured.RunsPastTheEnd;
                error = "no JSON value";
                return Measured.NotAValue;
            }
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                end = start + (int)reader.BytesConsumed;
                error = $"a record must be a JSON object, found {Describe(reader.TokenType)}";
                return Measured.NotAValue;
            }
            if (!reader.TrySkip()) return Measured.RunsPastTheEnd;
            end = start + (int)reader.BytesConsumed;
            return Measured.Value;
        }
        catch (JsonException ex)
        {
            error = OneLine(ex.Message);
            return Measured.NotAValue;
        }
    }

    /// <summary>
    /// Null when the record's text is readable, else why not. The parser checks a record's structure only, so
    /// two faults pass it that would fail reading a field (and replace characters in raw_event): bytes that
    /// are not UTF-8 (JSON text is UTF-8, RFC 8259), and a <c>\uD800</c>-style escape of half a surrogate pair,
    /// which is no character at all. Such a record is malformed and kept whole in quarantine.
    /// </summary>
    private static string? TextError(ReadOnlySpan<byte> record, long recordOffset)
    {
        if (!System.Text.Unicode.Utf8.IsValid(record))
        {
            System.Text.Unicode.Utf8.ToUtf16(record, new char[record.Length], out var valid, out _, replaceInvalidSequences: false);
            return $"malformed JSON (not valid UTF-8: the byte at {recordOffset + valid}, 0x{record[valid]:X2}, does not start or continue a UTF-8 sequence)";
        }
        var unpaired = UnpairedSurrogateEscape(record);
        return unpaired < 0 ? null
            : $"malformed JSON (the escape {System.Text.Encoding.ASCII.GetString(record.Slice(unpaired, 6))} at byte {recordOffset + unpaired} is half of a UTF-16 surrogate pair with no other half, not a character)";
    }

    /// <summary>Where the first \u escape of an unpaired surrogate starts; -1 when there is none (the usual case: no \u at all).</summary>
    private static int UnpairedSurrogateEscape(ReadOnlySpan<byte> record)
    {
        var expectLow = -1; // where a high surrogate's escape started, while the next escape must be its low half
        for (var i = record.IndexOf("\\u"u8); i >= 0; )
        {
            // An escape when preceded by an even run of backslashes (in the text \\u is an escaped backslash, then a plain u).
            var run = 0;
            while (i - run - 1 >= 0 && record[i - run - 1] == (byte)'\\') run++;
            if (run % 2 == 0 && i + 6 <= record.Length && ushort.TryParse(record.Slice(i + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var unit))
            {
                var high = unit is >= 0xD800 and <= 0xDBFF;
                var low = unit is >= 0xDC00 and <= 0xDFFF;
                if (expectLow >= 0 && !(low && i == expectLow + 6)) return expectLow;
                if (expectLow < 0 && low) return i;
                expectLow = high ? i : -1;
                i += 6;
            }
            else
            {
                if (expectLow >= 0) return expectLow;
                i += 2;
            }
            if (i >= record.Length) break;
            var next = record[i..].IndexOf("\\u"u8);
            if (next < 0) break;
            // Anything between a high half and the next escape means the high half stands alone.
            if (expectLow >= 0 && next > 0) return expectLow;
            i += next;
        }
        return expectLow;
    }

    /// <summary>
    /// Finds where the next record starts after a malformed one: the first <c>{</c> from which a whole object
    /// parses and is followed by nothing or by another record. An object nested inside the broken record is
    /// followed by <c>,</c>, <c>]</c> or <c>}</c>, so it is not mistaken for a record. When more data follows
    /// (<paramref name="isFinal"/> false), an object that runs past the data's end, or that nothing follows in it,
    /// cannot be told from a nested one yet: -1.
    /// </summary>
    private static int Resync(ReadOnlySpan<byte> data, int from, bool isFinal)
    {
        for (var i = data[from..].IndexOf((byte)'{'); i >= 0; )
        {
            var candidate = from + i;
            switch (Measure(data, candidate, isFinal, out var end, out _))
            {
                case Measured.Value:
                    var after = SkipWhitespace(data, end);
                    if (after == data.Length) return isFinal ? candidate : -1;
                    if (data[after] is (byte)'{' or (byte)'[') return candidate;
                    break;
                case Measured.RunsPastTheEnd:
                    return -1;
            }
            var rest = data[(candidate + 1)..].IndexOf((byte)'{');
            i = rest < 0 ? -1 : candidate + 1 + rest - from;
        }
        return isFinal ? data.Length : -1;
    }

    /// <summary>
    /// Where an object's JSON starts: after a UTF-8 byte order mark, which some Windows tools write and JSON
    /// readers may ignore (RFC 8259, 8.1), and after whitespace.
    /// </summary>
    public static int ContentStart(ReadOnlySpan<byte> data) => SkipWhitespace(data, data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0);

    private static int SkipWhitespace(ReadOnlySpan<byte> data, int pos)
    {
        while (pos < data.Length && data[pos] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') pos++;
        return pos;
    }

    private static int TrimEnd(ReadOnlySpan<byte> data, int start, int end)
    {
        while (end > start && data[end - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') end--;
        return end;
    }

    // The parser quotes the offending text, which can span lines: keep reasons on one short line.
    private static string OneLine(string message)
    {
        var text = string.Join(' ', message.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 197), "...");
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>Counts lines incrementally, since records are visited in order.</summary>
    private struct LineCounter(int firstLine)
    {
        private readonly int _firstLine = Math.Max(1, firstLine);
        private int _offset;
        private int _line;

        public int LineAt(ReadOnlySpan<byte> data, int offset)
        {
            if (_line == 0) _line = _firstLine;
            if (offset < _offset) { _offset = 0; _line = _firstLine; }
            _line += data[_offset..offset].Count((byte)'\n');
            _offset = offset;
            return _line;
        }
    }
}
