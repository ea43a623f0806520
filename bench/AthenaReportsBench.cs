using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Analytics.Common.Cli;
using Analytics.Ingest.Run;
using Analytics.Query.Engines;
using Analytics.Tests.Aws;

namespace Analytics.Bench;

/// <summary>
/// The review, the weekly report and the dashboard on Athena, against the tests' local Athena (it runs each query on DuckDB over the
/// bundled sample and answers SUCCEEDED only after a set latency), once with one query at a time and once with the
/// default concurrency: how long a person waits, when each query takes as long as Athena's do.
///   dotnet run -c Release --project bench -- athena-reports [--latency-ms 2000] [--weeks 4] [--work DIR]
/// </summary>
internal static class AthenaReportsBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int latency = 2000, weeks = 4;
        var work = Path.Combine(Path.GetTempPath(), "analytics-bench-reports");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--latency-ms") latency = int.Parse(args[i + 1], inv);
            else if (args[i] == "--weeks") weeks = int.Parse(args[i + 1], inv);
            else if (args[i] == "--work") work = args[i + 1];
        }
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var lake = Path.Combine(work, "lake");
        var samples = Path.Combine(RepoRoot.Path, "samples");
        await new IngestRunner(new IngestOptions { Lake = new() { Location = lake }, Inputs = [samples] }, TimeProvider.System).RunAsync(CancellationToken.None);
        await using var duck = await DuckDbEngine.OpenAsync(lake, CancellationToken.None);
        using var athena = new FakeAthena { Execute = (sql, parameters) => DuckDbAthena.Execute(duck, sql, parameters), QueryLatency = TimeSpan.FromMilliseconds(latency) };
        var context = new ProgramContext { Credentials = new BasicAWSCredentials("BENCH", "BENCH") };
        string[] onAthena = ["--engine", "athena", "--athena-endpoint", athena.Url.ToString(), "--region", "eu-west-1", "--database", "ops", "--reuse-minutes", "0"];
        string[] review = ["review", "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z", "--service", "payments"];
        string[] report = ["report", "weekly", "--weeks", weeks.ToString(inv), "--until", "2026-11-08", "-o", Path.Combine(work, "report")];
        string[] dashboard = ["dashboard", "--from", "2026-11-02T13:30:00Z", "--to", "2026-11-02T16:00:00Z", "-o", Path.Combine(work, "dashboard.html")];

        Console.WriteLine($"Each query takes {latency:N0} ms in the local Athena (then its result is read); {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| command | queries | one at a time | at once (default) | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, command, target) in new[] { ("review", review, "8 s"), ($"report weekly --weeks {weeks}", report, "10 s"), ("dashboard", dashboard, "–") })
        {
            var before = athena.Received.Count(r => r.Operation == "StartQueryExecution");
            var serial = await TimeAsync([.. command, .. onAthena, "--max-concurrent-queries", "1"], context);
            var queries = athena.Received.Count(r => r.Operation == "StartQueryExecution") - before;
            var concurrent = await TimeAsync([.. command, .. onAthena], context);
            Console.WriteLine($"| {name} | {queries} | {serial:0.0} s | {concurrent:0.0} s | {(target == "–" ? "–" : "≤ " + target)} |");
        }
        return 0;
    }

    private static async Task<double> TimeAsync(string[] args, ProgramContext context)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var stopwatch = Stopwatch.StartNew();
        var code = await Analytics.Query.Cli.Commands.InvokeAsync(args, context, new InvocationConfiguration { Output = output, Error = error });
        if (code != 0) throw new InvalidOperationException($"{string.Join(' ', args)} exited {code}: {error}");
        return stopwatch.Elapsed.TotalSeconds;
    }
}
