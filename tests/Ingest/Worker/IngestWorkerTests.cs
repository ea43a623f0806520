using System.Text.Json;
using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Worker;
using Microsoft.Extensions.Hosting;

namespace Analytics.Tests.Ingest.Worker;

/// <summary>
/// The worker against a folder that receives Firehose objects while it runs, a late one under an older hour among
/// them: each object is ingested once (the lake ends with exactly the rows of one ingest of the whole folder), it stops
/// cleanly with everything checkpointed, and a restart finds nothing new.
/// </summary>
public sealed class IngestWorkerTests : IDisposable
{
    private readonly TempFolder _temp = Some.TempFolder();
    private static readonly string Generated = Path.Combine(Some.RepoRoot, "samples", "generated");

    public void Dispose()
    {
        _aws.Dispose();
        _temp.Dispose();
    }

    private static List<string> Objects() => Directory.GetFiles(Generated, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    private void Deliver(string file)
    {
        var target = Path.Combine(_temp.Sub("raw"), Path.GetRelativePath(Generated, file));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Written aside under a hidden name and renamed, as a finished upload appears.
        var aside = Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + ".part");
        File.Copy(file, aside);
        File.Move(aside, target);
    }

    private readonly ListLogger _logs = new();
    private readonly AwsClients _aws = new(new AwsSettings(), null, TimeProvider.System);

    private IHost Start()
    {
        var services = new WorkerServices(new WorkerSettings { Sources = [_temp.Sub("raw")], IntervalSeconds = 1, StatusSeconds = 1, StopGraceSeconds = 20 },
            new LakeSettings { Location = _temp.Sub("lake") }, new IngestSettings(), new CollectSettings(), _aws);
        Assert.Empty(SettingsLoader.Problems(services.Worker, services.Lake));
        var host = WorkerHost.Build(services, logs: _logs);
        host.Start();
        return host;
    }

