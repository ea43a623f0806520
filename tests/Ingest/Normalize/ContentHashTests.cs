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
}
