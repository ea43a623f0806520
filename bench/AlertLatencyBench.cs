using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3.Model;
using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Worker;
using Analytics.Tests.Aws;

namespace Analytics.Bench;

/// <summary>
/// From an object landing in the watched prefix to its alert reaching a webhook: s3rver on 127.0.0.1 stands for S3 (the
/// npm package in tests/s3), the worker runs in this process watching s3://raw/events/, and each round puts one object
/// holding three failed tasks of a new service, then times the failing-tasks alert's arrival at a webhook on 127.0.0.1.
///   dotnet run -c Release --project bench -- alerts-latency [--interval-seconds 5] [--rounds 8] [--work DIR]
/// </summary>
internal static class AlertLatencyBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int interval = 5, rounds = 8;
        var work = Path.Combine(Path.GetTempPath(), "analytics-bench-alerts");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--interval-seconds") interval = int.Parse(args[i + 1], inv);
            else if (args[i] == "--rounds") rounds = int.Parse(args[i + 1], inv);
            else if (args[i] == "--work") work = args[i + 1];
        }
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        Directory.CreateDirectory(work);
        var script = Path.Combine(RepoRoot.Path, "tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"s3rver is not installed: npm ci --prefix {Path.Combine(RepoRoot.Path, "tests", "s3")}");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var data = Directory.CreateDirectory(Path.Combine(work, "s3rver-data")).FullName;
        using var server = Process.Start(new ProcessStartInfo("node", $"--openssl-legacy-provider \"{script}\" -d \"{data}\" -a 127.0.0.1 -p {port} --silent --configure-bucket raw")
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var endpoint = $"http://127.0.0.1:{port}/";
            await Task.Delay(1500);
            using var s3 = Analytics.Aws.S3Clients.Create(new Uri(endpoint), "us-east-1", new BasicAWSCredentials("S3RVER", "S3RVER"));
            var received = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);
            using var listener = new HttpListener();
            var hook = Loopback.Start(listener);
            var serving = Loopback.ServeAsync(listener, async context =>
            {
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    var alert = JsonNode.Parse(await reader.ReadToEndAsync())!;
                    if ((string)alert["rule"]! == "failing-tasks" && (string)alert["change"]! == "opened") received.TryAdd((string)alert["service"]!, DateTime.UtcNow);
                }
                context.Response.StatusCode = 200;
                context.Response.Close();
            });
            using var aws = new AwsClients(new AwsSettings { S3Endpoint = endpoint, Region = "us-east-1" }, new BasicAWSCredentials("S3RVER", "S3RVER"), TimeProvider.System);
            var services = new WorkerServices(new WorkerSettings { Sources = ["s3://raw/events/"], IntervalSeconds = interval, StatusSeconds = 3600 },
                new LakeSettings { Location = Path.Combine(work, "lake") }, new IngestSettings(), new CollectSettings(), aws, new AlertSettings { Webhook = hook.ToString() });
            using var host = WorkerHost.Build(services, logs: Microsoft.Extensions.Logging.Abstractions.NullLoggerProvider.Instance);
            await host.StartAsync();
            Console.WriteLine($"worker interval {interval} s; s3rver and the worker share {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| round | object put → alert at the webhook |");
            Console.WriteLine("|---:|---:|");
            var latencies = new List<double>();
            var rng = new Random(7);
            for (var round = 1; round <= rounds; round++)
            {
                // Landing at a different moment of the worker's interval each round.
                await Task.Delay(TimeSpan.FromSeconds(rng.NextDouble() * interval));
                var service = $"svc-{round}";
                var body = string.Join('\n', Enumerable.Range(1, 3).Select(n => StoppedTask(service, n, DateTime.UtcNow)));
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "raw", Key = $"events/{DateTime.UtcNow:yyyy/MM/dd/HH}/ops-{round}", ContentBody = body, UseChunkEncoding = false });
                var landed = DateTime.UtcNow;
                var deadline = landed.AddSeconds(interval * 4 + 30);
                while (!received.ContainsKey(service) && DateTime.UtcNow < deadline) await Task.Delay(20);
                if (!received.TryGetValue(service, out var at)) throw new InvalidOperationException($"no alert for {service} within {(deadline - landed).TotalSeconds:N0} s");
                latencies.Add((at - landed).TotalSeconds);
                Console.WriteLine(string.Create(inv, $"| {round} | {latencies[^1]:0.00} s |"));
            }
            await host.StopAsync();
            listener.Stop();
            await serving;
            var sorted = latencies.Order().ToList();
            Console.WriteLine();
            Console.WriteLine(string.Create(inv, $"median {sorted[(sorted.Count - 1) / 2]:0.00} s, longest {sorted[^1]:0.00} s; target: the interval plus 2 s = {interval + 2} s"));
            return 0;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }

    // An ECS Task State Change of a task stopped because its essential container exited (EventBridge's envelope).
    private static string StoppedTask(string service, int n, DateTime at)
    {
        var arn = $"arn:aws:ecs:us-east-1:123456789012:task/prod/{service}{n:D4}{Guid.NewGuid():N}"[..80];
        string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0", ["id"] = Guid.NewGuid().ToString(), ["detail-type"] = "ECS Task State Change", ["source"] = "aws.ecs", ["account"] = "123456789012",
            ["time"] = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), ["region"] = "us-east-1", ["resources"] = new[] { arn },
            ["detail"] = new Dictionary<string, object>
            {
                ["clusterArn"] = "arn:aws:ecs:us-east-1:123456789012:cluster/prod", ["taskArn"] = arn, ["group"] = $"service:{service}",
                ["taskDefinitionArn"] = $"arn:aws:ecs:us-east-1:123456789012:task-definition/{service}:3", ["lastStatus"] = "STOPPED", ["desiredStatus"] = "STOPPED",
                ["launchType"] = "FARGATE", ["stopCode"] = "EssentialContainerExited", ["stoppedReason"] = "Essential container in task exited",
                ["createdAt"] = Iso(at.AddMinutes(-2)), ["startedAt"] = Iso(at.AddMinutes(-1)), ["stoppingAt"] = Iso(at.AddSeconds(-5)), ["stoppedAt"] = Iso(at), ["updatedAt"] = Iso(at), ["version"] = 5,
                ["containers"] = new[] { new Dictionary<string, object> { ["name"] = service, ["lastStatus"] = "STOPPED", ["exitCode"] = 1, ["image"] = $"{service}:3" } },
            },
        });
    }
}
