using Amazon.S3.Model;
using Analytics.Ingest.Cli;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Ingest.Run;

/// <summary>
/// Ingest reading Firehose-style objects from S3 (s3rver on 127.0.0.1): the same rows as from the same objects in a
/// folder, gzip trailers checked through ranged GETs, hidden keys skipped, sources named by their s3:// URI.
/// </summary>
[Collection("Console")]
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
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3Server.Key);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3Server.Key);

        var (code, fromS3, err) = await Some.ConsoleAsync(() => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("s3-lake"), "--quiet", "--s3-endpoint", s3.Url.ToString(), "s3://raw/firehose/"]));
        Assert.True(code == Commands.Ok, err);
        (code, var fromFolder, err) = await Some.ConsoleAsync(() => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("local-lake"), "--quiet", generated]));
        Assert.True(code == Commands.Ok, err);

        // The same records read, landed, duplicated and quarantined, and the same rows per table.
        static string Counts(string summary) => string.Join('\n', summary.Split('\n').Where(l => !l.Contains("Ingest run", StringComparison.Ordinal) && !l.Contains("took", StringComparison.Ordinal) && !l.Contains("written", StringComparison.Ordinal) && !l.TrimStart().StartsWith("- ", StringComparison.Ordinal)));
        Assert.Equal(Counts(fromFolder), Counts(fromS3));
        Assert.Contains("landed", fromS3, StringComparison.Ordinal);
        using var db = Some.DuckDb(temp.Sub("s3-lake"));
        Assert.Equal(0L, Some.Scalar<long>(db, "SELECT count(*) FROM ecs_task_events WHERE NOT starts_with(source_object, 's3://raw/firehose/2026/')"));

        // Again: every record a duplicate.
        (code, var again, err) = await Some.ConsoleAsync(() => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("s3-lake"), "--quiet", "--s3-endpoint", s3.Url.ToString(), "s3://raw/firehose/"]));
        Assert.True(code == Commands.Ok, err);
        Assert.Contains("landed       0 records", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_S3EndpointFromTheSettingsFileTheQueryProgramReads()
    {
        using var temp = Some.TempFolder();
        await s3.Client.PutBucketAsync(new PutBucketRequest { BucketName = "settings" });
        await s3.PutAsync("settings", "in/one.json", File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "captured", "task-state-change-stopped-ec2-exit137-servicescheduler-captured.json")));
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3Server.Key);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3Server.Key);
        // Query's keys sit beside it and are left alone.
        File.WriteAllText(temp.Sub("settings.json"), $$"""{"engine": "duckdb", "athena_database": "ops", "s3_endpoint": "{{s3.Url}}"}""");

        var (code, output, err) = await Some.ConsoleAsync(() => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("lake"), "--quiet", "--settings", temp.Sub("settings.json"), "s3://settings/in/"]));

        Assert.True(code == Commands.Ok, err);
        Assert.Contains("landed       1 records", output, StringComparison.Ordinal);
        (code, _, err) = await Some.ConsoleAsync(() => Commands.InvokeAsync(["ingest", "--lake", temp.Sub("lake"), "--settings", temp.Sub("missing.json"), "s3://settings/in/"]));
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains($"--settings: file '{temp.Sub("missing.json")}' does not exist.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_S3InputsValidated()
    {
        var (code, _, err) = await Some.ConsoleAsync(() => Commands.InvokeAsync(["ingest", "--lake", "x", "--s3-endpoint", "not a url", "s3://"]));
        Assert.Equal(Commands.InvalidOptions, code);
        Assert.Contains("input 's3://' is not an S3 location: expected s3://bucket/prefix/.", err, StringComparison.Ordinal);
        Assert.Contains("--s3-endpoint 'not a url' must be an http(s) URL.", err, StringComparison.Ordinal);
    }
}
