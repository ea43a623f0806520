using System.IO.Compression;
using System.Text;
using Analytics.Ingest.Input;
using Analytics.Generator;

namespace Analytics.Tests.Ingest.Input;

public sealed class ObjectReaderTests
{
    // What a reader yields, window after window, as (position, well-formed, bytes) per record.
    private static async Task<List<string>> ReadInWindowsAsync(byte[] stored, int windowBytes, long maxBytes = int.MaxValue, bool fromFile = false, long? maxRecordBytes = null)
    {
        // From a file, a gzip object's trailer is read again from the file, not from bytes in memory.
        using var temp = fromFile ? Some.TempFolder() : null;
        if (temp is not null) File.WriteAllBytes(temp.Sub("o"), stored);
        using var reader = temp is not null
            ? await ObjectReader.OpenAsync(new FileInfo(temp.Sub("o")), maxBytes, windowBytes)
            : ObjectReader.FromBytes("o", stored, DateTime.UnixEpoch, maxBytes, windowBytes, maxRecordBytes);
        var records = new List<string>();
        while (await reader.NextAsync(CancellationToken.None) is { } window)
            records.AddRange(window.Segments.Select(s => Describe(s, window.Data)));
        records.Add($"error: {reader.DecompressionError}; bytes {reader.BytesRead}");
        return records;
    }

    private static List<string> ReadWhole(byte[] stored)
    {
        using var input = InputObject.FromBytes("o", stored, DateTime.UnixEpoch);
        var records = RecordSplitter.Split(input.Data.Span).Select(s => Describe(s, input.Data)).ToList();
        records.Add($"error: {input.DecompressionError}; bytes {input.Data.Length}");
        return records;
    }

