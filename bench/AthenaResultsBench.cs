using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Analytics.Aws;
using Analytics.Aws.Athena;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;

namespace Analytics.Bench;

/// <summary>
/// How to read a large Athena result: GetQueryResults pages (1,000 rows each, one signed call per page) or the result
/// CSV from the output location (one streamed S3 GET). Both are served on 127.0.0.1 by one process playing Athena and
/// S3, with an optional round-trip delay per request to stand for the network to AWS. Usage:
///   dotnet run -c Release --project bench -- athena-results [--rows N] [--latency-ms MS] [--runs N]
/// </summary>
public static class AthenaResultsBench
{
    /// <summary>Runs the comparison; prints rows, requests and time per mode.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int rows = 100_000, latency = 0, runs = 3;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--rows") rows = int.Parse(args[i + 1], inv);
            if (args[i] == "--latency-ms") latency = int.Parse(args[i + 1], inv);
            if (args[i] == "--runs") runs = int.Parse(args[i + 1], inv);
        }
        var columns = new (string Name, string Type)[] { ("event_time", "timestamp"), ("cluster_name", "varchar"), ("service_name", "varchar"), ("task_arn", "varchar"), ("stop_class", "varchar"), ("exit_code", "integer"), ("events", "bigint"), ("ratio", "double") };
        var data = Enumerable.Range(0, rows).Select(i => new[]
        {
            new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i).ToString("yyyy-MM-dd HH:mm:ss.fff", inv), "prod", $"service-{i % 40}",
            $"arn:aws:ecs:eu-west-1:123456789012:task/prod/{i:x32}", i % 7 == 0 ? "health_check_failed" : "replaced", (i % 3).ToString(inv), i.ToString(inv), (i / 7.0).ToString("R", inv),
        }).ToList();
        var csv = new StringBuilder();
        csv.Append(string.Join(",", columns.Select(c => $"\"{c.Name}\""))).Append('\n');
        foreach (var row in data) csv.Append(string.Join(",", row.Select(v => $"\"{v}\""))).Append('\n');
        var csvBytes = Encoding.UTF8.GetBytes(csv.ToString());

        using var server = new Server(columns, data, csvBytes, latency);
        Console.WriteLine($"{rows:N0} rows ({csvBytes.Length / 1048576.0:0.0} MB as CSV), {latency} ms per request, median of {runs} runs");
        foreach (var mode in new[] { "api", "s3" })
        {
            var times = new List<double>();
            long count = 0;
            for (var run = 0; run < runs; run++)
            {
                var before = server.Requests;
                var watch = Stopwatch.StartNew();
                await using var engine = Engine(server.Url, mode);
                var result = await engine.RunAsync(new RenderedQuery("bench", "SELECT …", []), CancellationToken.None);
                count = 0;
                await foreach (var batch in result.Batches) count += batch.Length;
                times.Add(watch.Elapsed.TotalSeconds);
                if (run == 0) Console.WriteLine($"  {mode}: {server.Requests - before} requests");
            }
            times.Sort();
            var median = times[times.Count / 2];
            Console.WriteLine($"  {mode}: {count:N0} rows in {median:0.00} s ({count / median:N0} rows/s)");
        }
        return 0;
    }

    private static AthenaEngine Engine(Uri url, string mode)
    {
        var credentials = new BasicAWSCredentials("BENCH", "BENCH");
        var client = new AwsJsonClient(AwsService.Athena, new AwsClientOptions { Region = "eu-west-1", Endpoint = url, Credentials = credentials });
        var runner = new AthenaQueryRunner(new AthenaClient(client), new AthenaQueryOptions { Database = "bench", PollInitial = TimeSpan.FromMilliseconds(1) });
        if (mode == "api") return new AthenaEngine(runner, 5m);
        var s3 = S3Clients.Create(url, "eu-west-1", credentials);
        return new AthenaEngine(runner, 5m, null, async (location, ct) =>
        {
            var path = location["s3://".Length..];
            var response = await s3.GetObjectAsync(path[..path.IndexOf('/', StringComparison.Ordinal)], path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..], ct);
            return response.ResponseStream;
        }, s3);
    }

    // Athena's JSON API and S3's GET of the result object, on one local port.
    private sealed class Server : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly (string Name, string Type)[] _columns;
        private readonly List<string[]> _rows;
        private readonly byte[] _csv;
        private readonly int _latency;
        private readonly string _etag;
        private int _requests;

        public Server((string Name, string Type)[] columns, List<string[]> rows, byte[] csv, int latency)
        {
            (_columns, _rows, _csv, _latency) = (columns, rows, csv, latency);
            _etag = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(csv))}\"";
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
            probe.Stop();
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public Uri Url { get; }

        public int Requests => _requests;

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                if (_latency > 0) await Task.Delay(_latency);
                byte[] body;
                if (context.Request.HttpMethod == "GET")
                {
                    body = _csv;
                    context.Response.ContentType = "text/csv";
                    context.Response.Headers["ETag"] = _etag;
                }
                else
                {
                    using var reader = new StreamReader(context.Request.InputStream);
                    var request = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
                    var target = context.Request.Headers["X-Amz-Target"]!;
                    body = JsonSerializer.SerializeToUtf8Bytes(Answer(target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..], request));
                    context.Response.ContentType = AwsJsonClient.ContentType;
                }
                context.Response.ContentLength64 = body.Length;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        private object Answer(string operation, JsonObject request) => operation switch
        {
            "StartQueryExecution" => new { QueryExecutionId = "q-1" },
            "GetQueryExecution" => new
            {
                QueryExecution = new
                {
                    QueryExecutionId = "q-1", StatementType = "DML",
                    ResultConfiguration = new { OutputLocation = "s3://results/q-1.csv" },
                    Status = new { State = "SUCCEEDED" },
                    Statistics = new { DataScannedInBytes = 1L << 30, EngineExecutionTimeInMillis = 1000, QueryQueueTimeInMillis = 10 },
                },
            },
            "GetQueryResults" => Page(request["NextToken"] is { } token ? int.Parse((string)token!, CultureInfo.InvariantCulture) : 0),
            _ => new { },
        };

        // Page p holds rows [p * 1000 - 1, …): the first page starts with the header row.
        private object Page(int page)
        {
            var all = page == 0 ? new[] { _columns.Select(c => c.Name).ToArray() }.Concat(_rows.Take(999)) : _rows.Skip(page * 1000 - 1).Take(1000);
            var last = page * 1000 - 1 + 1000 >= _rows.Count;
            return new
            {
                ResultSet = new
                {
                    Rows = all.Select(r => new { Data = r.Select(v => new { VarCharValue = v }) }),
                    ResultSetMetadata = new { ColumnInfo = _columns.Select(c => new { c.Name, c.Type }) },
                },
                NextToken = last ? null : (page + 1).ToString(CultureInfo.InvariantCulture),
            };
        }

        public void Dispose() => _listener.Close();
    }
}
