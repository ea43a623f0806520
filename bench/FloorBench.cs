using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Analytics.Generator;

namespace Analytics.Bench;

/// <summary>
/// Our ingest against the floor of its work and against DuckDB, on the same generated Firehose objects, in one run:
/// the floor pass reads every object, gunzips it and tokenizes every JSON value with <see cref="Utf8JsonReader"/> on all
/// cores (touching every byte, building nothing); our ingest lands the objects in a lake, in a fresh process (a one-shot
/// run, which compiles its code as it goes) and warm (timed after a first run in the same process, as the worker's runs
/// are); DuckDB's typed read_json and partitioned COPY convert them. Each runs --runs times in a child process of its own
/// (so each peak memory is its own), alternating, and the medians and ratios are printed, then our ingest's stages.
///   dotnet run -c Release --project bench -- floor [--events 300000] [--runs 3] [--work DIR]
/// </summary>
internal static class FloorBench
{
    /// <summary>
    /// The options these benchmarks share (<c>--events</c>, <c>--runs</c>, <c>--work</c>) and their input: a week of
    /// generated task events, made once in the work folder.
    /// </summary>
    public static (int Runs, string Work, string Input) Options(string[] args, int events)
    {
        ArgumentNullException.ThrowIfNull(args);
        var inv = CultureInfo.InvariantCulture;
        var runs = 3;
        var work = Path.Combine(Path.GetTempPath(), "analytics-bench");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--events") events = int.Parse(args[i + 1], inv);
            else if (args[i] == "--runs") runs = Math.Max(1, int.Parse(args[i + 1], inv));
            else if (args[i] == "--work") work = args[i + 1];
        }
        var input = Path.Combine(work, $"input-{events}");
        if (!Directory.Exists(input))
            new EventGenerator(new GeneratorOptions { Days = 7, TaskEventsPerDay = events / 7, TruncatedRecords = 0, GzipWithoutExtensionShare = 0, Seed = 1 }).WriteTo(input);
        return (runs, work, input);
    }

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var (runs, work, input) = Options(args, 300_000);
        var files = Directory.GetFiles(input, "*", SearchOption.AllDirectories);
        Console.WriteLine(string.Create(inv, $"Input: {files.Length:N0} objects, {files.Sum(f => new FileInfo(f).Length) / 1e6:N1} MB stored; {Environment.ProcessorCount} cores"));
        var results = new Dictionary<string, List<ChildRun>>(StringComparer.Ordinal) { ["tokenize"] = [], ["ours"] = [], ["ours-warm"] = [], ["duckdb"] = [] };
        for (var run = 1; run <= runs; run++)
        {
            foreach (var mode in results.Keys) results[mode].Add(Timed(mode, work, input));
            Console.WriteLine($"run {run}/{runs}: " + string.Join("; ", results.Select(r => string.Create(inv, $"{r.Key} {r.Value[^1].Seconds:N2} s, {r.Value[^1].Peak / 1e6:N0} MB"))));
        }
        ChildRun Median(string mode) => results[mode].OrderBy(r => r.Seconds).ElementAt((runs - 1) / 2);
        long Peak(string mode) => results[mode].Max(r => r.Peak);
        string Cpu(ChildRun r) => r.Cpu is { } cpu ? string.Create(inv, $"{cpu:N2} s") + (r.Jit is { } jit ? string.Create(inv, $", of which compiling {jit:N2} s") : "") : "";
        var (floor, ours, warm, duck) = (Median("tokenize").Seconds, Median("ours"), Median("ours-warm"), Median("duckdb").Seconds);
        Console.WriteLine();
        Console.WriteLine("| pass | median | processor time (the median run's) | peak memory |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(inv, $"| floor: read, gunzip, tokenize every value (all cores) | {floor:N2} s | | {Peak("tokenize") / 1e6:N0} MB |"));
        Console.WriteLine(string.Create(inv, $"| our ingest, in a process of its own (a one-shot run) | {ours.Seconds:N2} s | {Cpu(ours)} | {Peak("ours") / 1e6:N0} MB |"));
        Console.WriteLine(string.Create(inv, $"| our ingest, warm (a second run in the process, as the worker's runs) | {warm.Seconds:N2} s | {Cpu(warm)} | {Peak("ours-warm") / 1e6:N0} MB |"));
        Console.WriteLine(string.Create(inv, $"| DuckDB read_json + COPY | {duck:N2} s | {Cpu(Median("duckdb"))} | {Peak("duckdb") / 1e6:N0} MB |"));
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"ours / floor: {ours.Seconds / floor:N2}x, warm {warm.Seconds / floor:N2}x (target at most 2.5x); DuckDB / ours: {duck / ours.Seconds:N2}x, warm {duck / warm.Seconds:N2}x (target at least 2x); peak {Peak("ours") / 1e6:N0} MB (target under 400 MB)"));

        // Where ours spends it: its stages one after another (a run overlaps them), once.
        using var stages = JsonDocument.Parse(ChildOutput("stages", work, input));
        Console.WriteLine();
        Console.WriteLine("| our ingest's stages, one after another | time | processor time | time / floor |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var stage in stages.RootElement.GetProperty("stages").EnumerateArray())
        {
            var seconds = stage.GetProperty("Seconds").GetDouble();
            Console.WriteLine(string.Create(inv, $"| {stage.GetProperty("Name").GetString()} | {seconds:N2} s | {stage.GetProperty("CpuSeconds").GetDouble():N2} s | {seconds / floor:N1}x |"));
        }
        return 0;
    }

    /// <summary>Runs this program's child <paramref name="mode"/> (ours, duckdb, tokenize) over <paramref name="input"/>; its time and peak memory.</summary>
    public static (double Seconds, long Peak) Child(string mode, string work, string input)
    {
        var run = Timed(mode, work, input);
        return (run.Seconds, run.Peak);
    }

    /// <summary>One child's run: its time, peak memory, and (when it reports them) its processor time and the JIT's compiling time in it.</summary>
    public sealed record ChildRun(double Seconds, long Peak, double? Cpu, double? Jit);

    private static ChildRun Timed(string mode, string work, string input)
    {
        using var doc = JsonDocument.Parse(ChildOutput(mode, work, input));
        var root = doc.RootElement;
        double? Optional(string name) => root.TryGetProperty(name, out var v) ? v.GetDouble() : null;
        return new ChildRun(root.GetProperty("seconds").GetDouble(), root.GetProperty("peak").GetInt64(), Optional("cpu"), Optional("jit"));
    }

    // The child's last line of output: its JSON result.
    private static string ChildOutput(string mode, string work, string input)
    {
        var output = Path.Combine(work, $"out-{mode}");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        foreach (var a in new[] { mode, work, input, output }) start.ArgumentList.Add(a);
        if (Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal)) start.ArgumentList.Insert(0, System.Reflection.Assembly.GetEntryAssembly()!.Location);
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{mode} failed with exit code {process.ExitCode}");
        return text.Trim().Split('\n')[^1];
    }

    /// <summary>The floor pass (a child mode): every object read, gunzipped when it is gzip, every JSON token read; returns the tokens and the bytes of their values.</summary>
    public static (long Tokens, long ValueBytes, long JsonBytes) Tokenize(string input)
    {
        long tokens = 0, values = 0, json = 0;
        Parallel.ForEach(Directory.GetFiles(input, "*", SearchOption.AllDirectories), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var plain = new MemoryStream(bytes.Length * 8);
                gzip.CopyTo(plain);
                bytes = plain.ToArray();
            }
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = 256 });
            long t = 0, v = 0;
            while (reader.Read())
            {
                t++;
                v += reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            }
            Interlocked.Add(ref tokens, t);
            Interlocked.Add(ref values, v);
            Interlocked.Add(ref json, bytes.Length);
        });
        return (tokens, values, json);
    }
}
