using System.Text.Json;
using Analytics.Ingest.Normalize;

namespace Analytics.Tests.Ingest.Normalize;

public sealed class JsonStringsTests
{
    [Theory]
    [InlineData("FARGATE")]
    [InlineData("")]
    [InlineData("arn:aws:ecs:us-east-1:123456789012:cluster/prod")]
    [InlineData("with \\\"quotes\\\" and \\\\ escapes")]
    [InlineData("caf\\u00e9 \\ud83d\\ude00")]
    [InlineData("pagos-ñ-支付")]
    [InlineData("a line\\nbreak")]
    public void Get_SameValueAsGetString(string json)
    {
        using var doc = JsonDocument.Parse($"[\"{json}\"]");
        var element = doc.RootElement[0];
        Assert.Equal(element.GetString(), JsonStrings.Get(element));
    }

    [Fact]
    public void Get_LongValue_SameAsGetString()
    {
        var value = new string('x', 5000);
        using var doc = JsonDocument.Parse($"\"{value}\"");
        Assert.Equal(value, JsonStrings.Get(doc.RootElement));
    }

    [Fact]
    public void Get_RepeatedShortAsciiValue_IsOneSharedString()
    {
        using var first = JsonDocument.Parse("{\"a\":\"us-east-1a\",\"b\":\"us-east-1a\"}");
        using var second = JsonDocument.Parse("{\"c\":\"us-east-1a\"}");
        var a = JsonStrings.Get(first.RootElement.GetProperty("a"));
        Assert.Same(a, JsonStrings.Get(first.RootElement.GetProperty("b")));
        Assert.Same(a, JsonStrings.Get(second.RootElement.GetProperty("c")));
    }

    [Fact]
    public void Get_ManyDistinctValues_EachReadsAsItself()
    {
        // Values that evict each other from the cache's slots still read back exactly.
        var values = Enumerable.Range(0, 20_000).Select(i => $"v{i}").ToList();
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(values));
        for (var round = 0; round < 2; round++)
            for (var i = 0; i < values.Count; i++)
                Assert.Equal(values[i], JsonStrings.Get(doc.RootElement[i]));
    }
}
