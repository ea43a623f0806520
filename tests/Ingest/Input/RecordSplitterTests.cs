using System.IO.Compression;
using System.Text;
using Analytics.Ingest.Input;

namespace Analytics.Tests.Ingest.Input;

public class RecordSplitterTests
{
    private static List<string> Texts(string input, out List<RecordSegment> segments)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        segments = RecordSplitter.Split(bytes);
        return segments.Select(s => Encoding.UTF8.GetString(bytes, s.Start, s.Length)).ToList();
    }

    [Fact]
    public void Split_ConcatenatedWithoutDelimiter_YieldsEachObject()
    {
        var texts = Texts("""{"a":1}{"b":{"c":[1,2]}}{"d":"}{"}""", out var segments);
        Assert.Equal(["""{"a":1}""", """{"b":{"c":[1,2]}}""", """{"d":"}{"}"""], texts);
        Assert.All(segments, s => Assert.True(s.IsWellFormed));
        Assert.Equal([1, 2, 3], segments.Select(s => s.Position.Ordinal));
    }

    [Fact]
    public void Split_NewlineDelimited_ReportsLinesAndOffsets()
    {
        var texts = Texts("{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n", out var segments);
        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"], texts);
        Assert.Equal([1, 2, 4], segments.Select(s => s.Position.Line));
        Assert.Equal([0L, 8L, 18L], segments.Select(s => s.Position.ByteOffset));
    }

    [Fact]
    public void Split_JsonArrayDocument_YieldsElements()
    {
        var texts = Texts("""[ {"a":1} , {"b":2} ]""", out _);
        Assert.Equal(["""{"a":1}""", """{"b":2}"""], texts);
    }

    [Fact]
    public void Split_TruncatedRecordBetweenConcatenatedRecords_QuarantinesOnlyTheTruncatedBytes()
    {
        // The middle record is cut inside a string, inside a nested object: the next record begins mid-string.
        var input = """{"id":"1","detail":{"x":1}}{"id":"2","detail":{"nested":{"y":2},"reas{"id":"3","detail":{"z":3}}""";
        var texts = Texts(input, out var segments);
        Assert.Equal(3, segments.Count);
        Assert.True(segments[0].IsWellFormed);
        Assert.False(segments[1].IsWellFormed);
        Assert.Equal("""{"id":"2","detail":{"nested":{"y":2},"reas""", texts[1]);
        Assert.Contains("malformed JSON", segments[1].Error);
        Assert.Equal("""{"id":"3","detail":{"z":3}}""", texts[2]);
        Assert.True(segments[2].IsWellFormed);
    }

    [Fact]
    public void Split_BrokenPrettyPrintedDocument_IsOneMalformedSegment()
    {
        // Nested objects followed by ',' or ']' must not be taken for records.
        var texts = Texts("{\n \"a\": [\n  {\"b\": 1},\n  {\"c\": 2}\n ],\n \"d\": ...\n}\n", out var segments);
        Assert.Single(segments);
        Assert.False(segments[0].IsWellFormed);
    }

    [Fact]
    public void Split_ScalarAtTopLevel_IsMalformedWithReason()
    {
        Texts("42 {\"a\":1}", out var segments);
        Assert.Contains("must be a JSON object, found a number", segments[0].Error);
        Assert.True(segments[1].IsWellFormed);
    }

    [Fact]
    public void Split_RecordWithInvalidUtf8_IsMalformedNamingTheByte()
    {
        // Well-formed JSON structure, but 0xFF can never appear in UTF-8; "é" is valid two-byte UTF-8.
        byte[] data = [.. "{\"a\":\"é\"}\n{\"b\":\"x"u8, 0xFF, .. "\"}\n{\"c\":1}"u8];
        var segments = RecordSplitter.Split(data);

        Assert.Equal(3, segments.Count);
        Assert.True(segments[0].IsWellFormed);
        Assert.True(segments[2].IsWellFormed);
        Assert.False(segments[1].IsWellFormed);
        Assert.Equal(2, segments[1].Position.Line);
        Assert.Equal("{\"b\":\"x\uFFFD\"}", Encoding.UTF8.GetString(data, segments[1].Start, segments[1].Length));
        Assert.Contains($"not valid UTF-8: the byte at {Array.IndexOf(data, (byte)0xFF)}, 0xFF", segments[1].Error);
    }

    [Fact]
    public void Split_ArrayElementWithInvalidUtf8_IsMalformedAndTheOthersAreNot()
    {
        byte[] data = [.. "[{\"a\":1},{\"b\":\""u8, 0xC3, .. "\"},{\"c\":3}]"u8];
        var segments = RecordSplitter.Split(data);

        Assert.Equal([true, false, true], segments.Select(s => s.IsWellFormed));
        Assert.Contains($"the byte at {Array.IndexOf(data, (byte)0xC3)}, 0xC3", segments[1].Error);
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""", 6)] // a high half alone
    [InlineData("""{"a":"\udc00x"}""", 6)] // a low half alone
    [InlineData("""{"a":"\ud800x\udc00"}""", 6)] // a high half not followed at once by a low one
    [InlineData("""{"a":"ok \ud83d\ude00","\ud800":1}""", 24)] // a valid pair (an emoji), then a bad property name
    [InlineData("""{"a":"\ud83d\ud83d\ude00"}""", 6)] // a high half followed by another high half
    public void Split_UnpairedSurrogateEscape_IsMalformedNamingTheEscape(string json, int at)
    {
        var segment = Assert.Single(RecordSplitter.Split(Encoding.UTF8.GetBytes(json)));

        Assert.False(segment.IsWellFormed);
        Assert.Contains($"at byte {at} is half of a UTF-16 surrogate pair", segment.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":"\ud83d\ude00 and \u00e9 and \u0041"}""")] // a pair and plain escapes
    [InlineData("""{"a":"\\ud800"}""")] // an escaped backslash, then the letters ud800
    [InlineData("""{"a":"\\\ud83d\ude00"}""")] // an escaped backslash, then a pair
    [InlineData("""{"a":"x","b":"\ud83d\ude00"}""")] // a pair at the end of the record
    public void Split_ValidEscapes_AreWellFormed(string json) =>
        Assert.True(Assert.Single(RecordSplitter.Split(Encoding.UTF8.GetBytes(json))).IsWellFormed);

    [Fact]
    public void Split_NestingDeeperThanTheLimit_IsMalformedAndTheLimitItselfIsNot()
    {
        static string Nested(int depth) => "{\"a\":" + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        var segments = RecordSplitter.Split(Encoding.UTF8.GetBytes(Nested(RecordSplitter.MaxDepth) + "\n" + Nested(RecordSplitter.MaxDepth + 1)));

        Assert.True(segments[0].IsWellFormed);
        Assert.False(segments[1].IsWellFormed);
        Assert.Contains("depth", segments[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_ByteOrderMark_IsSkippedAtTheObjectsStartOnly()
    {
        byte[] data = [0xEF, 0xBB, 0xBF, .. "{\"a\":1}\n"u8, 0xEF, 0xBB, 0xBF, .. "{\"b\":2}"u8];
        var segments = RecordSplitter.Split(data);

        Assert.Equal([true, false, true], segments.Select(s => s.IsWellFormed));
        Assert.Equal(3, segments[0].Start);
        Assert.Equal(1, segments[0].Position.Ordinal);
        // Later in the object the mark is not a mark but three stray bytes.
        Assert.Equal(3, segments[1].Length);
    }

    [Fact]
    public void FromBytes_GzipWithoutExtension_IsDetectedByMagicBytes()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write("{\"a\":1}"u8);
        var input = InputObject.FromBytes("2026/11/02/14/stream-1-2026-11-02-14-00-00-uuid", compressed.ToArray(), DateTime.UnixEpoch);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(input.Data.Span));
        Assert.Null(input.DecompressionError);
    }

    private static byte[] GzipOfRecords(int count)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            for (var i = 0; i < count; i++) gzip.Write(Encoding.UTF8.GetBytes($"{{\"id\":\"{i}\",\"pad\":\"{Guid.NewGuid()}\"}}"));
        return compressed.ToArray();
    }

    [Fact]
    public void FromBytes_TruncatedGzip_KeepsWhatDecompressedAndTheCutRecordIsMalformed()
    {
        var bytes = GzipOfRecords(2000);
        var input = InputObject.FromBytes("cut.gz", bytes[..(bytes.Length / 2)], DateTime.UnixEpoch);
        var segments = RecordSplitter.Split(input.Data.Span);
        Assert.True(segments.Count > 100);
        Assert.All(segments.SkipLast(1), s => Assert.True(s.IsWellFormed));
        // Unless the cut fell exactly between records, the last one is incomplete and quarantined.
        var last = segments[^1];
        Assert.True(!last.IsWellFormed || input.Data.Span[^1] == (byte)'}');
        // GZipStream itself says nothing at a cut; the missing trailer does.
        Assert.StartsWith("gzip stream is truncated: it ends after ", input.DecompressionError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void FromBytes_GzipCutInsideItsTrailer_IsTruncated(int cut)
    {
        var bytes = GzipOfRecords(50);
        Assert.Null(InputObject.FromBytes("whole.gz", bytes, DateTime.UnixEpoch).DecompressionError);
        var input = InputObject.FromBytes("cut.gz", bytes[..^cut], DateTime.UnixEpoch);
        Assert.NotNull(input.DecompressionError);
    }

    [Fact]
    public void FromBytes_ConcatenatedGzipMembers_AreWhole()
    {
        var bytes = GzipOfRecords(30).Concat(GzipOfRecords(20)).ToArray();
        var input = InputObject.FromBytes("two-members.gz", bytes, DateTime.UnixEpoch);
        Assert.Null(input.DecompressionError);
        Assert.Equal(50, RecordSplitter.Split(input.Data.Span).Count);
    }

    [Fact]
    public void FromBytes_CorruptGzip_ReportsTheDecompressionError()
    {
        var bytes = GzipOfRecords(2000);
        for (var i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++) bytes[i] ^= 0x5a;
        var input = InputObject.FromBytes("corrupt.gz", bytes, DateTime.UnixEpoch);
        Assert.NotNull(input.DecompressionError);
        Assert.Contains("gzip stream is corrupt or truncated", input.DecompressionError);
    }

    [Fact]
    public void FromBytes_GzipDecompressingPastTheLimit_IsAnErrorNamingTheObject()
    {
        var bytes = GzipOfRecords(2000);
        using var whole = InputObject.FromBytes("ok.gz", bytes, DateTime.UnixEpoch);
        var size = whole.Data.Length;
        Assert.True(bytes.Length < size - 1);

        // Exactly at the limit it reads whole; one byte under, the stored size passes but the decompressed does not.
        using (var exact = InputObject.FromBytes("exact.gz", bytes, DateTime.UnixEpoch, maxBytes: size))
            Assert.Equal(size, exact.Data.Length);
        var ex = Assert.Throws<InputTooLargeException>(() => InputObject.FromBytes("bomb.gz", bytes, DateTime.UnixEpoch, maxBytes: size - 1));
        Assert.Contains("'bomb.gz'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("decompressed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--max-object-mb", ex.Message, StringComparison.Ordinal);
    }
}
