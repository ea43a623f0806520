using System.Net;
using System.Text.Json.Nodes;
using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Alerts;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Ingest.Alerts;

/// <summary>
/// The sinks against local servers: the webhook's retries and its giving up; PutEvents as EventBridge's API reference
/// documents it (AWS JSON 1.1, X-Amz-Target AWSEvents.PutEvents, SigV4 service events; a call can partly fail, and
/// only InternalFailure and ThrottlingException are worth resending: ../shared/DOMAIN.md).
/// </summary>
public sealed class AlertDeliveryTests
{
    private static readonly DateTime At = new(2026, 11, 2, 15, 12, 0, DateTimeKind.Utc);

    private static Alert Failed() => new("deployment-failed:ecs-svc/bad:20261102T151200Z", AlertChange.Opened, At, "deployment-failed", "error", "123456789012", "eu-west-1",
        "prod", "payments", At, At, "payments: deployment ecs-svc/bad failed: ECS deployment circuit breaker: task failed to start.");

    [Fact]
    public async Task EventBus_PutsTheAlert_ResendingAThrottledEntry_GivingUpARefusedOne()
    {
        var calls = 0;
        using var endpoint = new FakeAwsEndpoint(_ => ++calls == 1
            ? FakeResponse.Ok(new { FailedEntryCount = 1, Entries = new[] { new { ErrorCode = "ThrottlingException", ErrorMessage = "Rate exceeded" } } })
            : FakeResponse.Ok(new { FailedEntryCount = 0, Entries = new[] { new { EventId = "11710aed-b79e-4468-a20b-bb3c0c3b4860" } } }));
        using var aws = new AwsClients(new AwsSettings { Region = "eu-west-1", EventsEndpoint = endpoint.Url.ToString() }, new Amazon.Runtime.BasicAWSCredentials("AKID", "SECRET"), TimeProvider.System);
        var sink = new EventBusSink(aws.Json(Analytics.Aws.AwsService.Events, "eu-west-1", endpoint.Url.ToString()), "ops-alerts", TimeProvider.System);

        await sink.SendAsync(Failed(), CancellationToken.None);

        Assert.Equal(["PutEvents", "PutEvents"], endpoint.Operations);
        var request = endpoint.Received[1];
        Assert.Equal("AWSEvents.PutEvents", request.Headers["X-Amz-Target"]);
        Assert.StartsWith("application/x-amz-json-1.1", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains("/eu-west-1/events/aws4_request", request.Headers["Authorization"], StringComparison.Ordinal);
        var entry = request.Json["Entries"]!.AsArray().Single()!;
        Assert.Equal(("analytics.alerts", "Analytics Alert", "ops-alerts"), ((string)entry["Source"]!, (string)entry["DetailType"]!, (string)entry["EventBusName"]!));
        Assert.Equal(new DateTimeOffset(At).ToUnixTimeSeconds(), (double)entry["Time"]!);
        var detail = JsonNode.Parse((string)entry["Detail"]!)!;
        Assert.Equal(("deployment-failed:ecs-svc/bad:20261102T151200Z", "opened", "payments"), ((string)detail["id"]!, (string)detail["change"]!, (string)detail["service"]!));
        Assert.Equal("dotnet run --project query -- review --from 2026-11-02T14:57:00Z --to 2026-11-02T15:27:00Z --service payments --cluster prod", (string)detail["review"]!);

        // An entry refused for a reason resending cannot mend is given up at once.
        using var refusing = new FakeAwsEndpoint(_ => FakeResponse.Ok(new { FailedEntryCount = 1, Entries = new[] { new { ErrorCode = "MalformedDetail", ErrorMessage = "Detail is malformed." } } }));
        var given = new EventBusSink(aws.Json(Analytics.Aws.AwsService.Events, "eu-west-1", refusing.Url.ToString()), "ops-alerts", TimeProvider.System);
        var ex = await Assert.ThrowsAsync<AlertDeliveryException>(() => given.SendAsync(Failed(), CancellationToken.None));
        Assert.Equal("MalformedDetail: Detail is malformed.", ex.Message);
        Assert.Single(refusing.Received);
    }

    [Fact]
    public async Task Webhook_RetriesAServerError_GivesUpARefusal()
    {
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.BadRequest]);
        var bodies = new List<JsonNode>();
        using var listener = new HttpListener();
        var url = Loopback.Start(listener);
        var serving = Loopback.ServeAsync(listener, async context =>
        {
            using (var reader = new StreamReader(context.Request.InputStream)) bodies.Add(JsonNode.Parse(await reader.ReadToEndAsync())!);
            context.Response.StatusCode = (int)answers.Dequeue();
            context.Response.Close();
        });
        using var http = new HttpClient();
        var sink = new WebhookSink(http, url, TimeProvider.System);

        await sink.SendAsync(Failed(), CancellationToken.None);
        Assert.Equal(2, bodies.Count);
        Assert.Equal("[error] opened: payments: deployment ecs-svc/bad failed: ECS deployment circuit breaker: task failed to start.\n"
            + "Review: `dotnet run --project query -- review --from 2026-11-02T14:57:00Z --to 2026-11-02T15:27:00Z --service payments --cluster prod`\n"
            + "Console: https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/payments/health?region=eu-west-1", (string)bodies[1]["text"]!);

        var ex = await Assert.ThrowsAsync<AlertDeliveryException>(() => sink.SendAsync(Failed(), CancellationToken.None));
        Assert.Equal("HTTP 400 Bad Request", ex.Message);
        Assert.Equal(3, bodies.Count);
        listener.Stop();
        await serving;
    }
}
