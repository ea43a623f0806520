using System.Globalization;
using System.Text.Json;

namespace Analytics.Ingest.Collect;

/// <summary>
/// A response page as the collector stores it, and as the router reads it back (<c>RecordRouter</c>):
/// <c>{"collected": {source, operation, observed_at, account?, request, check?}, "response": …}</c>, under
/// <c>SOURCE/yyyy/MM/dd/HH/TIME-SEQ-OPERATION.json</c>. The generator writes its pages with it too.
/// </summary>
internal static class CollectedPage
{
    /// <summary>The page's key below the folder of collected pages.</summary>
    public static string Key(string source, DateTime observed, int sequence, string operation) =>
        string.Create(CultureInfo.InvariantCulture, $"{source}/{observed:yyyy/MM/dd/HH}/{observed:yyyyMMdd'T'HHmmssfff'Z'}-{sequence:D5}-{operation}.json");

    /// <summary>
    /// The page's JSON: the call's <paramref name="request"/>, when it was <paramref name="observed"/> and, for a Trusted
    /// Advisor result, its <paramref name="check"/>'s definition (whose column names key the resources' values), and the
    /// <paramref name="account"/> whose view it is (the caller's), when known.
    /// </summary>
    public static byte[] Serialize(string source, string operation, DateTime observed, JsonElement request, JsonElement? check, JsonElement response, string? account = null)
    {
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartObject("collected");
            json.WriteString("source", source);
            json.WriteString("operation", operation);
            json.WriteString("observed_at", observed.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            if (account is not null) json.WriteString("account", account);
            json.WritePropertyName("request");
            request.WriteTo(json);
            if (check is { } definition)
            {
                json.WritePropertyName("check");
                definition.WriteTo(json);
            }
            json.WriteEndObject();
            json.WritePropertyName("response");
            response.WriteTo(json);
            json.WriteEndObject();
        }
        return body.ToArray();
    }
}
