using System.Text.RegularExpressions;

namespace Analytics.Common.Settings;

/// <summary>
/// How AWS is reached (section <c>Aws</c>): the region, and endpoints replacing a service's regional one (VPC endpoints,
/// S3-compatible stores, tests). Credentials are never settings: they come from the SDK's chain (environment, profile,
/// SSO, web identity, the ECS task role).
/// </summary>
[SettingsSection("Aws")]
public sealed partial class AwsSettings : ISettings
{
    /// <summary>The AWS region.</summary>
    /// <value>The default is AWS_REGION, else AWS_DEFAULT_REGION, else the shared profile's.</value>
    [Setting("--region", "The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's). Athena and a Firehose stream need one; endpoints given below are signed for it.")]
    public string? Region { get; set; }

    /// <summary>An S3-compatible endpoint (path-style) replacing AWS's, for s3:// lakes and inputs and Athena's results.</summary>
    [Setting("--s3-endpoint", "An S3-compatible endpoint URL (path-style) replacing AWS's, for s3:// lakes, inputs and Athena's results (MinIO, s3rver, a VPC endpoint).")]
    public string? S3Endpoint { get; set; }

    /// <summary>An STS endpoint for GetCallerIdentity, the account collected pages belong to.</summary>
    [Setting("--sts-endpoint", "An STS endpoint URL for GetCallerIdentity, the account collected pages belong to; asked of the regional STS unless the Health or Support endpoint is replaced.")]
    public string? StsEndpoint { get; set; }

    /// <summary>A Health endpoint replacing the active region's.</summary>
    [Setting("--health-endpoint", "A Health endpoint URL replacing the active region's (found from global.health.amazonaws.com).")]
    public string? HealthEndpoint { get; set; }

    /// <summary>A Support endpoint replacing us-east-1's.</summary>
    [Setting("--support-endpoint", "A Support endpoint URL replacing support.us-east-1.amazonaws.com.")]
    public string? SupportEndpoint { get; set; }

    /// <summary>A Firehose endpoint replacing the regional one.</summary>
    [Setting("--firehose-endpoint", "A Firehose endpoint URL replacing the regional one.")]
    public string? FirehoseEndpoint { get; set; }

    /// <summary>An EventBridge endpoint for PutEvents (the worker's alerts).</summary>
    [Setting("--events-endpoint", "An EventBridge endpoint URL for the alerts' PutEvents (default: the Region's).")]
    public string? EventsEndpoint { get; set; }

    /// <summary>An Athena endpoint replacing the regional one.</summary>
    [Setting("--athena-endpoint", "An Athena endpoint URL replacing the regional one (VPC endpoints, other partitions, tests).")]
    public string? AthenaEndpoint { get; set; }

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (Region is not null && !RegionName().IsMatch(Region)) check.Add($"{check.Name(nameof(Region))} is '{Region}': expected a region name such as us-east-1");
        check.Url(nameof(S3Endpoint), S3Endpoint);
        check.Url(nameof(StsEndpoint), StsEndpoint);
        check.Url(nameof(HealthEndpoint), HealthEndpoint);
        check.Url(nameof(SupportEndpoint), SupportEndpoint);
        check.Url(nameof(FirehoseEndpoint), FirehoseEndpoint);
        check.Url(nameof(EventsEndpoint), EventsEndpoint);
        check.Url(nameof(AthenaEndpoint), AthenaEndpoint);
    }

    /// <summary>The region given, else the environment's or the profile's; null when none says.</summary>
    public string? ResolvedRegion => Analytics.Aws.AwsEndpoints.ResolveRegion(Region);

    /// <summary>An endpoint setting as a URI; null when not given.</summary>
    public static Uri? UriOf(string? endpoint) => endpoint is null ? null : new Uri(endpoint);

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionName();
}
