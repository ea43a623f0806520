using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3.Model;
using Analytics.Generator;

namespace Analytics.Bench;

/// <summary>
/// Ingest from S3 to S3 (input and lake on S3), and from S3 to a local lake, against the same input from a local
/// folder to a local lake, side by side, each run in a child process of its own (so each peak memory is its own),
/// alternating: s3rver on 127.0.0.1 stands for S3 (the npm package in tests/s3; Node needed). Usage:
///   dotnet run -c Release --project bench -- s3-input [--events N] [--runs N] [--work DIR] [--parallelism N] [--pin]
/// With --pin (Linux, taskset), every ingest runs on the first core and s3rver on the others, so the server stands
/// apart as S3 does instead of taking CPU from the ingest it serves.
/// </summary>
public static class S3InputBench
{
    /// <summary>Runs the comparison; prints each run and the medians.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int events = 100_000, runs = 3;
        string? parallelism = null;
        var pin = args.Contains("--pin");
        var work = Path.Combine(Path.GetTempPath(), "analytics-bench");
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--events") events = int.Parse(args[i + 1], inv);
            if (args[i] == "--runs") runs = Math.Max(1, int.Parse(args[i + 1], inv));
            if (args[i] == "--work") work = args[i + 1];
            if (args[i] == "--parallelism") parallelism = args[i + 1];
        }
        var input = Path.Combine(work, $"s3-input-{events}");
        if (!Directory.Exists(input))
            new EventGenerator(new GeneratorOptions { Days = 7, TaskEventsPerDay = events / 7, TruncatedRecords = 0, Seed = 1 }).WriteTo(input);

        var repo = RepoRoot.Path;
        var script = Path.Combine(repo, "tests", "s3", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script)) throw new InvalidOperationException($"s3rver is not installed: npm ci --prefix {Path.Combine(repo, "tests", "s3")}");
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var data = Path.Combine(work, "s3rver-data");
        if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        Directory.CreateDirectory(data);
        var node = $"--openssl-legacy-provider \"{script}\" -d \"{data}\" -a 127.0.0.1 -p {port} --silent --configure-bucket raw";
        using var server = Process.Start(pin
            ? new ProcessStartInfo("taskset", $"-c 1-{Environment.ProcessorCount - 1} node {node}") { RedirectStandardOutput = true, RedirectStandardError = true }
            : new ProcessStartInfo("node", node) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var endpoint = $"http://127.0.0.1:{port}/";
            await Task.Delay(1500);
            using var s3 = Analytics.Aws.S3Clients.Create(new Uri(endpoint), "us-east-1", new BasicAWSCredentials("S3RVER", "S3RVER"));
            var files = Directory.GetFiles(input, "*", SearchOption.AllDirectories);
            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (file, ct) =>
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "raw", Key = "in/" + Path.GetRelativePath(input, file).Replace(Path.DirectorySeparatorChar, '/'), FilePath = file, UseChunkEncoding = false }, ct));
            Console.WriteLine(string.Create(inv, $"{files.Length:N0} objects, {files.Sum(f => new FileInfo(f).Length) / 1e6:N1} MB stored; {Environment.ProcessorCount} cores{(pin ? ", ingest pinned to core 0, s3rver to the others" : ", shared by ingest and s3rver")}"));

            var lakes = 0;
            (double Seconds, long Peak, double Cpu) Child(string from, bool lakeOnS3 = false)
            {
                var lake = lakeOnS3 ? $"s3://raw/lake-{++lakes}/" : Path.Combine(work, "s3-bench-lake");
                if (Directory.Exists(lake)) Directory.Delete(lake, recursive: true);
                var summary = Path.Combine(work, "s3-bench-summary.json");
                var ingest = Path.Combine(repo, "ingest", "bin", "Release", "net10.0", "analytics-ingest.dll");
                var start = new ProcessStartInfo(pin ? "taskset" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
                if (pin) foreach (var a in new[] { "-c", "0", "dotnet" }) start.ArgumentList.Add(a);
                foreach (var a in new[] { ingest, "ingest", "--quiet", "--lake", lake, "--summary-json", summary }) start.ArgumentList.Add(a);
                if (lakeOnS3) foreach (var a in new[] { "--staging", Path.Combine(work, "s3-bench-staging") }) start.ArgumentList.Add(a);
                if (parallelism is not null) foreach (var a in new[] { "--parallelism", parallelism }) start.ArgumentList.Add(a);
                if (from == "s3") foreach (var a in new[] { "--s3-endpoint", endpoint, "s3://raw/in/" }) start.ArgumentList.Add(a);
                else start.ArgumentList.Add(input);
                start.Environment["AWS_ACCESS_KEY_ID"] = "S3RVER";
                start.Environment["AWS_SECRET_ACCESS_KEY"] = "S3RVER";
                start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
                using var process = Process.Start(start)!;
                var error = process.StandardError.ReadToEndAsync();
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0) throw new InvalidOperationException($"ingest from {from} failed ({process.ExitCode}): {error.Result}");
                using var json = JsonDocument.Parse(File.ReadAllText(summary));
                return (TimeSpan.Parse(json.RootElement.GetProperty("elapsed").GetString()!, CultureInfo.InvariantCulture).TotalSeconds,
                    json.RootElement.GetProperty("peak_memory_bytes").GetInt64(),
                    TimeSpan.Parse(json.RootElement.GetProperty("process_cpu").GetString()!, CultureInfo.InvariantCulture).TotalSeconds);
            }

            // The server shares this machine's cores: its CPU time during the S3 runs says how much of the gap is its own.
            double ServerCpuSeconds()
            {
                server.Refresh();
                return server.TotalProcessorTime.TotalSeconds;
            }
            var serverCpu = new List<double>();
            var local = new List<(double Seconds, long Peak, double Cpu)>();
            var fromS3 = new List<(double Seconds, long Peak, double Cpu)>();
            var s3ToS3 = new List<(double Seconds, long Peak, double Cpu)>();
            var s3ToS3Cpu = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                local.Add(Child("local"));
                var before = ServerCpuSeconds();
                fromS3.Add(Child("s3"));
                serverCpu.Add(ServerCpuSeconds() - before);
                before = ServerCpuSeconds();
                s3ToS3.Add(Child("s3", lakeOnS3: true));
                s3ToS3Cpu.Add(ServerCpuSeconds() - before);
                Console.WriteLine(string.Create(inv, $"run {run}/{runs}: local→local {local[^1].Seconds:N1} s, {local[^1].Peak / 1e6:N0} MB, CPU {local[^1].Cpu:N1} s; S3→local {fromS3[^1].Seconds:N1} s, {fromS3[^1].Peak / 1e6:N0} MB, CPU {fromS3[^1].Cpu:N1} s ({local[^1].Seconds / fromS3[^1].Seconds:P0}, s3rver {serverCpu[^1]:N1} s CPU); S3→S3 {s3ToS3[^1].Seconds:N1} s, {s3ToS3[^1].Peak / 1e6:N0} MB, CPU {s3ToS3[^1].Cpu:N1} s ({local[^1].Seconds / s3ToS3[^1].Seconds:P0}, s3rver {s3ToS3Cpu[^1]:N1} s CPU)"));
            }
            static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            var (l, s, ss) = (Median(local.Select(r => r.Seconds)), Median(fromS3.Select(r => r.Seconds)), Median(s3ToS3.Select(r => r.Seconds)));
            Console.WriteLine(string.Create(inv, $"median: local→local {l:N1} s; S3→local {s:N1} s, {l / s:P0} of the local throughput; S3→S3 {ss:N1} s, {l / ss:P0} (target 80%); peak {s3ToS3.Max(r => r.Peak) / 1e6:N0} MB S3→S3, {fromS3.Max(r => r.Peak) / 1e6:N0} MB S3→local, {local.Max(r => r.Peak) / 1e6:N0} MB local (bound 400 MB)"));
            // Runs alternate, so each run's ratios compare runs made moments apart: their median resists the machine's drift.
            Console.WriteLine(string.Create(inv, $"median of each run's ratio: S3→local {Median(local.Zip(fromS3, (a, b) => a.Seconds / b.Seconds)):P0}, S3→S3 {Median(local.Zip(s3ToS3, (a, b) => a.Seconds / b.Seconds)):P0} of the local throughput"));
            Console.WriteLine(string.Create(inv, $"median CPU of the ingest process: local→local {Median(local.Select(r => r.Cpu)):N1} s, S3→local {Median(fromS3.Select(r => r.Cpu)):N1} s, S3→S3 {Median(s3ToS3.Select(r => r.Cpu)):N1} s; s3rver beside it: {Median(serverCpu):N1} s and {Median(s3ToS3Cpu):N1} s on the same {Environment.ProcessorCount} cores"));
            return 0;
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }
}
