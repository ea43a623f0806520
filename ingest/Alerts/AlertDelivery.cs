using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Aws;

namespace Analytics.Ingest.Alerts;

/// <summary>Where alert changes go.</summary>
internal interface IAlertSink
{
    /// <summary>Its name, for messages.</summary>
    string Name { get; }

    /// <summary>Delivers <paramref name="alert"/>, retrying what may pass later.</summary>
    /// <exception cref="AlertDeliveryException">It was given up: the receiver refused it, or kept failing.</exception>
    Task SendAsync(Alert alert, CancellationToken cancellationToken);
}

/// <summary>An alert change given up.</summary>
internal sealed class AlertDeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>An alert change as JSON: every field, and Slack-compatible <c>text</c>.</summary>
internal sealed record AlertMessage(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("change")] string Change,
    [property: JsonPropertyName("at")] DateTime At,
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("account")] string? Account,
    [property: JsonPropertyName("region")] string? Region,
    [property: JsonPropertyName("cluster")] string? Cluster,
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("first_seen")] DateTime FirstSeen,
    [property: JsonPropertyName("last_seen")] DateTime LastSeen,
    [property: JsonPropertyName("summary")] string Summary,
    [property: JsonPropertyName("review")] string Review,
    [property: JsonPropertyName("console_url")] string? ConsoleUrl)
{
    /// <summary>The message of <paramref name="alert"/>.</summary>
    public static AlertMessage Of(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var change = alert.Change.ToString().ToLowerInvariant();
        var text = $"[{alert.Severity}] {change}: {alert.Summary}\nReview: `{alert.Review}`" + (alert.ConsoleUrl is null ? "" : $"\nConsole: {alert.ConsoleUrl}");
        return new(text, alert.Id, change, alert.At, alert.Rule, alert.Severity, alert.Account, alert.Region, alert.Cluster, alert.Service,
            alert.FirstSeen, alert.LastSeen, alert.Summary, alert.Review, alert.ConsoleUrl);
    }
}

/// <summary>
/// A webhook: one JSON POST per alert change. 2xx is delivered; 429, 5xx and network failures are retried (1, 2, 4 s);
/// another answer (the receiver refusing it) is given up at once.
/// </summary>
internal sealed class WebhookSink(HttpClient http, Uri url, TimeProvider time) : IAlertSink
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    /// <inheritdoc/>
    public string Name => $"webhook {url.GetLeftPart(UriPartial.Path)}";

    /// <inheritdoc/>
    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var message = AlertMessage.Of(alert);
        for (var attempt = 0; ; attempt++)
        {
            string failure;
            try
            {
                using var response = await http.PostAsJsonAsync(url, message, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode) return;
                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500) throw new AlertDeliveryException(failure);
            }
            catch (HttpRequestException ex)
            {
                failure = ex.Message;
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = $"no answer in time ({ex.Message})";
            }
            if (attempt == Backoff.Length) throw new AlertDeliveryException($"{failure}, after {attempt + 1} attempts");
            await Task.Delay(Backoff[attempt], time, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// An EventBridge event bus: PutEvents (source <c>analytics.alerts</c>, detail type <c>Analytics Alert</c>, the message
/// as detail). The shared client retries throttling and server errors; an entry the call refused (FailedEntryCount) is
/// resent when its error is InternalFailure or ThrottlingException, given up otherwise.
/// </summary>
internal sealed class EventBusSink(AwsJsonClient client, string bus, TimeProvider time) : IAlertSink
{
    /// <summary>The events' source.</summary>
    public const string Source = "analytics.alerts";

    /// <summary>The events' detail type.</summary>
    public const string DetailType = "Analytics Alert";

    // Time in epoch seconds: the JSON protocol's timestamp.
    private sealed record Entry(string Source, string DetailType, string Detail, string EventBusName, double Time);

    private sealed record PutEventsRequest(Entry[] Entries);

    private sealed record ResultEntry(string? EventId, string? ErrorCode, string? ErrorMessage);

    private sealed record PutEventsResponse(int FailedEntryCount, ResultEntry[] Entries);

    /// <inheritdoc/>
    public string Name => $"event bus {bus}";

    /// <inheritdoc/>
    public async Task SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var entry = new Entry(Source, DetailType, JsonSerializer.Serialize(AlertMessage.Of(alert)), bus,
            new DateTimeOffset(DateTime.SpecifyKind(alert.At, DateTimeKind.Utc)).ToUnixTimeMilliseconds() / 1000.0);
        for (var attempt = 0; ; attempt++)
        {
            PutEventsResponse response;
            try
            {
                response = await client.CallAsync<PutEventsResponse>("PutEvents", new PutEventsRequest([entry]), cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException ex)
            {
                throw new AlertDeliveryException(ex.Message, ex);
            }
            if (response.FailedEntryCount == 0) return;
            var error = response.Entries.FirstOrDefault(e => e.ErrorCode is not null);
            var reason = string.Create(CultureInfo.InvariantCulture, $"{error?.ErrorCode}: {error?.ErrorMessage}");
            if (error?.ErrorCode is not ("InternalFailure" or "ThrottlingException") || attempt == 3) throw new AlertDeliveryException(reason);
            await Task.Delay(TimeSpan.FromSeconds(1 << attempt), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
