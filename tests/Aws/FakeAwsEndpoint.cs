using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Tests.Aws;

/// <summary>One request the fake endpoint received.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The operation, from X-Amz-Target (<c>AmazonAthena.StartQueryExecution</c> → <c>StartQueryExecution</c>).</summary>
    public string Operation => Headers.TryGetValue("X-Amz-Target", out var target) ? target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] : "";

    /// <summary>The body as JSON.</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>An answer of the fake endpoint.</summary>
public sealed record FakeResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>A 200 with this JSON.</summary>
    public static FakeResponse Ok(object body) => new(200, JsonSerializer.Serialize(body));

    /// <summary>An AWS JSON 1.1 error as services send it.</summary>
    public static FakeResponse Error(int status, string code, string message, string requestId = "req-1") =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message }),
            new Dictionary<string, string> { ["x-amzn-RequestId"] = requestId });
}

/// <summary>
/// A local HTTP endpoint on 127.0.0.1 that records every request and answers each with a handler, to replay the
/// documented responses of an AWS JSON service. Requests are answered one at a time, in order.
/// </summary>
public sealed class FakeAwsEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<ReceivedRequest, FakeResponse> _handler;
    private readonly Task _loop;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    public FakeAwsEndpoint(Func<ReceivedRequest, FakeResponse> handler)
    {
        _handler = handler;
        Url = Loopback.Start(_listener);
        _loop = Task.Run(() => Loopback.ServeAsync(_listener, HandleAsync));
    }

    public Uri Url { get; }

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public IEnumerable<string> Operations => Received.Select(r => r.Operation);

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body);
        _received.Enqueue(request);
        FakeResponse response;
        try
        {
            response = _handler(request);
        }
        catch (Exception ex)
        {
            response = FakeResponse.Error(500, "TestHandlerFailed", ex.Message);
        }
        var bytes = Encoding.UTF8.GetBytes(response.Body);
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
