using System.Text.Json;
using Analytics.Ingest.Normalize;

namespace Analytics.Tests.Ingest.Normalize;

public class TimestampsTests
{
    [Theory]
    [InlineData("2023-05-02T14:19:14Z", 0)]
    [InlineData("2023-05-02T14:19:14.9Z", 900)]
    [InlineData("2023-05-02T14:19:14.98Z", 980)]
    [InlineData("2023-05-02T14:19:14.980Z", 980)]
    [InlineData("2023-05-02T14:19:14.987654321Z", 987)]
    public void TryParse_IsoWithZeroToNineFractionDigits_KeepsMilliseconds(string text, int millis)
    {
        Assert.True(Timestamps.TryParse(text, out var t));
        Assert.Equal(new DateTime(2023, 5, 2, 14, 19, 14, millis, DateTimeKind.Utc), t);
        Assert.Equal(DateTimeKind.Utc, t.Kind);
    }

    [Fact]
    public void TryParse_IsoWithOffset_ConvertsToUtc()
    {
        Assert.True(Timestamps.TryParse("2023-05-02T16:19:14.5+02:00", out var t));
        Assert.Equal(new DateTime(2023, 5, 2, 14, 19, 14, 500, DateTimeKind.Utc), t);
    }

    [Theory]
    [InlineData("Fri, 3 Jun 2022 05:01:10 GMT", 2022, 6, 3, 5, 1, 10)]
    [InlineData("Sat, 11 Jun 2016 05:01:10 GMT", 2016, 6, 11, 5, 1, 10)]
    // Published with a weekday that does not match the date (27 Jan 2026 is a Tuesday): the date wins.
    [InlineData("Thu, 27 Jan 2026 13:44:13 GMT", 2026, 1, 27, 13, 44, 13)]
    public void TryParse_Rfc1123_IsUtc(string text, int y, int mo, int d, int h, int mi, int s)
    {
        Assert.True(Timestamps.TryParse(text, out var t));
        Assert.Equal(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc), t);
    }

    [Theory]
    // RFC 1123 as AWS and HTTP also write it (RFC 5322 §3.3): no weekday, a numeric zone, UT/UTC.
    [InlineData("3 Jun 2022 05:01:10 GMT")]
    [InlineData("Fri, 3 Jun 2022 05:01:10 +0000")]
    [InlineData("3 Jun 2022 05:01:10 +0000")]
    [InlineData("Fri, 3 Jun 2022 05:01:10 UTC")]
    [InlineData("03 Jun 2022 05:01:10 UT")]
    [InlineData("Fri, 3 Jun 2022 07:01:10 +0200")]
    [InlineData("Thu, 2 Jun 2022 22:01:10 -0700")]
    // ISO 8601 offsets without a colon, or hours alone.
    [InlineData("2022-06-03T07:01:10+0200")]
    [InlineData("2022-06-03T07:01:10+02")]
    [InlineData("2022-06-03T00:01:10-0500")]
    public void TryParse_OtherZoneAndWeekdayForms_AreTheSameInstant(string text)
    {
        Assert.True(Timestamps.TryParse(text, out var t), text);
        Assert.Equal(new DateTime(2022, 6, 3, 5, 1, 10, DateTimeKind.Utc), t);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(text));
        Assert.True(Timestamps.TryParse(doc.RootElement, out var fromJson), text);
        Assert.Equal(t, fromJson);
    }

    [Theory]
    [InlineData("1589086345.905", 2020, 5, 10, 4, 52, 25, 905)]
    [InlineData("1588356000.0", 2020, 5, 1, 18, 0, 0, 0)]
    [InlineData("1588356000", 2020, 5, 1, 18, 0, 0, 0)]
    public void TryParse_EpochSecondsWithFractions_IsUtc(string json, int y, int mo, int d, int h, int mi, int s, int ms)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.True(Timestamps.TryParse(doc.RootElement, out var t));
        Assert.Equal(new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Utc), t);
    }

    [Theory]
    [InlineData("string")]
    [InlineData("2023-05-02T14:19:14")]          // no zone: ambiguous
    [InlineData("2023-02-30T00:00:00Z")]          // no such day
    [InlineData("2023-05-02T14:19:14.Z")]
    [InlineData("2023-05-02T14:19:14.1234567890Z")] // ten fraction digits
    [InlineData("2023-05-02T14:19:14+2")]
    [InlineData("2023-05-02T14:19:14+02:0")]
    [InlineData("3 Jun 2022 05:01:10 CEST")]
    [InlineData("3 Jun 2022 05:01:10")]
    [InlineData("")]
    public void TryParse_Invalid_ReturnsFalse(string text) => Assert.False(Timestamps.TryParse(text, out _));

    [Theory]
    [InlineData("2023-05-02T14:19:14Z")]
    [InlineData("2023-05-02T14:19:14.987654321Z")]
    [InlineData("2023-05-02T16:19:14.5+02:00")]
    [InlineData("2023-05-02 14:19:14.98Z")]
    [InlineData("2023-05-02T14:19:14")]
    [InlineData("2023-02-30T00:00:00Z")]
    [InlineData("2023-05-02T14:19:14.1234567890Z")]
    [InlineData("Fri, 3 Jun 2022 05:01:10 GMT")]
    [InlineData("2023-05-02T14:19:14\\u002E98Z")]  // an escape: read through the string, not the bytes
    [InlineData("2023-05-02T14:19:14.98Z\\u00e9")]
    public void TryParse_JsonString_SameAsItsText(string escaped)
    {
        using var doc = JsonDocument.Parse($"\"{escaped}\"");
        var text = doc.RootElement.GetString()!;
        Assert.Equal(Timestamps.TryParse(text, out var expected), Timestamps.TryParse(doc.RootElement, out var actual));
        Assert.Equal(expected, actual);
    }
}
