using System.Net;
using Amazon.S3;
using Polly;
using Polly.Retry;

namespace Analytics.Ingest.Storage;

/// <summary>
/// The one retry policy of every S3 call the object store makes: what S3 documents as transient (503 SlowDown, 500
/// InternalError, 502 and 504, RequestTimeout, a connection reset or a response cut short) is retried with capped
/// exponential backoff and jitter; anything else (403, 404, 412, a malformed request) fails at once. The SDK's own
/// retries are turned off for these clients (<see cref="Analytics.Aws.S3Clients.Config"/> with no SDK retries), so
/// the two never multiply.
/// </summary>
internal static class S3Resilience
{
    /// <summary>Retries of one call after its first attempt.</summary>
    /// <value>The default value is 8 retries: with 200 ms doubling up to 10 s, about 40 s of S3 under strain are ridden out.</value>
    public const int MaxRetries = 8;

    /// <summary>The first retry's delay, doubled for each next one (with jitter), up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>The pipeline; <paramref name="time"/> drives its delays (tests).</summary>
    public static ResiliencePipeline Create(TimeProvider? time = null) =>
        new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstDelay,
                MaxDelay = MaxDelay,
            })
            .Build();

    /// <summary>True for the faults S3 documents as transient, which a later attempt can get past.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        AmazonS3Exception s3 => s3.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout || s3.ErrorCode is "SlowDown" or "InternalError" or "RequestTimeout" or "ServiceUnavailable" or "Throttling",
        Amazon.Runtime.AmazonServiceException service => service.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        HttpRequestException or TimeoutException => true,
        FileNotFoundException or DirectoryNotFoundException => false,
        IOException => true,
        Amazon.Runtime.AmazonClientException => true,
        _ => false,
    };
}
