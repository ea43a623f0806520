using Amazon.Runtime;
using Amazon.S3;

namespace Analytics.Aws;

/// <summary>
/// S3 clients, configured in one place: the SDK's defaults (credentials, region, retries) against AWS; against an
/// S3-compatible endpoint (s3rver, MinIO, a VPC endpoint), path-style with checksums only where S3 requires them,
/// since such stores reject, or store verbatim, the aws-chunked bodies and trailing checksums AWSSDK.S3 v4 sends by default.
/// </summary>
public static class S3Clients
{
    /// <summary>The configuration for <paramref name="endpoint"/> (null for AWS) in <paramref name="region"/> (null for the SDK's chain; us-east-1 for an endpoint without one).</summary>
    public static AmazonS3Config Config(Uri? endpoint, string? region)
    {
        var config = new AmazonS3Config();
        if (region is not null) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        if (endpoint is null) return config;
        config.ServiceURL = endpoint.ToString();
        config.ForcePathStyle = true;
        config.AuthenticationRegion = region ?? AwsEndpoints.ResolveRegion(null) ?? "us-east-1";
        config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
        config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        return config;
    }

    /// <summary>A client for <paramref name="endpoint"/>, with <paramref name="credentials"/> or the SDK's default chain.</summary>
    public static AmazonS3Client Create(Uri? endpoint, string? region, AWSCredentials? credentials = null) =>
        credentials is null ? new AmazonS3Client(Config(endpoint, region)) : new AmazonS3Client(credentials, Config(endpoint, region));
}
