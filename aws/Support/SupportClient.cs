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

/// <summary>DescribeTrustedAdvisorChecks' input.</summary>
public sealed record DescribeTrustedAdvisorChecksRequest([property: JsonPropertyName("language")] string Language = "en");

/// <summary>DescribeTrustedAdvisorCheckResult's input.</summary>
public sealed record DescribeTrustedAdvisorCheckResultRequest([property: JsonPropertyName("checkId")] string CheckId, [property: JsonPropertyName("language")] string Language = "en");

/// <summary>DescribeTrustedAdvisorCheckSummaries' input.</summary>
public sealed record DescribeTrustedAdvisorCheckSummariesRequest([property: JsonPropertyName("checkIds")] IReadOnlyList<string> CheckIds);

/// <summary>The AWS Support operations this project uses, page after page; responses kept as their JSON.</summary>
public sealed class SupportClient(AwsJsonClient client)
{
    /// <summary>Items per page asked for: the model's maximum.</summary>
    public const int PageSize = 100;

    /// <summary>DescribeCases, resolved cases included, of cases created after <paramref name="createdAfter"/> (ISO 8601), every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeCasesAsync(string? createdAfter, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeCases", token => new DescribeCasesRequest(createdAfter, NextToken: token), cancellationToken);

    /// <summary>DescribeTrustedAdvisorChecks, in English.</summary>
    public async Task<ApiPage> DescribeTrustedAdvisorChecksAsync(CancellationToken cancellationToken)
    {
        var request = new DescribeTrustedAdvisorChecksRequest();
        return new ApiPage("DescribeTrustedAdvisorChecks", request, await client.CallAsync("DescribeTrustedAdvisorChecks", request, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>DescribeTrustedAdvisorCheckResult of one check, in English.</summary>
    public async Task<ApiPage> DescribeTrustedAdvisorCheckResultAsync(string checkId, CancellationToken cancellationToken)
    {
        var request = new DescribeTrustedAdvisorCheckResultRequest(checkId);
        return new ApiPage("DescribeTrustedAdvisorCheckResult", request, await client.CallAsync("DescribeTrustedAdvisorCheckResult", request, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>DescribeTrustedAdvisorCheckSummaries of the checks.</summary>
    public async Task<ApiPage> DescribeTrustedAdvisorCheckSummariesAsync(IReadOnlyList<string> checkIds, CancellationToken cancellationToken)
    {
        var request = new DescribeTrustedAdvisorCheckSummariesRequest(checkIds);
        return new ApiPage("DescribeTrustedAdvisorCheckSummaries", request, await client.CallAsync("DescribeTrustedAdvisorCheckSummaries", request, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>DescribeCommunications of a case, those after <paramref name="after"/> (ISO 8601) when given, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeCommunicationsAsync(string caseId, string? after, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeCommunications", token => new DescribeCommunicationsRequest(caseId, after, token), cancellationToken);

}
