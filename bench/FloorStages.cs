using System.Diagnostics;
using Analytics.Ingest.Input;
using Analytics.Ingest.Lake;
using Analytics.Ingest.Lake.Writing;
using Analytics.Ingest.Run;

namespace Analytics.Bench;

/// <summary>
/// Our ingest taken apart (a child mode of the floor benchmark): the same work as a run, one stage after another
/// over the whole input, each timed alone with the processor time it used. Reading (read and gunzip every object),
/// normalizing (split and normalize every record, in parallel), writing (dedupe and write every row as the lake's
/// Parquet files, then publish them), and, apart, what compressing the raw JSON costs by itself: every landed
/// record's bytes through ZSTD at the lake's level, in chunks of a row group's raw column, on all cores.
/// A run overlaps the stages; their sum is what it would take without overlap.
/// </summary>
internal static class FloorStages
{
    /// <summary>One stage: wall seconds and processor seconds.</summary>
    public sealed record Stage(string Name, double Seconds, double CpuSeconds);

    public static async Task<List<Stage>> RunAsync(string input, string output)
    {
        var stages = new List<Stage>();
        var files = Directory.GetFiles(input, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        // In groups of objects, so the heap holds about what a run's does (a whole input held at once would make
        // every collection walk it); each stage's time and processor time are summed over the groups.
        var (read, parse, write) = (new Stage("read and gunzip every object", 0, 0), new Stage("split and normalize every record (JSON to rows)", 0, 0),
            new Stage("dedupe and write every row (Parquet.Net, ZSTD), publish", 0, 0));
        var parquet = new Stage("of which Parquet.Net alone: the rows encoded and compressed, in memory", 0, 0);
        var ingestedAt = DateTime.UtcNow;
        var layout = LakeLayout.Open(output, () => throw new InvalidOperationException("local lake"));
        var raws = new List<byte[]>();
        var rawBytes = 0L;
        await using (var writer = new LakeWriter(layout, "stages", (long)new Analytics.Common.Settings.IngestSettings().BatchMegabytes << 20))
        {
            foreach (var group in files.Chunk(Group))
            {
                var objects = new InputObject[group.Length];
                read = Add(read, Time(() => Parallel.For(0, group.Length, i => objects[i] = InputObject.FromBytes(group[i], File.ReadAllBytes(group[i]), DateTime.UnixEpoch))));
                var parsed = new ParsedObject[group.Length];
                parse = Add(parse, Time(() => Parallel.For(0, group.Length, i => parsed[i] = IngestRunner.Parse(objects[i], ingestedAt))));
                foreach (var o in objects) o.Dispose();
                write = Add(write, await TimeAsync(async () =>
                {
                    foreach (var record in parsed.SelectMany(p => p.Records))
                    {
                        await writer.AddAsync(record.Record.Primary!, record.Size, CancellationToken.None);
                        foreach (var derived in record.Record.Derived) await writer.AddAsync(derived, 1536, CancellationToken.None);
                    }
                    await writer.CompleteWritesAsync();
                }));
                // Parquet.Net alone: the group's rows of each table and day as row groups of at most 1,400 rows (a run's
                // size), in memory: no dedupe, no buffering, no files.
                var rows = parsed.SelectMany(p => p.Records).SelectMany(r => r.Record.Derived.Prepend(r.Record.Primary!)).ToList();
                parquet = Add(parquet, await TimeAsync(() => Parallel.ForEachAsync(
                    rows.GroupBy(r => (r.GetType(), Analytics.Schemas.Partitioning.DtOf(r.EventTime))).SelectMany(g => g.Chunk(1400).Select(c => (Dt: g.Key.Item2, Rows: c))),
                    async (rowGroup, ct) =>
                    {
                        var buffer = TableBuffer.For(Analytics.Schemas.TableCatalog.ForRowType(rowGroup.Rows[0].GetType()));
                        foreach (var row in rowGroup.Rows) buffer.Add(rowGroup.Dt, row);
                        using var memory = new MemoryStream();
                        await buffer.FlushAsync(rowGroup.Dt, memory, ct);
                    })));
                // The raw column's bytes, in chunks of about a row group's (1,400 rows of ~2.4 KB), for the last stage.
                using var chunk = new MemoryStream();
                foreach (var row in parsed.SelectMany(p => p.Records).Select(r => r.Record.Primary).OfType<Analytics.Schemas.RawLakeRow>())
                {
                    if (!row.TryGetRawEventUtf8(out var utf8)) continue;
                    chunk.Write(utf8.Span);
                    rawBytes += utf8.Length;
                    if (chunk.Length < 3 << 20) continue;
                    raws.Add(chunk.ToArray());
                    chunk.SetLength(0);
                }
                if (chunk.Length > 0) raws.Add(chunk.ToArray());
            }
            write = Add(write, await TimeAsync(() => writer.PublishAsync(CancellationToken.None)));
        }
        stages.AddRange([read, parse, write, parquet]);

        // The raw column alone: what compressing it costs by itself.
        stages.Add(Time($"ZSTD level 1 over the raw JSON alone ({rawBytes / 1e6:N0} MB)", () =>
            Parallel.ForEach(raws, c =>
            {
                using var compressor = new ZstdSharp.Compressor(1);
                _ = compressor.Wrap(c);
            })));
        return stages;
    }

    private const int Group = 32;

    private static Stage Add(Stage total, Stage more) => total with { Seconds = total.Seconds + more.Seconds, CpuSeconds = total.CpuSeconds + more.CpuSeconds };

    private static Stage Time(string name, Action action) => Time(action) with { Name = name };

    private static Stage Time(Action action) => TimeAsync(() =>
    {
        action();
        return Task.CompletedTask;
    }).GetAwaiter().GetResult();

    private static async Task<Stage> TimeAsync(Func<Task> action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await action();
        return new Stage("", watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }
}
