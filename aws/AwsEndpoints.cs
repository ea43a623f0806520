using Amazon;
using Amazon.Runtime;

namespace Analytics.Aws;

/// <summary>Where a service is reached, and in which region requests are signed.</summary>
public static class AwsEndpoints
{
    /// <summary>
    /// The service's regional endpoint in the region's partition, from the SDK's partition data:
    /// <c>https://athena.us-east-1.amazonaws.com</c>, <c>https://athena.cn-north-1.amazonaws.com.cn</c>, and with
    /// <paramref name="fips"/> <c>https://athena-fips.us-east-1.amazonaws.com</c>.
    /// </summary>
    public static Uri For(AwsService service, string region, bool fips = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        var suffix = RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix;
        if (string.IsNullOrEmpty(suffix)) suffix = "amazonaws.com";
        return new Uri($"https://{service.EndpointPrefix}{(fips ? "-fips" : "")}.{region}.{suffix}");
    }

    /// <summary>
    /// The region: the one given (<c>--region</c>), else <c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>, else the
    /// SDK's own chain (the shared profile's region, then instance metadata). Null when none says.
    /// </summary>
    public static string? ResolveRegion(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given)) return given;
        foreach (var name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) return value;
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }
}
