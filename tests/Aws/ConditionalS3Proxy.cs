using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Analytics.Tests.Aws;

/// <summary>
/// A small layer in front of s3rver that enforces S3's conditional writes, which s3rver ignores (it stores a PUT with
/// <c>If-None-Match: *</c> over an existing object). It follows S3's documented answers: a PUT with
/// <c>If-None-Match: *</c> on a key that has an object gets 412 PreconditionFailed; a PUT or DELETE with <c>If-Match</c>
/// gets 404 NoSuchKey when there is no object and 412 when the ETag differs. Conditional requests are taken one at a
/// time, so of two concurrent creators exactly one succeeds, as S3 guarantees. Everything else, and every request
/// whose condition holds, is forwarded to s3rver byte for byte (the signature covers the Host header, which is kept).
/// This is a test double of S3's conditional semantics only: storage, listing and multipart are s3rver's.
/// </summary>
public sealed class ConditionalS3Proxy : IDisposable
{
    private readonly S3Server _server;
    private readonly HttpListener _listener = new();
    private readonly HttpClient _forward = new(new HttpClientHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false });
    private readonly SemaphoreSlim _conditional = new(1, 1);
    private readonly Task _serving;

    public ConditionalS3Proxy(S3Server server)
    {
        _server = server;
        Url = Loopback.Start(_listener);
        // Each request on a task of its own: a conditional request waits for another, a reader streams an object.
        _serving = Task.Run(() => Loopback.ServeAsync(_listener, context =>
        {
            _ = Task.Run(() => HandleAsync(context));
            return Task.CompletedTask;
        }));
    }

    /// <summary>The endpoint to give as --s3-endpoint.</summary>
    public Uri Url { get; }

    /// <summary>Conditional requests refused (412 or 404), for tests to see the layer at work.</summary>
    public int Refused => _refused;

    /// <summary>
    /// Cuts every <paramref name="every"/>th GET body of 1,000 bytes or more, <paramref name="count"/> in all: each sends
    /// half the body and then drops the connection, as a GET whose body stops halfway under strain does.
    /// </summary>
    public void CutBodies(int count, int every = 3) => (_toCut, _every, _gets) = (count, every, 0);

    private int _toCut;
    private int _every = 1;
    private int _gets;

    /// <summary>
    /// From now on, about <paramref name="rate"/> of the requests fail the ways S3 does under strain, chosen with a
    /// fixed <paramref name="seed"/>: 503 SlowDown before the request reaches the store, 500 InternalError after a write
    /// was applied, or a GET whose body stops halfway.
    /// </summary>
    public void InjectFaults(double rate, int seed) => (_faultRate, _faults) = (rate, new Random(seed));

    /// <summary>The faults injected, by kind.</summary>
    public IReadOnlyDictionary<string, int> Injected
    {
        get { lock (_injected) return new Dictionary<string, int>(_injected); }
    }

    /// <summary>GETs of keys ending with <paramref name="suffix"/> are answered 403 AccessDenied, as S3 answers a reader without permission.</summary>
    public void ForbidReads(string suffix) => _forbidden = suffix;

    private string? _forbidden;

    private double _faultRate;
    private Random? _faults;
    private readonly Dictionary<string, int> _injected = [];

    private enum Fault { None, SlowDown, InternalErrorAfterWrite, CutBody }

    private Fault NextFault(HttpListenerRequest request)
    {
        if (_faults is null) return Fault.None;
        lock (_injected)
        {
            if (_faults.NextDouble() >= _faultRate) return Fault.None;
            var fault = _faults.Next(3) switch
            {
                0 => Fault.SlowDown,
                1 when request.HttpMethod is "PUT" or "POST" or "DELETE" => Fault.InternalErrorAfterWrite,
                _ when request.HttpMethod == "GET" => Fault.CutBody,
                _ => Fault.SlowDown,
            };
            _injected[fault.ToString()] = _injected.GetValueOrDefault(fault.ToString()) + 1;
            return fault;
        }
    }

    /// <summary>GET bodies cut so far.</summary>
    public int BodiesCut => _cut;

    private int _cut;

    private int _refused;

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            var request = context.Request;
            if (_forbidden is not null && request.HttpMethod is "GET" or "HEAD" && request.Url!.AbsolutePath.EndsWith(_forbidden, StringComparison.Ordinal))
            {
                await FaultAsync(context, 403, "AccessDenied", "Access Denied");
                return;
            }
            var fault = NextFault(request);
            if (fault == Fault.SlowDown)
            {
                await FaultAsync(context, 503, "SlowDown", "Please reduce your request rate.");
                return;
            }
            if (fault == Fault.CutBody) Interlocked.Exchange(ref _cutNext, 1);
            var ifNoneMatch = request.Headers["If-None-Match"];
            var ifMatch = request.Headers["If-Match"];
            var conditional = request.HttpMethod is "PUT" or "DELETE" && (ifNoneMatch is not null || ifMatch is not null);
            // A GET with If-Match of another ETag: 412, as S3 answers (s3rver ignores the header).
            if (request.HttpMethod == "GET" && ifMatch is not null)
            {
                var (getBucket, getKey) = BucketAndKey(request.Url!);
                if (await ETagAsync(getBucket, getKey) is { } current && ifMatch.Trim('"') != current.Trim('"'))
                {
                    await RefuseAsync(context, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", "If-Match");
                    return;
                }
            }
            if (!conditional)
            {
                await ForwardAsync(context, fault == Fault.InternalErrorAfterWrite);
                return;
            }
            await _conditional.WaitAsync();
            try
            {
                var (bucket, key) = BucketAndKey(request.Url!);
                var etag = await ETagAsync(bucket, key);
                if (ifNoneMatch == "*" && etag is not null)
                    await RefuseAsync(context, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", "If-None-Match");
                else if (ifMatch is not null && etag is null)
                    await RefuseAsync(context, 404, "NoSuchKey", "The specified key does not exist.", null);
                else if (ifMatch is not null && ifMatch != "*" && ifMatch.Trim('"') != etag!.Trim('"'))
                    await RefuseAsync(context, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", "If-Match");
                else
                    await ForwardAsync(context, fault == Fault.InternalErrorAfterWrite);
            }
            finally
            {
                _conditional.Release();
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private static (string Bucket, string Key) BucketAndKey(Uri url)
    {
        var path = url.AbsolutePath.TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return (path[..slash], Uri.UnescapeDataString(path[(slash + 1)..]));
    }

    private async Task<string?> ETagAsync(string bucket, string key)
    {
        try
        {
            return (await _server.Client.GetObjectMetadataAsync(bucket, key)).ETag;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task RefuseAsync(HttpListenerContext context, int status, string code, string message, string? condition)
    {
        Interlocked.Increment(ref _refused);
        await FaultAsync(context, status, code, message, condition);
    }

    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "Host", "Connection", "Content-Length", "Transfer-Encoding", "Expect", "Keep-Alive" };

    private int _cutNext;

    // An error as S3 sends it, without touching the store: the body the client sent drained, then S3's XML.
    private static async Task FaultAsync(HttpListenerContext context, int status, string code, string message, string? condition = null)
    {
        await context.Request.InputStream.CopyToAsync(Stream.Null);
        var body = System.Text.Encoding.UTF8.GetBytes(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message>{(condition is null ? "" : $"<Condition>{condition}</Condition>")}<RequestId>test-layer</RequestId></Error>");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private async Task ForwardAsync(HttpListenerContext context, bool failAfterApplied = false)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_server.Url, request.RawUrl));
        message.Headers.Host = request.Headers["Host"];
        if (request.HasEntityBody || request.HttpMethod is "PUT" or "POST")
        {
            var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            body.Position = 0;
            message.Content = new StreamContent(body);
        }
        foreach (var name in request.Headers.AllKeys.OfType<string>().Where(n => !Skipped.Contains(n)))
        {
            var value = request.Headers[name];
            if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content?.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _forward.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        if (failAfterApplied)
        {
            // The store applied the write; the client hears 500 InternalError and will send it again.
            await FaultAsync(context, 500, "InternalError", "We encountered an internal error. Please try again.");
            return;
        }
        var reply = context.Response;
        reply.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (Skipped.Contains(name)) continue;
            reply.Headers[name] = string.Join(",", values);
        }
        if (response.Content.Headers.ContentLength is { } length) reply.ContentLength64 = length;
        if (request.HttpMethod == "GET" && response.IsSuccessStatusCode && response.Content.Headers.ContentLength is >= 1000 and var full
            && (Interlocked.Exchange(ref _cutNext, 0) == 1 || (Interlocked.Increment(ref _gets) % _every == 0 && Interlocked.Decrement(ref _toCut) >= 0)))
        {
            // Half the body, then the connection drops: the client sees the response end prematurely.
            var half = new byte[full / 2];
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.ReadExactlyAsync(half);
            await reply.OutputStream.WriteAsync(half);
            await reply.OutputStream.FlushAsync();
            Interlocked.Increment(ref _cut);
            reply.Abort();
            return;
        }
        if (request.HttpMethod != "HEAD") await response.Content.CopyToAsync(reply.OutputStream);
        reply.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
        _forward.Dispose();
        _conditional.Dispose();
    }
}
