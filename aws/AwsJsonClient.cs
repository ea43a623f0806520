using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Analytics.Aws.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Analytics.Aws;

/// <summary>
/// One client for AWS JSON 1.1 services (Athena, Health, Support, Firehose): a call is a POST of the request's JSON
/// to <c>/</c> with <c>X-Amz-Target: Prefix.Operation</c>, signed with SigV4 by AWSSDK.Core's signer with credentials
/// from the SDK's default chain. Throttling, 5xx and network failures are retried with capped exponential backoff
/// and jitter (Polly); every other error is an <see cref="AwsServiceException"/> at once. A retried call sends the
/// same body, so an idempotency token in it (Athena's <c>ClientRequestToken</c>) holds across attempts.
/// </summary>
public sealed partial class AwsJsonClient : IDisposable
{
    /// <summary>The content type of every request and response.</summary>
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>Serialization of requests: the model's member names as they are, absent members left out.</summary>
    public static JsonSerializerOptions Json { get; } = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly AwsService _service;
    private readonly AwsClientOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RequestSigner _signer;
    private readonly ResiliencePipeline _retry;
    private AWSCredentials? _credentials;

    /// <summary>Creates a client; nothing is sent and no credential is looked up until the first call.</summary>
    public AwsJsonClient(AwsService service, AwsClientOptions options, HttpClient? http = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _credentials = options.Credentials;
        Endpoint = options.Endpoint ?? AwsEndpoints.For(service, options.Region, options.UseFips);
        _signer = new RequestSigner(service.SigningName, options.Region);
        _retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<AwsServiceException>(e => e.IsRetryable)
                    .Handle<HttpRequestException>()
                    .Handle<AttemptTimedOutException>(),
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                OnRetry = args =>
                {
                    LogRetry(_logger, service.SigningName, args.Context.OperationKey ?? "", Describe(args.Outcome.Exception), args.AttemptNumber + 2, options.MaxAttempts, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Where requests go.</summary>
    public Uri Endpoint { get; }

    /// <summary>The service called.</summary>
    public AwsService Service => _service;

    /// <summary>Calls <paramref name="operation"/> with <paramref name="request"/> (serialized with <see cref="Json"/>) and returns the response's JSON.</summary>
    /// <exception cref="AwsServiceException">The service answered with an error (after the retries, when it is retryable).</exception>
    /// <exception cref="AwsCredentialsException">No credentials could be found.</exception>
    public async Task<JsonElement> CallAsync(string operation, object request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(operation);
        ArgumentNullException.ThrowIfNull(request);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), Json);
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        try
        {
            return await _retry.ExecuteAsync(async ctx => await SendAsync(operation, body, ctx.CancellationToken).ConfigureAwait(false), context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Calls <paramref name="operation"/> and reads the response as <typeparamref name="TResponse"/>.</summary>
    public async Task<TResponse> CallAsync<TResponse>(string operation, object request, CancellationToken cancellationToken)
    {
        var json = await CallAsync(operation, request, cancellationToken).ConfigureAwait(false);
        return json.Deserialize<TResponse>(Json) ?? throw new AwsServiceException($"{_service.SigningName} {operation} returned an empty response.");
    }

    private async Task<JsonElement> SendAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        var credentials = await CredentialsAsync().ConfigureAwait(false);
        var target = $"{_service.TargetPrefix}.{operation}";
        var signed = _signer.Sign("POST", Endpoint, [new("Content-Type", ContentType), new("X-Amz-Target", target)], body, credentials, _time.GetUtcNow().UtcDateTime);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        foreach (var (name, value) in signed)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) continue;
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) message.Headers.Host = value;
            else message.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AttemptTimedOutException($"{_service.SigningName} {operation}: no answer within {_options.AttemptTimeout.TotalSeconds:0} s from {Endpoint}");
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                if (string.IsNullOrWhiteSpace(text)) text = "{}";
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            throw Error(operation, response, text);
        }
    }

    private async Task<ImmutableCredentials> CredentialsAsync()
    {
        try
        {
            _credentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
            return await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            throw new AwsCredentialsException(
                "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE for a shared profile or SSO "
                + $"(aws sso login), or run where a role is provided (ECS task role, EC2 instance profile, web identity). The SDK said: {ex.Message}", ex);
        }
    }

    // A JSON 1.1 error: the code from x-amzn-ErrorType or the body's __type ("namespace#Code", or "Code:uri"), the message
    // from message or Message.
    private AwsServiceException Error(string operation, HttpResponseMessage response, string text)
    {
        string? code = response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
        string? messageText = null;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "__type" && code is null) code = property.Value.GetString();
                    else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String) messageText = property.Value.GetString();
                }
            }
        }
        catch (JsonException)
        {
            messageText = text.Length > 300 ? text[..300] : text;
        }
        code = Clean(code) ?? (response.StatusCode == HttpStatusCode.TooManyRequests ? "TooManyRequestsException" : $"Http{(int)response.StatusCode}");
        var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
        return new AwsServiceException(_service.SigningName, operation, code, messageText ?? response.ReasonPhrase ?? "", requestId, response.StatusCode, text);
    }

    private static string? Clean(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) code = code[..colon];
        var hash = code.LastIndexOf('#');
        return hash >= 0 ? code[(hash + 1)..] : code;
    }

    private static string Describe(Exception? exception) => exception switch
    {
        AwsServiceException aws => aws.ErrorCode + (aws.RequestId is null ? "" : $" (request id {aws.RequestId})"),
        null => "failed",
        _ => exception.Message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service} {Operation}: {Reason}; attempt {Attempt} of {MaxAttempts} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string service, string operation, string reason, int attempt, int maxAttempts, long delayMs);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}

/// <summary>No AWS credentials were found; the message says where they are looked for.</summary>
public sealed class AwsCredentialsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AwsCredentialsException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public AwsCredentialsException() { }

    /// <summary>Creates the exception.</summary>
    public AwsCredentialsException(string message) : base(message) { }
}

/// <summary>One attempt got no answer in time (retried).</summary>
public sealed class AttemptTimedOutException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AttemptTimedOutException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public AttemptTimedOutException() { }

    /// <summary>Creates the exception.</summary>
    public AttemptTimedOutException(string message, Exception inner) : base(message, inner) { }
}
