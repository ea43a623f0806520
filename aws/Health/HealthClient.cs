using System.Net;
using System.Text.Json.Serialization;

namespace Analytics.Aws.Health;

/// <summary>A time range of the Health model (DateTimeRange): epoch seconds, either end open.</summary>
public sealed record DateTimeRange([property: JsonPropertyName("from")] double? From, [property: JsonPropertyName("to")] double? To = null);

/// <summary>The part of EventFilter this project sends.</summary>
public sealed record EventFilter([property: JsonPropertyName("lastUpdatedTimes")] IReadOnlyList<DateTimeRange>? LastUpdatedTimes);

/// <summary>DescribeEvents' input (Health model 2016-08-04).</summary>
public sealed record DescribeEventsRequest(
    [property: JsonPropertyName("filter")] EventFilter? Filter,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = HealthClient.PageSize);

/// <summary>DescribeEventDetails' input: at most 10 ARNs.</summary>
public sealed record DescribeEventDetailsRequest([property: JsonPropertyName("eventArns")] IReadOnlyList<string> EventArns);

/// <summary>The part of EntityFilter this project sends: at most 10 event ARNs.</summary>
public sealed record EntityFilter([property: JsonPropertyName("eventArns")] IReadOnlyList<string> EventArns);

/// <summary>DescribeAffectedEntities' input.</summary>
public sealed record DescribeAffectedEntitiesRequest(
    [property: JsonPropertyName("filter")] EntityFilter Filter,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = HealthClient.PageSize);

/// <summary>The part of OrganizationEventFilter this project sends: one range of <c>lastUpdatedTime</c>.</summary>
public sealed record OrganizationEventFilter([property: JsonPropertyName("lastUpdatedTime")] DateTimeRange? LastUpdatedTime);

/// <summary>DescribeEventsForOrganization's input.</summary>
public sealed record DescribeEventsForOrganizationRequest(
    [property: JsonPropertyName("filter")] OrganizationEventFilter? Filter,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = HealthClient.PageSize);

/// <summary>DescribeAffectedAccountsForOrganization's input.</summary>
public sealed record DescribeAffectedAccountsForOrganizationRequest(
    [property: JsonPropertyName("eventArn")] string EventArn,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = HealthClient.PageSize);

/// <summary>An event in one account (EventAccountFilter).</summary>
public sealed record EventAccountFilter([property: JsonPropertyName("eventArn")] string EventArn, [property: JsonPropertyName("awsAccountId")] string? AwsAccountId);

/// <summary>DescribeEventDetailsForOrganization's input: at most 10 filters.</summary>
public sealed record DescribeEventDetailsForOrganizationRequest([property: JsonPropertyName("organizationEventDetailFilters")] IReadOnlyList<EventAccountFilter> Filters);

/// <summary>DescribeAffectedEntitiesForOrganization's input: at most 10 filters.</summary>
public sealed record DescribeAffectedEntitiesForOrganizationRequest(
    [property: JsonPropertyName("organizationEntityFilters")] IReadOnlyList<EventAccountFilter> Filters,
    [property: JsonPropertyName("nextToken")] string? NextToken = null,
    [property: JsonPropertyName("maxResults")] int? MaxResults = HealthClient.PageSize);

/// <summary>
/// The AWS Health operations of the account view this project uses, over the shared <see cref="AwsJsonClient"/>,
/// page after page. Responses are kept as their JSON: the collector stores each page as it came.
/// </summary>
public sealed class HealthClient(AwsJsonClient client)
{
    /// <summary>Items per page asked for: the model's maximum.</summary>
    public const int PageSize = 100;

    /// <summary>ARNs per DescribeEventDetails call and per entity filter: the API's limit.</summary>
    public const int ArnsPerCall = 10;

