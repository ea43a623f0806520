using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Analytics.Tests.Aws;

/// <summary>
/// A real S3-compatible server on 127.0.0.1: the npm package s3rver (tests/s3, installed by .ci/run or here on first
/// use), with one bucket, <c>results</c>. Its credentials are S3RVER/S3RVER. Node runs it with OpenSSL's legacy
/// provider: s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps there (without it, the
/// second page of a listing is an internal error).
/// </summary>
public sealed class S3Server : IDisposable
{
    public const string Key = "S3RVER";
    private readonly Process _process;
    private readonly TempFolder _data = Some.TempFolder();

    public S3Server()
    {
        var folder = Path.Combine(Some.RepoRoot, "tests", "s3");
        var script = Path.Combine(folder, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) Tools.Run("npm", "ci --no-audit --no-fund", folder);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Url = new Uri($"http://127.0.0.1:{port}/");
        _process = Process.Start(new ProcessStartInfo("node", $"--openssl-legacy-provider \"{script}\" -d \"{_data.Path}\" -a 127.0.0.1 -p {port} --silent --configure-bucket results")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("node did not start");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(100);
            }
        }
        Client = Analytics.Aws.S3Clients.Create(Url, "us-east-1", new BasicAWSCredentials(Key, Key));
    }

    public Uri Url { get; }

    public AmazonS3Client Client { get; }


    public Task PutAsync(string bucket, string key, string body) =>
        Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, UseChunkEncoding = false });

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        _data.Dispose();
    }
}