    private static string Describe(RecordSegment s, ReadOnlyMemory<byte> data) =>
        $"{s.Position} {s.Error ?? "ok"} {Encoding.UTF8.GetString(data.Span.Slice(s.Start, s.Length))}";

    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, level, leaveOpen: true)) gzip.Write(data);
        return compressed.ToArray();
    }

    public static TheoryData<int> WindowSizes => [256, 4096, 65536];

    [Theory]
    [MemberData(nameof(WindowSizes))]
    public async Task NextAsync_GeneratedObjects_SameRecordsPositionsAndErrorsAsTheWholeObject(int windowBytes)
    {
        using var temp = Some.TempFolder();
        // Firehose objects: concatenated or newline-delimited, mostly gzip, two with a truncated record.
        new EventGenerator(new GeneratorOptions { Days = 1, TaskEventsPerDay = 400, TruncatedRecords = 2, Seed = 5 }).WriteTo(temp.Path);
        foreach (var file in Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var stored = File.ReadAllBytes(file);
            Assert.Equal(ReadWhole(stored), await ReadInWindowsAsync(stored, windowBytes));
        }
    }

    [Fact]
    public async Task NextAsync_WindowsEndingAnywhere_SameRecordsPositionsAndErrorsAsTheWholeObject()
    {
        // A day of generated objects (events nesting objects and arrays, records cut short) as one plain object, read
        // in windows of each size over a range: window ends fall in every kind of place, in good and broken records.
        using var temp = Some.TempFolder();
        new EventGenerator(new GeneratorOptions { Days = 1, TaskEventsPerDay = 150, TruncatedRecords = 3, Seed = 9 }).WriteTo(temp.Path);
        var stored = Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).SelectMany(file =>
        {
            using var input = InputObject.FromBytes(file, File.ReadAllBytes(file), DateTime.UnixEpoch);
            return input.Data.ToArray().Append((byte)'\n');
        }).ToArray();
        var whole = ReadWhole(stored);
        Assert.Contains(whole, r => r.Contains(" malformed JSON (", StringComparison.Ordinal));
        // Windows of a fixed size (the limit): larger than a broken record and the next one together.
        for (var window = 16_000; window < 16_000 + 101; window++)
            Assert.Equal(whole, await ReadInWindowsAsync(stored, window, maxBytes: window));
    }

    [Theory]
    [MemberData(nameof(WindowSizes))]
    public async Task NextAsync_MalformedRecordsLongRecordsAndLines_SameAsTheWholeObject(int windowBytes)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            text.Append(i % 7 == 3 ? "{\"broken\": " : $"{{\"i\":{i},\"pad\":\"{new string('x', i % 11 == 0 ? 3000 : 40)}\"}}");
            text.Append(i % 3 == 0 ? "\n" : i % 3 == 1 ? "\r\n\n" : "");
        }
        var plain = Encoding.UTF8.GetBytes(text.ToString());
        Assert.Equal(ReadWhole(plain), await ReadInWindowsAsync(plain, windowBytes));
        var gzip = Gzip(plain);
        Assert.Equal(ReadWhole(gzip), await ReadInWindowsAsync(gzip, windowBytes));
    }

    [Fact]
    public async Task NextAsync_DocumentThatIsOneArray_IsSplitWhole()
    {
        var array = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 200).Select(i => $"{{\"i\":{i}}}")) + "]");
        var records = await ReadInWindowsAsync(array, 256);
        Assert.Equal(201, records.Count);
        Assert.Equal(ReadWhole(array), records);
    }

    [Theory]
    [MemberData(nameof(WindowSizes))]
    public async Task NextAsync_ByteOrderMark_IsSkippedForRecordsAndForArrayDocuments(int windowBytes)
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var lines = Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 100).Select(i => $"{{\"i\":{i}}}")));
        var array = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $"{{\"i\":{i}}}")) + "]");
        foreach (var stored in new[] { (byte[])[.. bom, .. lines], [.. bom, .. array], Gzip([.. bom, .. lines]) })
        {
            var records = await ReadInWindowsAsync(stored, windowBytes);

            Assert.Equal(ReadWhole(stored), records);
            Assert.Equal(101, records.Count);
            Assert.All(records.SkipLast(1), r => Assert.Contains(" ok {\"i\":", r, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NextAsync_GzipMembersConcatenated_AreWholeAndTruncationIsReported(bool fromFile)
    {
        var first = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 300).Select(i => $"{{\"a\":{i}}}\n")));
        var second = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 200).Select(i => $"{{\"b\":{i}}}\n")));
        var members = Gzip(first).Concat(Gzip(second)).ToArray();
        var whole = await ReadInWindowsAsync(members, 512, fromFile: fromFile);
        Assert.Equal(501, whole.Count);
        Assert.Equal($"error: ; bytes {first.Length + second.Length}", whole[^1]);
        Assert.Equal($"error: ; bytes {first.Length}", (await ReadInWindowsAsync(Gzip(first), 512, fromFile: fromFile))[^1]);

        var cut = await ReadInWindowsAsync(members[..^6], 512, fromFile: fromFile);
        Assert.StartsWith("error: gzip stream is truncated", cut[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextAsync_LastGzipMemberStartingFarFromTheEnd_IsFoundWhereverItsMagicNumberFalls()
    {
        // The last member's start is looked for backwards from the end, 64 KiB at a time: a member of incompressible
        // bytes just over 64 KiB puts its magic number across the first two chunks for some sizes. Every size around
        // them is tried, from a file and from bytes; a number missed there would report the object truncated.
        var first = Gzip(Encoding.UTF8.GetBytes("{\"a\":1}\n"));
        var random = new Random(7);
        var crossings = 0;
        // Stored and "optimal" deflate of random bytes: the member is the payload plus a few dozen bytes.
        foreach (var (size, level) in from size in Enumerable.Range(65_500, 40) from level in new[] { CompressionLevel.NoCompression, CompressionLevel.Optimal } select (size, level))
        {
            var payload = new byte[size];
            random.NextBytes(payload);
            var last = Gzip(payload, level);
            // The search starts 18 bytes before the end (header and trailer); a number starting 1 or 2 bytes before the
            // first chunk's start spans both.
            var beforeFirstChunk = first.Length + last.Length - 18 - 65_536 - first.Length;
            if (beforeFirstChunk is 1 or 2) crossings++;
            var stored = first.Concat(last).ToArray();
            foreach (var fromFile in new[] { false, true })
                Assert.Equal($"error: ; bytes {8 + size}", (await ReadInWindowsAsync(stored, 1 << 20, fromFile: fromFile))[^1]);
        }
        Assert.True(crossings >= 2, $"only {crossings} sizes put the magic number across two chunks");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NextAsync_WindowEndingRightAfterANestedObject_KeepsTheRecordWhole(bool afterAMalformedRecord)
    {
        // A window that ends just after an object nested in a record once made the record look truncated, and the
        // nested object look like the next record (it parses, and nothing follows it in the window): a good event was
        // quarantined in three pieces. Every window end after the first record is tried (the limit is the window:
        // windows are otherwise rented in powers of two, and would not grow here anyway, each record being smaller).
        var first = afterAMalformedRecord ? "{\"cut\":{\"short\":" : "{\"pad\":\"" + new string('x', 40) + "\"}";
        var stored = Encoding.UTF8.GetBytes(first + "\n{\"detail\":{\"a\":{\"b\":1},\"c\":[{\"d\":2}]}\n}\n{\"next\":{\"e\":3}}\n");
        var whole = ReadWhole(stored);
        Assert.Equal(4, whole.Count);
        Assert.StartsWith("record 2 (line 2, byte ", whole[1], StringComparison.Ordinal);
        Assert.Contains(") ok {\"detail\"", whole[1], StringComparison.Ordinal);
        for (var window = 64; window < stored.Length; window++)
            Assert.Equal(whole, await ReadInWindowsAsync(stored, window, maxBytes: window));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NextAsync_RecordLargerThanTheLimit_IsATooLargeSegmentOfItsFirstBytes_AndTheRestIsRead(bool gzip)
    {
        // Brackets and escaped quotes inside its strings must not end it early.
        var big = "{\"big\":\"" + new string('x', 10_000) + "\\\"}]\", \"n\":[1,{\"x\":\"}\"}],\n\"m\":\"" + new string('y', 5_000) + "\"}";
        var plain = Encoding.UTF8.GetBytes("{\"a\":1}\n" + big + "\n{\"b\":2}\n{\"c\":3}");
        var stored = gzip ? Gzip(plain) : plain;
        var whole = ReadWhole(stored);
        Assert.Equal(5, whole.Count);
        foreach (var window in new[] { 256, 1000, 4096 })
        {
            var records = await ReadInWindowsAsync(stored, window, maxBytes: 1 << 20, maxRecordBytes: 4096);
            // The records around it, their positions and the object's byte count are those of the whole object.
            Assert.Equal([whole[0], whole[2], whole[3], whole[4]], [records[0], records[2], records[3], records[4]]);
            Assert.StartsWith($"record 2 (line 2, byte 8) record too large: {Encoding.UTF8.GetByteCount(big):N0} bytes, more than the 0 MiB allowed", records[1], StringComparison.Ordinal);
            Assert.EndsWith(" {\"big\":\"" + new string('x', 1024 - 8), records[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NextAsync_RecordLargerThanTheLimitRunningToTheEnd_IsTooLargeByAtLeastWhatWasRead()
    {
        var stored = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"cut\":\"" + new string('x', 10_000));
        var records = await ReadInWindowsAsync(stored, 256, maxBytes: 1 << 20, maxRecordBytes: 4096);
        Assert.Equal(3, records.Count);
        Assert.StartsWith("record 2 (line 2, byte 8) record too large: at least 10,008 bytes", records[1], StringComparison.Ordinal);
        Assert.Equal($"error: ; bytes {stored.Length}", records[2]);
    }

    [Fact]
    public async Task NextAsync_ArrayDocumentLargerThanTheLimit_IsAnErrorNamingTheObject()
    {
        var stored = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"{{\"i\":{i}}}")) + "]");
        var ex = await Assert.ThrowsAsync<InputTooLargeException>(() => ReadInWindowsAsync(stored, 256, maxBytes: 4096));
        Assert.Contains("'o'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("as one JSON document", ex.Message, StringComparison.Ordinal);
        // The window grows to hold it when the limit allows.
        Assert.Equal(2001, (await ReadInWindowsAsync(stored, 256, maxBytes: 1 << 20)).Count);
    }
}