    private Dictionary<string, long> Checkpointed()
    {
        // The folder appears a moment before the checkpoint is renamed into it.
        if (Directory.GetFiles(_temp.Sub("lake/_checkpoints"), "*.json").SingleOrDefault() is not { } file) return [];
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.GetProperty("Objects").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    private static async Task Until(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Worker_ObjectsArriveWhileItRuns_EachIngestedOnceAndCheckpointed()
    {
        var objects = Objects();
        Directory.CreateDirectory(_temp.Sub("raw"));
        // The first hours, then the rest while it runs, with the 09:00 object landing last, under its older hour.
        var late = objects.Single(o => o.Contains($"{Path.DirectorySeparatorChar}09{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var file in objects.Take(5)) Deliver(file);
        using (var host = Start())
        {
            await Until(() => Directory.Exists(_temp.Sub("lake/_checkpoints")) && Checkpointed().Count == 5, "the first five objects");
            foreach (var file in objects.Skip(5).Where(o => o != late)) Deliver(file);
            await Until(() => Checkpointed().Count == objects.Count - 1, "the rest but the late one");
            Deliver(late);
            await Until(() => Checkpointed().Count == objects.Count, "the late object");
            await host.StopAsync(CancellationToken.None);
        }
        Assert.Equal(objects.Count, Checkpointed().Count);
        Assert.Contains(_logs.Lines, l => l.StartsWith("Status: ", StringComparison.Ordinal) && l.Contains(" objects ingested since start, ", StringComparison.Ordinal)
            && l.Contains("; rows per table: ecs_container_instance_events ", StringComparison.Ordinal) && l.Contains(", lag behind the sources ", StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.StartsWith($"Worker stopped: {objects.Count} objects ingested since start, 0 waiting left in their sources for the next start; last checkpoint 20", StringComparison.Ordinal));

        // Exactly the rows one ingest of the whole folder lands.
        await Some.IngestAsync(_temp.Sub("reference"), Generated);
        using (var worker = Some.DuckDb(_temp.Sub("lake")))
        using (var reference = Some.DuckDb(_temp.Sub("reference")))
            foreach (var table in Analytics.Schemas.LakePaths.TablesWithData(_temp.Sub("reference")))
                Assert.Equal(Some.Scalar<long>(reference, $"SELECT count(*) FROM {table}"), Some.Scalar<long>(worker, $"SELECT count(*) FROM {table}"));

        // Started again: nothing is new, nothing is read again.
        var files = Directory.GetFiles(_temp.Sub("lake"), "*.parquet", SearchOption.AllDirectories).Length;
        var saved = File.GetLastWriteTimeUtc(Directory.GetFiles(_temp.Sub("lake/_checkpoints")).Single());
        using (var again = Start())
        {
            await Task.Delay(2500);
            await again.StopAsync(CancellationToken.None);
        }
        Assert.Equal(files, Directory.GetFiles(_temp.Sub("lake"), "*.parquet", SearchOption.AllDirectories).Length);
        Assert.Equal(saved, File.GetLastWriteTimeUtc(Directory.GetFiles(_temp.Sub("lake/_checkpoints")).Single()));
    }

    [Fact]
    public async Task Worker_AnObjectOfOneHugeRecord_IsQuarantinedAndTheWorkerMovesOn()
    {
        // A small gzip object that expands to one 24 MiB record (no event is larger than 1 MB), then a good object.
        Directory.CreateDirectory(_temp.Sub("raw/2026/11/02/00"));
        await using (var gzip = new System.IO.Compression.GZipStream(File.Create(_temp.Sub("raw/2026/11/02/00/poison.gz")), System.IO.Compression.CompressionLevel.Optimal))
        {
            await gzip.WriteAsync("{\"detail\":\""u8.ToArray());
            var chunk = System.Text.Encoding.UTF8.GetBytes(new string('a', 1 << 20));
            for (var i = 0; i < 24; i++) await gzip.WriteAsync(chunk);
            await gzip.WriteAsync("\"}"u8.ToArray());
        }
        var good = Objects()[0];
        using (var host = Start())
        {
            await Until(() => Directory.Exists(_temp.Sub("lake/_checkpoints")) && Checkpointed().Count == 1, "the poison object");
            Deliver(good);
            await Until(() => Checkpointed().Count == 2, "the good object after it");
            await host.StopAsync(CancellationToken.None);
        }
        Assert.Contains(_logs.Lines, l => l.StartsWith("Worker stopped: 2 objects ingested since start", StringComparison.Ordinal));
        var quarantine = Directory.GetFiles(_temp.Sub("lake/_quarantine"), "*.jsonl").Select(File.ReadAllText).ToList();
        Assert.Contains(quarantine, q => q.Contains("\"kind\":\"too_large\"", StringComparison.Ordinal) && q.Contains("poison.gz", StringComparison.Ordinal));
        await Some.IngestAsync(_temp.Sub("reference"), good);
        using var worker = Some.DuckDb(_temp.Sub("lake"));
        using var reference = Some.DuckDb(_temp.Sub("reference"));
        Assert.Equal(Some.Scalar<long>(reference, "SELECT count(*) FROM ecs_task_events"), Some.Scalar<long>(worker, "SELECT count(*) FROM ecs_task_events"));
    }

    [Fact]
    public async Task WorkerCommand_Sigterm_ExitsZeroWithEverythingCheckpointed()
    {
        var objects = Objects();
        foreach (var file in objects) Deliver(file);
        // The worker command in a process of its own, stopped as ECS stops a task: SIGTERM.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new System.Diagnostics.ProcessStartInfo(dotnet,
            [Path.Combine(AppContext.BaseDirectory, "analytics-ingest.dll"), "worker", "--lake", _temp.Sub("lake"), "--source", _temp.Sub("raw"),
             "--interval-seconds", "1", "--health-file", _temp.Sub("worker.health")])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var child = System.Diagnostics.Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        await Until(() => Directory.Exists(_temp.Sub("lake/_checkpoints")) && Checkpointed().Count == objects.Count || child.HasExited, "every object");
        if (child.HasExited) Assert.Fail("the worker stopped on its own: " + await errors);
        await Until(() => File.Exists(_temp.Sub("worker.health")), "the health file");

        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(30), $"took {stopped.Elapsed} to stop");
        Assert.Equal(0, child.ExitCode);
        Assert.Contains($"Worker stopped: {objects.Count} objects ingested since start, 0 waiting", await output + await errors, StringComparison.Ordinal);
        Assert.Equal(objects.Count, Checkpointed().Count);
        Assert.Empty(Directory.GetFiles(_temp.Sub("lake"), ".part-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task FirehoseStream_ItsDeliveryPrefixesBecomeSources()
    {
        using var endpoint = new Analytics.Tests.Aws.FakeAwsEndpoint(request => Analytics.Tests.Aws.FakeResponse.Ok(new
        {
            DeliveryStreamDescription = new
            {
                DeliveryStreamName = "ops-events", DeliveryStreamARN = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ops-events",
                DeliveryStreamStatus = "ACTIVE", DeliveryStreamType = "DirectPut", VersionId = "3", HasMoreDestinations = false,
                Destinations = new[]
                {
                    new
                    {
                        DestinationId = "destinationId-000000000001",
                        ExtendedS3DestinationDescription = new
                        {
                            RoleARN = "arn:aws:iam::123456789012:role/firehose", BucketARN = "arn:aws:s3:::raw-ops",
                            Prefix = "events/!{timestamp:yyyy/MM/dd/HH}/", ErrorOutputPrefix = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                            CompressionFormat = "GZIP", BufferingHints = new { SizeInMBs = 5, IntervalInSeconds = 300 },
                        },
                    },
                },
            },
        }));
        var options = new WorkerSettings { FirehoseStream = "ops-events" };
        using var aws = new AwsClients(new AwsSettings { FirehoseEndpoint = endpoint.Url.ToString(), Region = "eu-west-1" },
            new Amazon.Runtime.BasicAWSCredentials(Analytics.Tests.Aws.S3Server.Key, Analytics.Tests.Aws.S3Server.Key), TimeProvider.System);

        var delivery = await WorkerHost.ResolveFirehoseAsync(options, aws, CancellationToken.None);

        Assert.Equal(("raw-ops", "events/", "errors/", "GZIP"), (delivery!.Bucket, delivery.Prefix, delivery.ErrorPrefix, delivery.Compression));
        Assert.Equal(["s3://raw-ops/events/", "s3://raw-ops/errors/"], options.Sources);
        var sent = Assert.Single(endpoint.Received);
        Assert.Equal("Firehose_20150804.DescribeDeliveryStream", sent.Headers["X-Amz-Target"]);
        Assert.Equal("""{"DeliveryStreamName":"ops-events"}""", sent.Body);
        Assert.Contains("/eu-west-1/firehose/aws4_request", sent.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60, 0, 60)]
    [InlineData(60, 1, 120)]
    [InlineData(60, 3, 480)]
    [InlineData(60, 4, 600)]
    [InlineData(60, 1000, 600)]
    [InlineData(900, 2, 900)]
    public void NextLook_BacksOffWhileLooksFail(int interval, int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), IngestWorker.NextLook(interval, failures));

    [Theory]
    [InlineData("", null, new[] { "s3://b/" })]
    [InlineData("raw/", "raw/failed/", new[] { "s3://b/raw/" })]
    public void FirehoseDelivery_SourcesCoverObjectsAndErrorsOnce(string prefix, string? error, string[] sources) =>
        Assert.Equal(sources, new Analytics.Aws.Firehose.FirehoseS3Delivery("b", prefix, error, "GZIP").Sources);

    [Fact]
    public void Options_Invalid_EveryProblemListed()
    {
        var settings = SettingsLoader.Load(null, new Dictionary<string, string?>(),
            [("Worker:Sources:0", "/no/such/folder", "--source"), ("Worker:IntervalSeconds", "0", "--interval-seconds"), ("Worker:Sources:1", "s3://", "--source")], WorkerHost.Sections);
        WorkerHost.Require(settings);
        Assert.Equal(
        [
            "source '/no/such/folder' is not a folder.",
            "source 's3://' is not an S3 location: expected s3://bucket/prefix/.",
            "--interval-seconds 0 must be between 1 and 86400.",
            "--lake is required: the lake folder or s3://bucket/prefix/.",
        ], settings.Errors);
    }
}
