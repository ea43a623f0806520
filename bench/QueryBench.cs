using System.Diagnostics;
using System.Globalization;
using Analytics.Ingest.Run;
using Analytics.Generator;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Schemas;
using DuckDB.NET.Data;

namespace Analytics.Bench;

/// <summary>
/// Latency of every catalog query on a lake of at least a million task events: through our engine (catalog,
/// validation, rendering, Arrow batches) and hand-run on DuckDB.NET over the same files (the same SQL and
/// values, rows read with the data reader), each the median of several warm runs.
/// </summary>
public static class QueryBench
{
    private const int Days = 14;
    private const int Runs = 5;

    /// <summary>Runs the benchmark: <c>query [--task-events N] [--work DIR]</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var taskEvents = 1_000_000;
        var work = Path.Combine(Path.GetTempPath(), "analytics-bench");
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--task-events") taskEvents = int.Parse(args[i + 1], inv);
            if (args[i] == "--work") work = args[i + 1];
        }
        var lake = Path.Combine(work, $"query-lake-{taskEvents}");
        if (!Directory.Exists(Path.Combine(lake, "ecs_task_events")))
        {
            var input = Path.Combine(work, $"query-input-{taskEvents}");
            Console.Error.WriteLine($"Generating {taskEvents:N0} task events over {Days} days into {input} …");
            new EventGenerator(new GeneratorOptions { Days = Days, TaskEventsPerDay = taskEvents / Days * 21 / 20, TruncatedRecords = 0, Seed = 3 }).WriteTo(input);
            Console.Error.WriteLine($"Ingesting into {lake} …");
            var summary = await new IngestRunner(new IngestOptions { Lake = new() { Location = lake }, Inputs = [input] }, TimeProvider.System, new Analytics.Common.Logging.WriterLoggerProvider(Console.Error, Microsoft.Extensions.Logging.LogLevel.Information).CreateLogger("bench")).RunAsync(CancellationToken.None);
            Console.Error.Write(summary.ToText());
            Directory.Delete(input, recursive: true);
        }

        await using var engine = await DuckDbEngine.OpenAsync(lake, CancellationToken.None);
        using var hand = new DuckDBConnection("DataSource=:memory:");
        hand.Open();
        foreach (var sql in DuckDbEngine.TrinoSettings.Concat(DuckDbEngine.TrinoMacros).Concat(TableCatalog.All.Select(t => DuckDbEngine.ViewSql(Path.GetFullPath(lake), t))))
        {
            using var setup = hand.CreateCommand();
            setup.CommandText = sql;
            setup.ExecuteNonQuery();
        }
        using (var count = hand.CreateCommand())
        {
            count.CommandText = "SELECT count(*), min(event_time), max(event_time) FROM ecs_task_events";
            using var r = count.ExecuteReader();
            r.Read();
            Console.WriteLine(string.Create(inv, $"Lake: {r.GetInt64(0):N0} task events from {r.GetDateTime(1):yyyy-MM-dd} to {r.GetDateTime(2):yyyy-MM-dd}; {Environment.ProcessorCount} cores; median of {Runs} warm runs, whole range"));
        }

        var given = new Dictionary<string, string> { ["from"] = "2026-11-02T00:00:00Z", ["to"] = $"2026-11-{2 + Days:D2}T00:00:00Z" };
        Console.WriteLine();
        Console.WriteLine("| query | rows | analytics (ms) | hand-run DuckDB (ms) | overhead |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var totals = (Ours: 0.0, Hand: 0.0);
        foreach (var query in QueryCatalog.Default.Queries)
        {
            var oursTimes = new List<double>();
            var handTimes = new List<double>();
            long rows = 0;
            for (var run = 0; run <= Runs; run++)
            {
                var sw = Stopwatch.StartNew();
                var values = ParameterParser.Parse(query, given.Where(g => query.Parameter(g.Key) is not null));
                var result = await engine.RunAsync(query.Render(values), CancellationToken.None);
                rows = 0;
                await foreach (var batch in result.Batches) { rows += batch.Length; batch.Dispose(); }
                var ours = sw.Elapsed.TotalMilliseconds;

                var rendered = query.Render(values);
                sw.Restart();
                using (var command = hand.CreateCommand())
                {
                    command.CommandText = rendered.Sql;
                    foreach (var value in rendered.Bound) command.Parameters.Add(new DuckDBParameter { Value = value.Value ?? DBNull.Value });
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                        for (var c = 0; c < reader.FieldCount; c++) _ = reader.IsDBNull(c) ? null : reader.GetValue(c);
                }
                var handMs = sw.Elapsed.TotalMilliseconds;
                if (run == 0) continue; // warm-up: file metadata and page cache
                oursTimes.Add(ours);
                handTimes.Add(handMs);
            }
            var (o, h) = (Median(oursTimes), Median(handTimes));
            totals = (totals.Ours + o, totals.Hand + h);
            Console.WriteLine(string.Create(inv, $"| {query.Name} | {rows:N0} | {o:N0} | {h:N0} | {o / h:N2}x |"));
        }
        Console.WriteLine(string.Create(inv, $"| **all** | | {totals.Ours:N0} | {totals.Hand:N0} | {totals.Ours / totals.Hand:N2}x |"));
        return 0;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
