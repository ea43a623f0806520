using Amazon.S3.Model;

namespace Analytics.Tests.Aws;

/// <summary>
/// A fresh bucket on the tests' s3rver, reached through <see cref="ConditionalS3Proxy"/>, with the SDK's default
/// credentials (the environment) set to s3rver's, as a child process or the code under test finds them.
/// </summary>
public sealed class ConditionalBucket : IDisposable
{
    public ConditionalBucket(S3Server server, string name)
    {
        Server = server;
        Name = name + Guid.NewGuid().ToString("N")[..8];
        Proxy = new ConditionalS3Proxy(server);
        server.Client.PutBucketAsync(new PutBucketRequest { BucketName = Name }).GetAwaiter().GetResult();
    }

    public S3Server Server { get; }

    public ConditionalS3Proxy Proxy { get; }

    public string Name { get; }

    /// <summary>The keys under <paramref name="prefix"/>, relative to it, in key order.</summary>
    public async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Name, Prefix = prefix };
        do
        {
            var page = await Server.Client.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key[prefix.Length..]));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        return keys;
    }

    /// <summary>Uploads each file under <paramref name="folder"/> to <paramref name="prefix"/> + its relative path.</summary>
    public async Task UploadAsync(string folder, string prefix, IEnumerable<string> files)
    {
        foreach (var file in files)
            await Server.Client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Name, Key = prefix + Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/'), FilePath = file, UseChunkEncoding = false,
            });
    }

    /// <summary>Copies the objects under <paramref name="prefix"/> into a fresh <paramref name="folder"/>, for DuckDB to read as a reader of the bucket would.</summary>
    public async Task<string> CopyAsync(string prefix, string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        foreach (var key in await KeysAsync(prefix))
        {
            var path = Path.Combine(folder, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var response = await Server.Client.GetObjectAsync(Name, prefix + key);
            await using var target = File.Create(path);
            await response.ResponseStream.CopyToAsync(target);
        }
        return folder;
    }

    public void Dispose() => Proxy.Dispose();
}
