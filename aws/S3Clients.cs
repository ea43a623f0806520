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
    /// <param name="endpoint">An S3-compatible endpoint; null for AWS.</param>
    /// <param name="region">The region.</param>
    /// <param name="sdkRetries">False when the caller retries on its own (the lake's object store does, with one policy
    /// for every call): the SDK then makes one attempt, so that the two never multiply.</param>
    public static AmazonS3Config Config(Uri? endpoint, string? region, bool sdkRetries = true)
    {
        var config = new AmazonS3Config { RetryMode = RequestRetryMode.Standard };
        if (!sdkRetries) config.MaxErrorRetry = 0;
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
    public static AmazonS3Client Create(Uri? endpoint, string? region, AWSCredentials? credentials = null, bool sdkRetries = true) =>
        credentials is null ? new AmazonS3Client(Config(endpoint, region, sdkRetries)) : new AmazonS3Client(credentials, Config(endpoint, region, sdkRetries));
}
