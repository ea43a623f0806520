using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Analytics.Common.Aws;
using Analytics.Tests.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Worker;
using Microsoft.Extensions.Hosting;

namespace Analytics.Tests.Ingest.Alerts;

/// <summary>
/// The worker fed the bundled sample's Firehose objects through a watched folder, with a webhook on 127.0.0.1: it posts
/// the sample incident's alerts once each; restarted over the same objects (its checkpoints gone, so it reads them all
/// again), it posts nothing again, since the rules' state in the lake knows them.
/// </summary>
public sealed class AlertWorkerTests : IDisposable
{
    private readonly TempFolder _temp = Some.TempFolder();
    private readonly AwsClients _aws = new(new AwsSettings(), null, TimeProvider.System);
    private readonly ListLogger _logs = new();

    public void Dispose()
    {
        _aws.Dispose();
        _temp.Dispose();
    }

    // A webhook receiver: every POST body, answered 200.
    private sealed class Webhook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public Webhook()
        {
            Url = new Uri(Loopback.Start(_listener), "hook").ToString();
            _loop = Loopback.ServeAsync(_listener, async context =>
            {
                using (var reader = new StreamReader(context.Request.InputStream)) Posts.Enqueue(JsonNode.Parse(await reader.ReadToEndAsync())!);
                context.Response.StatusCode = 200;
                context.Response.Close();
            });
        }

        public string Url { get; }

        public ConcurrentQueue<JsonNode> Posts { get; } = new();

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private IHost Start(string webhook)
    {
        var services = new WorkerServices(new WorkerSettings { Sources = [_temp.Sub("raw")], IntervalSeconds = 1, StatusSeconds = 60, StopGraceSeconds = 20 },
            new LakeSettings { Location = _temp.Sub("lake") }, new IngestSettings(), new CollectSettings(), _aws, new AlertSettings { Webhook = webhook });
        var host = WorkerHost.Build(services, logs: _logs);
        host.Start();
        return host;
    }

    private static async Task Until(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private int Checkpointed() => Directory.Exists(_temp.Sub("lake/_checkpoints"))
        ? Directory.GetFiles(_temp.Sub("lake/_checkpoints"), "*.json").Sum(f => JsonNode.Parse(File.ReadAllText(f))!["Objects"]!.AsObject().Count) : 0;

    [Fact]
    public async Task Worker_PostsTheSampleIncidentsAlertsOnce_AndNothingAgainOverTheSameObjects()
    {
        var generated = Path.Combine(Some.RepoRoot, "samples", "generated");
        var objects = Directory.GetFiles(generated, "*", SearchOption.AllDirectories);
        foreach (var file in objects)
        {
            var target = Path.Combine(_temp.Sub("raw"), Path.GetRelativePath(generated, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        using (var webhook = new Webhook())
        {
            using (var host = Start(webhook.Url))
            {
                await Until(() => Checkpointed() == objects.Length, "every object checkpointed");
                await host.StopAsync();
            }
            var posts = webhook.Posts.ToList();
            // Each change posted once.
            Assert.Equal(posts.Count, posts.Select(p => $"{p["id"]} {p["change"]} {p["at"]}").Distinct().Count());
            // The incident: payments' bad deployment fails and is rolled back, its tasks fail from 14:00, an ECS issue opens.
            Assert.Contains(posts, p => (string)p["rule"]! == "deployment-failed" && (string)p["change"]! == "opened" && (string)p["service"]! == "payments");
            Assert.Contains(posts, p => (string)p["rule"]! == "failing-tasks" && (string)p["change"]! == "opened" && (string)p["service"]! == "payments");
            Assert.Contains(posts, p => (string)p["rule"]! == "failing-tasks" && (string)p["change"]! == "resolved" && (string)p["service"]! == "payments");
            Assert.Contains(posts, p => (string)p["rule"]! == "health-issue" && (string)p["change"]! == "opened");
            Assert.DoesNotContain(posts, p => ((string)p["summary"]!).Contains("spot", StringComparison.OrdinalIgnoreCase));
            // Slack-compatible text beside the fields, with the review command.
            var failed = posts.First(p => (string)p["rule"]! == "deployment-failed");
            Assert.StartsWith("[error] opened: payments: deployment ecs-svc/", (string)failed["text"]!, StringComparison.Ordinal);
            Assert.Contains("Review: `dotnet run --project query -- review --from ", (string)failed["text"]!, StringComparison.Ordinal);
            Assert.True(File.Exists(_temp.Sub("lake/_alerts/state.json")));
        }

        // Restarted over the same objects, read again from the start (its checkpoints gone): nothing is posted again.
        Directory.Delete(_temp.Sub("lake/_checkpoints"), recursive: true);
        using (var webhook = new Webhook())
        {
            using (var host = Start(webhook.Url))
            {
                await Until(() => Directory.Exists(_temp.Sub("lake/_checkpoints")) && Checkpointed() == objects.Length, "every object read again");
                await host.StopAsync();
            }
            Assert.Empty(webhook.Posts);
        }
    }
}
