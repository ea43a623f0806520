using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Analytics.Aws;

/// <summary>One response page, as the service sent it, with the request it answered.</summary>
/// <param name="Operation">The operation.</param>
/// <param name="Request">The request sent.</param>
/// <param name="Response">The response's JSON.</param>
public sealed record ApiPage(string Operation, object Request, JsonElement Response)
{
    /// <summary>The page's <c>nextToken</c>; null on the last page.</summary>
    public string? NextToken => Response.TryGetProperty("nextToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
}

/// <summary>Paging of the JSON 1.1 operations that answer with a <c>nextToken</c>.</summary>
public static class ApiPages
{
    /// <summary>Every page of <paramref name="operation"/>: <paramref name="request"/> builds each request from the previous page's token.</summary>
    public static async IAsyncEnumerable<ApiPage> PagesAsync(this AwsJsonClient client, string operation, Func<string?, object> request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        string? token = null;
        do
        {
            var sent = request(token);
            var page = new ApiPage(operation, sent, await client.CallAsync(operation, sent, cancellationToken).ConfigureAwait(false));
            yield return page;
            token = page.NextToken;
        }
        while (token is not null);
    }
}
