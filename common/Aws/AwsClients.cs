using Amazon.Runtime;
using Amazon.S3;
using Analytics.Aws;
using Analytics.Common.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Common.Aws;

/// <summary>
/// The AWS clients of one program run, made in this one place from <see cref="AwsSettings"/> and the run's credentials,
/// each when first needed and disposed with this: components are handed them and never make their own.
/// </summary>
public sealed class AwsClients(AwsSettings settings, AWSCredentials? credentials, TimeProvider time, ILoggerFactory? logs = null) : IDisposable
{
    private readonly Lazy<AmazonS3Client> _store = new(() => S3Clients.Create(AwsSettings.UriOf(settings.S3Endpoint), settings.Region, credentials, sdkRetries: false));
    private readonly Lazy<AmazonS3Client> _s3 = new(() => S3Clients.Create(AwsSettings.UriOf(settings.S3Endpoint), settings.Region, credentials));

    /// <summary>The log of the clients and of what uses them.</summary>
    public ILoggerFactory Logs { get; } = logs ?? NullLoggerFactory.Instance;

    /// <summary>The settings the clients are made from.</summary>
    public AwsSettings Settings { get; } = settings;

    /// <summary>
    /// The S3 client of the lake's object store and of S3 inputs: it makes one attempt per call, because the store retries
    /// every call with one policy of its own (the two never multiply).
    /// </summary>
    public IAmazonS3 StoreS3 => _store.Value;

    /// <summary>An S3 client with the SDK's own retries (Athena's result files).</summary>
    public IAmazonS3 S3 => _s3.Value;

    /// <summary>A signed JSON client of <paramref name="service"/> in <paramref name="region"/>, at <paramref name="endpoint"/> when given; the caller disposes it.</summary>
    public AwsJsonClient Json(AwsService service, string region, string? endpoint, bool fips = false) =>
        new(service, new AwsClientOptions { Region = region, Endpoint = AwsSettings.UriOf(endpoint), UseFips = fips, Credentials = credentials },
            time: time, logger: Logs.CreateLogger("Analytics.Aws." + service.SigningName));

    /// <summary>The account the credentials belong to (STS GetCallerIdentity) in <paramref name="region"/>, at <paramref name="endpoint"/> when given.</summary>
    public Task<string> CallerAccountAsync(string? region, string? endpoint, CancellationToken cancellationToken) =>
        Analytics.Aws.Sts.CallerIdentity.AccountAsync(region, AwsSettings.UriOf(endpoint), credentials, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_store.IsValueCreated) _store.Value.Dispose();
        if (_s3.IsValueCreated) _s3.Value.Dispose();
    }
}