    /// <summary>DescribeEvents of events updated at or after <paramref name="updatedSince"/> (all when null), every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeEventsAsync(DateTimeOffset? updatedSince, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeEvents", token => new DescribeEventsRequest(
            updatedSince is { } since ? new EventFilter([new DateTimeRange(since.ToUnixTimeMilliseconds() / 1000.0)]) : null, token), cancellationToken);

    /// <summary>DescribeEventDetails of <paramref name="arns"/>, ten at a time.</summary>
    public IAsyncEnumerable<ApiPage> DescribeEventDetailsAsync(IReadOnlyList<string> arns, CancellationToken cancellationToken) =>
        InBatchesAsync("DescribeEventDetails", arns, batch => new DescribeEventDetailsRequest(batch), paged: null, cancellationToken);

    /// <summary>DescribeAffectedEntities of <paramref name="arns"/>, ten events at a time, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeAffectedEntitiesAsync(IReadOnlyList<string> arns, CancellationToken cancellationToken) =>
        InBatchesAsync("DescribeAffectedEntities", arns, null, paged: (batch, token) => new DescribeAffectedEntitiesRequest(new EntityFilter(batch), token), cancellationToken);

    // The calls of a list, ten items at a time (the API's limit): one call each, or every page of each when paged.
    private async IAsyncEnumerable<ApiPage> InBatchesAsync<T>(string operation, IReadOnlyList<T> items, Func<T[], object>? single, Func<T[], string?, object>? paged,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var batch in items.Chunk(ArnsPerCall))
        {
            if (paged is not null)
            {
                await foreach (var page in client.PagesAsync(operation, token => paged(batch, token), cancellationToken).ConfigureAwait(false)) yield return page;
                continue;
            }
            var request = single!(batch);
            yield return new ApiPage(operation, request, await client.CallAsync(operation, request, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>DescribeEventsForOrganization of events updated at or after <paramref name="updatedSince"/>, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeEventsForOrganizationAsync(DateTimeOffset? updatedSince, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeEventsForOrganization", token => new DescribeEventsForOrganizationRequest(
            updatedSince is { } since ? new OrganizationEventFilter(new DateTimeRange(since.ToUnixTimeMilliseconds() / 1000.0)) : null, token), cancellationToken);

    /// <summary>DescribeAffectedAccountsForOrganization of one event, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeAffectedAccountsForOrganizationAsync(string eventArn, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeAffectedAccountsForOrganization", token => new DescribeAffectedAccountsForOrganizationRequest(eventArn, token), cancellationToken);

    /// <summary>DescribeEventDetailsForOrganization of events in accounts, ten filters at a time.</summary>
    public IAsyncEnumerable<ApiPage> DescribeEventDetailsForOrganizationAsync(IReadOnlyList<EventAccountFilter> filters, CancellationToken cancellationToken) =>
        InBatchesAsync("DescribeEventDetailsForOrganization", filters, batch => new DescribeEventDetailsForOrganizationRequest(batch), paged: null, cancellationToken);

    /// <summary>DescribeAffectedEntitiesForOrganization of events in accounts, ten filters at a time, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeAffectedEntitiesForOrganizationAsync(IReadOnlyList<EventAccountFilter> filters, CancellationToken cancellationToken) =>
        InBatchesAsync("DescribeAffectedEntitiesForOrganization", filters, null, paged: (batch, token) => new DescribeAffectedEntitiesForOrganizationRequest(batch, token), cancellationToken);

    /// <summary>
    /// The region the Health API is served from now, the documented way: the DNS name <c>global.health.amazonaws.com</c>
    /// is an alias of the active region's endpoint (<c>health.us-east-1.amazonaws.com</c>, or us-east-2 after a
    /// failover). <paramref name="canonicalName"/> resolves a name to its canonical name (default: the system's
    /// resolver); us-east-1 when it cannot be found.
    /// </summary>
    public static async Task<string> ActiveRegionAsync(Func<string, Task<string>>? canonicalName = null)
    {
        canonicalName ??= async name => (await Dns.GetHostEntryAsync(name).ConfigureAwait(false)).HostName;
        try
        {
            var host = await canonicalName("global.health.amazonaws.com").ConfigureAwait(false);
            var labels = host.Split('.');
            if (labels is ["health", var region, ..] && AwsEndpoints.ResolveRegion(region) is not null && region.Contains('-', StringComparison.Ordinal)) return region;
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
        {
        }
        return "us-east-1";
    }
}
