using System.Text.Json.Serialization;

namespace Analytics.Aws.Support;

/// <summary>DescribeCases' input (Support model 2013-04-15).</summary>
public sealed record DescribeCasesRequest(
    [property: JsonPropertyName("afterTime")] string? AfterTime,
    [property: JsonPropertyName("includeResolvedCases")] bool IncludeResolvedCases = true,
    [property: JsonPropertyName("includeCommunications")] bool IncludeCommunications = false,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = SupportClient.PageSize,
    [property: JsonPropertyName("language")] string Language = "en");

/// <summary>DescribeCommunications' input.</summary>
public sealed record DescribeCommunicationsRequest(
    [property: JsonPropertyName("caseId")] string CaseId,
    [property: JsonPropertyName("afterTime")] string? AfterTime,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = SupportClient.PageSize);

/// <summary>The AWS Support operations this project uses, page after page; responses kept as their JSON.</summary>
public sealed class SupportClient(AwsJsonClient client)
{
    /// <summary>Items per page asked for: the model's maximum.</summary>
    public const int PageSize = 100;

    /// <summary>DescribeCases, resolved cases included, of cases created after <paramref name="createdAfter"/> (ISO 8601), every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeCasesAsync(string? createdAfter, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeCases", token => new DescribeCasesRequest(createdAfter, NextToken: token), cancellationToken);

    /// <summary>DescribeCommunications of a case, those after <paramref name="after"/> (ISO 8601) when given, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeCommunicationsAsync(string caseId, string? after, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeCommunications", token => new DescribeCommunicationsRequest(caseId, after, token), cancellationToken);

}
