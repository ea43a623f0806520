using System.Text.Json;

namespace Analytics.Ingest.Input;

/// <summary>
/// Splits an input object into JSON records: newline-delimited, a JSON array, or objects concatenated with
/// no delimiter at all (Firehose's default). A malformed record becomes one error segment and splitting
/// resumes at the next record, so one bad record never costs the rest of the object.
/// </summary>
public static class RecordSplitter
{
    /// <summary>How deeply a record may nest; deeper is malformed. The router parses records with the same limit.</summary>
    public const int MaxDepth = 128;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth };

    /// <summary>Splits <paramref name="data"/> into segments, in order, covering every non-blank byte once.</summary>
    public static List<RecordSegment> Split(ReadOnlySpan<byte> data) => Split(data, default);

    /// <summary>
    /// Splits a window of a larger object: segments' <see cref="RecordSegment.Start"/> index
    /// <paramref name="data"/>, while their positions (and the byte offsets in error messages) count from the
    /// object's start, <paramref name="at"/> being where the window starts.
    /// </summary>
    public static List<RecordSegment> Split(ReadOnlySpan<byte> data, WindowStart at)
    {
        var segments = new List<RecordSegment>();
        var lines = new LineCounter(at.Line);
        var pos = at.ByteOffset == 0 ? ContentStart(data) : SkipWhitespace(data, 0);
        // A document that is one JSON array holds its records as elements.
        if (pos < data.Length && data[pos] == (byte)'[' && TryMeasure(data, pos, out var arrayEnd, out _)
            && SkipWhitespace(data, arrayEnd) == data.Length)
        {
            SplitArray(data, pos, arrayEnd, segments, ref lines, at);
            return segments;
        }
        while (pos < data.Length)
        {
            var position = new RecordPosition(at.Ordinal + segments.Count + 1, at.ByteOffset + pos, lines.LineAt(data, pos));
            if (TryMeasure(data, pos, out var end, out var error))
            {
                segments.Add(new RecordSegment(position, pos, end - pos, TextError(data[pos..end], at.ByteOffset + pos)));
                pos = SkipWhitespace(data, end);
                continue;
            }
            var next = Resync(data, pos + 1);
            var reason = next < data.Length
                ? $"malformed JSON ({error}); the next record starts at byte {at.ByteOffset + next}"
                : $"malformed JSON ({error})";
            segments.Add(new RecordSegment(position, pos, TrimEnd(data, pos, next) - pos, reason));
            pos = SkipWhitespace(data, next);
        }
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

    /// <summary>Measures the JSON value starting at <paramref name="start"/>; false with the parser's message when it is not one.</summary>
    private static bool TryMeasure(ReadOnlySpan<byte> data, int start, out int end, out string error)
    {
        var reader = new Utf8JsonReader(data[start..], ReaderOptions);
        try
        {
            if (!reader.Read()) { end = data.Length; error = "no JSON value"; return false; }
            if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
            {
                end = start + (int)reader.BytesConsumed;
                error = $"a record must be a JSON object, found {Describe(reader.TokenType)}";
                return false;
            }
            reader.Skip();
            end = start + (int)reader.BytesConsumed;
            error = "";
            return true;
        }
        catch (JsonException ex)
        {
            end = data.Length;
            error = OneLine(ex.Message);
            return false;
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
    /// followed by <c>,</c>, <c>]</c> or <c>}</c>, so it is not mistaken for a record.
    /// </summary>
    private static int Resync(ReadOnlySpan<byte> data, int from)
    {
        for (var i = data[from..].IndexOf((byte)'{'); i >= 0; )
        {
            var candidate = from + i;
            if (TryMeasure(data, candidate, out var end, out _))
            {
                var after = SkipWhitespace(data, end);
                if (after == data.Length || data[after] is (byte)'{' or (byte)'[') return candidate;
            }
            var rest = data[(candidate + 1)..].IndexOf((byte)'{');
            i = rest < 0 ? -1 : candidate + 1 + rest - from;
        }
        return data.Length;
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
