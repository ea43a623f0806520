using Amazon.S3.Model;
using Analytics.Ingest.Cli;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Ingest.Run;

/// <summary>
/// Ingest reading Firehose-style objects from S3 (s3rver on 127.0.0.1): the same rows as from the same objects in a
/// folder, gzip trailers checked through ranged GETs, hidden keys skipped, sources named by their s3:// URI.
/// </summary>
public sealed class S3InputTests(S3Server s3) : IClassFixture<S3Server>
{
    [Fact]
    public async Task Ingest_FromAnS3Prefix_LandsWhatTheSameFolderLands()
    {
        using var temp = Some.TempFolder();
        var generated = Path.Combine(Some.RepoRoot, "samples", "generated");
        await s3.Client.PutBucketAsync(new PutBucketRequest { BucketName = "raw" });
        foreach (var file in Directory.GetFiles(generated, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('_')))
        {
            var key = "firehose/" + Path.GetRelativePath(generated, file).Replace(Path.DirectorySeparatorChar, '/');
            await s3.Client.PutObjectAsync(new PutObjectRequest { BucketName = "raw", Key = key, FilePath = file, UseChunkEncoding = false });
        }
        await s3.PutAsync("raw", "firehose/_manifests/skip-me.json", "{not input");
        await s3.PutAsync("raw", "firehose/2026/11/02/.partial", "{not input either");

        var (code, fromS3, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("s3-lake"), "--quiet", "--s3-endpoint", s3.Url.ToString(), "s3://raw/firehose/"], c, i));
        Assert.True(code == Commands.Ok, err);
        (code, var fromFolder, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("local-lake"), "--quiet", generated], c, i));
        Assert.True(code == Commands.Ok, err);

        // The same records read, landed, duplicated and quarantined, and the same rows per table.
        static string Counts(string summary) => string.Join('\n', summary.Split('\n').Where(l => !l.Contains("Ingest run", StringComparison.Ordinal) && !l.Contains("took", StringComparison.Ordinal) && !l.Contains("written", StringComparison.Ordinal) && !l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
        Assert.Equal(Counts(fromFolder), Counts(fromS3));
        Assert.Contains("landed", fromS3, StringComparison.Ordinal);
        using var db = Some.DuckDb(temp.Sub("s3-lake"));
        Assert.Equal(0L, Some.Scalar<long>(db, "SELECT count(*) FROM ecs_task_events WHERE NOT starts_with(source_object, 's3://raw/firehose/2026/')"));

        // Again: every record a duplicate.
        (code, var again, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("s3-lake"), "--quiet", "--s3-endpoint", s3.Url.ToString(), "s3://raw/firehose/"], c, i));
        Assert.True(code == Commands.Ok, err);
        Assert.Contains("landed       0 records", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_GetBodiesThatBreakHalfway_ResumeAndLandWhatTheFolderLands()
    {
        // Behind the layer, every third GET of an object (ten in all) sends half its body and drops the connection, as a GET under
        // strain can: each read resumes from the byte after the last received, on the same ETag.
        using var temp = Some.TempFolder();
        using var bucket = new ConditionalBucket(s3, "cut");
        var generated = Path.Combine(Some.RepoRoot, "samples", "generated");
        var files = Directory.GetFiles(generated, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('_')).ToList();
        foreach (var file in files)
            await s3.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket.Name, Key = "firehose/" + Path.GetRelativePath(generated, file).Replace(Path.DirectorySeparatorChar, '/'), FilePath = file, UseChunkEncoding = false });
        bucket.Proxy.CutBodies(10);

        var (code, fromS3, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("s3-lake"), "--quiet", "--s3-endpoint", bucket.Proxy.Url.ToString(), $"s3://{bucket.Name}/firehose/"], c, i));
        Assert.True(code == Commands.Ok, err);
        Assert.Equal(10, bucket.Proxy.BodiesCut);
        (code, var fromFolder, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("local-lake"), "--quiet", generated], c, i));
        Assert.True(code == Commands.Ok, err);
        static string Counts(string summary) => string.Join('\n', summary.Split('\n').Where(l => !l.Contains("Ingest run", StringComparison.Ordinal) && !l.Contains("took", StringComparison.Ordinal) && !l.Contains("written", StringComparison.Ordinal) && !l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
        Assert.Equal(Counts(fromFolder), Counts(fromS3));
    }

    [Fact]
    public async Task Read_ObjectReplacedBeforeABrokenBodyResumes_IsNeverStitched()
    {
        using var bucket = new ConditionalBucket(s3, "swap");
        var first = new string('a', 50_000);
        await s3.PutAsync(bucket.Name, "o.json", first);
        using var client = Analytics.Aws.S3Clients.Create(bucket.Proxy.Url, "us-east-1", new Amazon.Runtime.BasicAWSCredentials(S3Server.Key, S3Server.Key));
        var store = new Analytics.Ingest.Storage.S3ObjectStore(client, bucket.Name, "");
        bucket.Proxy.CutBodies(1, every: 1);
        await using var stream = await store.OpenReadAsync("o.json", 0, CancellationToken.None);
        var half = new byte[25_000];
        await stream.ReadExactlyAsync(half);
        Assert.All(half, b => Assert.Equal((byte)'a', b));
        // Replaced while its body was cut: the resume asks for the rest of the object it began (If-Match its ETag).
        await s3.PutAsync(bucket.Name, "o.json", new string('b', 50_000));

        var ex = await Assert.ThrowsAsync<IOException>(async () => await stream.ReadExactlyAsync(new byte[25_000]));

        Assert.Contains($"s3://{bucket.Name}/o.json was replaced while it was read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_AnObjectItMayNotRead_IsQuarantinedAsUnreadable_AndTheRestLands()
    {
        using var temp = Some.TempFolder();
        using var bucket = new ConditionalBucket(s3, "denied");
        var capture = File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "captured", "task-state-change-stopped-ec2-exit137-servicescheduler-captured.json"));
        await s3.PutAsync(bucket.Name, "in/a.json", capture);
        await s3.PutAsync(bucket.Name, "in/secret.json", capture.Replace("\"version\"", "\"versionx\"", StringComparison.Ordinal));
        bucket.Proxy.ForbidReads("/in/secret.json");

        var (code, output, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("lake"), "--s3-endpoint", bucket.Proxy.Url.ToString(), $"s3://{bucket.Name}/in/"], c, i));

        Assert.True(code == Commands.Ok, err);
        Assert.Contains("landed       1 records", output, StringComparison.Ordinal);
        Assert.Contains("unreadable   1 object", output, StringComparison.Ordinal);
        Assert.Contains($"s3://{bucket.Name}/in/secret.json: byte 0: could not be read: Access Denied", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_S3EndpointFromTheSettingsFileBothProgramsRead()
    {
        using var temp = Some.TempFolder();
        await s3.Client.PutBucketAsync(new PutBucketRequest { BucketName = "settings" });
        await s3.PutAsync("settings", "in/one.json", File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "captured", "task-state-change-stopped-ec2-exit137-servicescheduler-captured.json")));
        // The query program's sections sit beside it and are left alone.
        File.WriteAllText(temp.Sub("settings.json"), $$$"""{"Query": {"Engine": "duckdb"}, "Athena": {"Database": "ops"}, "Aws": {"S3Endpoint": "{{{s3.Url}}}"}}""");

        var (code, output, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("lake"), "--quiet", "--settings", temp.Sub("settings.json"), "s3://settings/in/"], c, i));

        Assert.True(code == Commands.Ok, err);
        Assert.Contains("landed       1 records", output, StringComparison.Ordinal);
        (code, _, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("lake"), "--settings", temp.Sub("missing.json"), "s3://settings/in/"], c, i));
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains($"--settings: file '{temp.Sub("missing.json")}' does not exist.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_S3InputsValidated()
    {
        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["ingest", "--lake", "x", "--s3-endpoint", "not a url", "s3://"], c, i));
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains("input 's3://' is not an S3 location: expected s3://bucket/prefix/.", err, StringComparison.Ordinal);
        Assert.Contains("--s3-endpoint 'not a url' must be an http(s) URL.", err, StringComparison.Ordinal);
    }
}
