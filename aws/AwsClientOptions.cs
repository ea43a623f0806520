using Amazon.Runtime;

namespace Analytics.Aws;

/// <summary>How an <see cref="AwsJsonClient"/> reaches its service.</summary>
public sealed record AwsClientOptions
{
    /// <summary>The region requests are signed for and, without <see cref="Endpoint"/>, sent to.</summary>
    public required string Region { get; init; }

    /// <summary>An endpoint that replaces the regional one (VPC endpoints, other partitions, tests).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Use the service's FIPS endpoint (ignored when <see cref="Endpoint"/> is given).</summary>
    public bool UseFips { get; init; }

    /// <summary>Credentials; null for the SDK's default chain (environment, shared profile, SSO, web identity, ECS container credentials, instance metadata).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Attempts per call, the first included: throttling, 5xx and network failures are retried up to this.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The first retry's median delay; each next one doubles, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
