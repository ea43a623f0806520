using System.Security.Cryptography;
using System.Text;
using Analytics.Ingest.Normalize;

namespace Analytics.Tests.Ingest.Normalize;

public sealed class ContentHashTests
{
    private static string Of(string json) => ContentHash.Of(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Of_IsPinned_RecordIdsInExistingLakesStayValid()
    {
        // SHA-256 of {"a":[1,2],"b":"x y\" z"}, first 8 bytes, computed outside .NET (Python hashlib).
        Assert.Equal("35b5f0d66a33e09e", Of("{\"a\": [1, 2], \"b\": \"x y\\\" z\"}"));
    }

    [Fact]
    public void Of_WhitespaceOutsideStringsIgnored_InsideStringsKept()
    {
        Assert.Equal(Of("{\"a\":1,\"b\":[true,null]}"), Of("{\n  \"a\" : 1,\r\n\t\"b\": [ true, null ]\n}"));
        Assert.NotEqual(Of("{\"a\":\"x y\"}"), Of("{\"a\":\"xy\"}"));
    }

    [Fact]
    public void Of_LargeDocument_SameAsHashOfItsSignificantBytes()
    {
        var compact = "{\"items\":[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"{{\"n\":{i},\"s\":\"v {i}\"}}")) + "]}";
        var pretty = compact.Replace(",", ",\n    ", StringComparison.Ordinal).Replace(":", ": ", StringComparison.Ordinal);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(compact))[..8]);
        Assert.True(pretty.Length > 4096);
        Assert.Equal(expected, Of(pretty));
    }

    [Fact]
    public void Of_SameDigestAsByteByByteDefinition_OnEscapesQuotesAndWhitespaceAnywhere()
    {
        // The definition, one byte at a time: outside strings whitespace is dropped; inside, everything is kept
        // and a backslash takes the next byte with it (so \" does not end the string).
        static string Reference(byte[] json)
        {
            var kept = new List<byte>();
            var (inString, escaped) = (false, false);
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
                kept.Add(b);
            }
            return Convert.ToHexStringLower(SHA256.HashData(kept.ToArray())[..8]);
        }

        var random = new Random(7);
        var alphabet = "\"\\ \n\r\tab{}:,[]1é"u8.ToArray();
        for (var i = 0; i < 2000; i++)
        {
            var json = new byte[random.Next(0, i < 1000 ? 40 : 6000)];
            for (var k = 0; k < json.Length; k++) json[k] = alphabet[random.Next(alphabet.Length)];
            Assert.Equal(Reference(json), ContentHash.Of(json));
        }
        // Compact JSON whose strings hold spaces (as delivered events do), sometimes with one space between tokens.
        for (var i = 0; i < 2000; i++)
        {
            var json = new StringBuilder("{");
            for (var k = random.Next(1, 30); k > 0; k--)
            {
                json.Append(random.Next(3) == 0 ? "\"a b\t c\":" : "\"k\":").Append(random.Next(4) == 0 ? "[1,\"x y\"]" : "\"v\"").Append(',');
                if (random.Next(40) == 0) json.Append(random.Next(2) == 0 ? ' ' : '\n');
            }
            json.Append("\"end\":0}");
            var bytes = Encoding.UTF8.GetBytes(json.ToString());
            Assert.Equal(Reference(bytes), ContentHash.Of(bytes));
        }
    }
}
