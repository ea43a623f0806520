using System.Net;
using System.Text.Json;
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
    public async IAsyncEnumerable<ApiPage> DescribeEventDetailsAsync(IReadOnlyList<string> arns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arns);
        foreach (var batch in arns.Chunk(ArnsPerCall))
        {
            var request = new DescribeEventDetailsRequest(batch);
            yield return new ApiPage("DescribeEventDetails", request, await client.CallAsync("DescribeEventDetails", request, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>DescribeAffectedEntities of <paramref name="arns"/>, ten events at a time, every page.</summary>
    public async IAsyncEnumerable<ApiPage> DescribeAffectedEntitiesAsync(IReadOnlyList<string> arns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arns);
        foreach (var batch in arns.Chunk(ArnsPerCall))
            await foreach (var page in client.PagesAsync("DescribeAffectedEntities", token => new DescribeAffectedEntitiesRequest(new EntityFilter(batch), token), cancellationToken).ConfigureAwait(false))
                yield return page;
    }

    /// <summary>DescribeEventsForOrganization of events updated at or after <paramref name="updatedSince"/>, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeEventsForOrganizationAsync(DateTimeOffset? updatedSince, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeEventsForOrganization", token => new DescribeEventsForOrganizationRequest(
            updatedSince is { } since ? new OrganizationEventFilter(new DateTimeRange(since.ToUnixTimeMilliseconds() / 1000.0)) : null, token), cancellationToken);

    /// <summary>DescribeAffectedAccountsForOrganization of one event, every page.</summary>
    public IAsyncEnumerable<ApiPage> DescribeAffectedAccountsForOrganizationAsync(string eventArn, CancellationToken cancellationToken) =>
        client.PagesAsync("DescribeAffectedAccountsForOrganization", token => new DescribeAffectedAccountsForOrganizationRequest(eventArn, token), cancellationToken);

    /// <summary>DescribeEventDetailsForOrganization of events in accounts, ten filters at a time.</summary>
    public async IAsyncEnumerable<ApiPage> DescribeEventDetailsForOrganizationAsync(IReadOnlyList<EventAccountFilter> filters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        foreach (var batch in filters.Chunk(ArnsPerCall))
        {
            var request = new DescribeEventDetailsForOrganizationRequest(batch);
            yield return new ApiPage("DescribeEventDetailsForOrganization", request, await client.CallAsync("DescribeEventDetailsForOrganization", request, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>DescribeAffectedEntitiesForOrganization of events in accounts, ten filters at a time, every page.</summary>
    public async IAsyncEnumerable<ApiPage> DescribeAffectedEntitiesForOrganizationAsync(IReadOnlyList<EventAccountFilter> filters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filters);
        foreach (var batch in filters.Chunk(ArnsPerCall))
            await foreach (var page in client.PagesAsync("DescribeAffectedEntitiesForOrganization", token => new DescribeAffectedEntitiesForOrganizationRequest(batch, token), cancellationToken).ConfigureAwait(false))
                yield return page;
    }

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
