using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Serialization;
using Analytics.Ingest.Input;
using Analytics.Ingest.Lake.Writing;
using Analytics.Ingest.Run;
using Analytics.Schemas;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace Analytics.Bench;

/// <summary>
/// What encoding the lake's rows costs in Parquet.Net against Apache Arrow's C++ writer (through ParquetSharp), on
/// the same rows: every top-level column of every table ingest made from the floor benchmark's input (the lists and
/// maps left out, which only Parquet.Net is given here), raw_event as its UTF-8 bytes, ZSTD level 1, dictionaries on
/// the columns the lake's settings name, row groups of at most 1,400 rows of a table and day, in memory, on all cores.
///   dotnet run -c Release --project bench -- parquet-writers [--events 200000] [--runs 3] [--work DIR]
/// </summary>
internal static class ParquetWriters
{
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var (runs, _, input) = FloorBench.Options(args, 200_000);

        // The rows, parsed once; then as flat columns per table, day and row group.
        var files = Directory.GetFiles(input, "*", SearchOption.AllDirectories);
        var parsed = new ParsedObject[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            using var o = InputObject.FromBytes(files[i], File.ReadAllBytes(files[i]), DateTime.UnixEpoch);
            parsed[i] = IngestRunner.Parse(o, DateTime.UtcNow);
        });
        var groups = parsed.SelectMany(p => p.Records).SelectMany(r => r.Record.Derived.Prepend(r.Record.Primary!))
            .GroupBy(r => (Type: r.GetType(), Dt: Partitioning.DtOf(r.EventTime)))
            .SelectMany(g => g.Chunk(1400).Select(rows => Flat.Of(g.Key.Type, rows)))
            .ToList();
        parsed = [];
        Console.WriteLine(string.Create(inv, $"{groups.Sum(g => g.Rows):N0} rows of {groups.Select(g => g.Table).Distinct().Count()} tables in {groups.Count:N0} row groups; {groups.Sum(g => g.Columns.Length) / groups.Count} top-level columns a row group on average; {Environment.ProcessorCount} cores"));

        var results = new Dictionary<string, List<(double Seconds, double Cpu, long Bytes)>> { ["Parquet.Net"] = [], ["ParquetSharp (Arrow C++)"] = [] };
        for (var run = 0; run < runs; run++)
        {
            results["Parquet.Net"].Add(await TimeAsync(groups, ParquetNetAsync));
            results["ParquetSharp (Arrow C++)"].Add(await TimeAsync(groups, g => Task.FromResult(ParquetSharpWrite(g))));
        }
        Console.WriteLine();
        Console.WriteLine("| writer | time (median) | processor time | bytes written |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, list) in results)
        {
            var median = list.OrderBy(r => r.Seconds).ElementAt((runs - 1) / 2);
            Console.WriteLine(string.Create(inv, $"| {name} | {median.Seconds:N2} s | {median.Cpu:N2} s | {median.Bytes / 1e6:N1} MB |"));
        }
        return 0;
    }

    private static async Task<(double Seconds, double Cpu, long Bytes)> TimeAsync(List<Flat> groups, Func<Flat, Task<long>> write)
    {
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        await Parallel.ForEachAsync(groups, async (g, _) => Interlocked.Add(ref bytes, await write(g)));
        return (watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, bytes);
    }

    private static async Task<long> ParquetNetAsync(Flat g)
    {
        using var memory = new MemoryStream();
        var schema = g.Schema;
        await using (var writer = await ParquetWriter.CreateAsync(schema, memory, ParquetSettings.Create(append: false, schema)))
        {
            using var group = writer.CreateRowGroup();
            foreach (var column in g.Columns) await column.WriteNet(group, column.Field);
        }
        return memory.Length;
    }

    private static long ParquetSharpWrite(Flat g)
    {
        using var stream = new MemoryStream();
        using (var output = new ParquetSharp.IO.ManagedOutputStream(stream, leaveOpen: true))
        {
            var columns = g.Columns.Select(c => c.Sharp).ToArray();
            using var properties = new ParquetSharp.WriterPropertiesBuilder()
                .Compression(ParquetSharp.Compression.Zstd).CompressionLevel(1).DisableDictionary();
            foreach (var c in g.Columns.Where(c => c.Dictionary)) properties.EnableDictionary(c.Field.Name);
            using var built = properties.Build();
            using var writer = new ParquetSharp.ParquetFileWriter(output, columns, built);
            using (var group = writer.AppendRowGroup())
            {
                foreach (var column in g.Columns) column.WriteSharp(group);
            }
            writer.Close();
        }
        return stream.Length;
    }

    /// <summary>One row group's top-level columns, as arrays both writers take.</summary>
    private sealed record Flat(string Table, int Rows, FlatColumn[] Columns, ParquetSchema Schema)
    {
        public static Flat Of(Type rowType, LakeRow[] rows)
        {
            var table = TableCatalog.ForRowType(rowType);
            var dictionary = ParquetSettings.Create(append: false, table.ParquetSchema).ColumnEncodingHints;
            var properties = rowType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
                .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name);
            var columns = new List<FlatColumn>();
            foreach (var field in table.ParquetSchema.Fields.OfType<DataField>())
            {
                var property = properties[field.Name];
                var dict = dictionary.ContainsKey(field.Name);
                if (field.Name == LakeRow.RawEventColumn)
                {
                    var raw = rows.Select(r => ((RawLakeRow)r).TryGetRawEventUtf8(out var utf8) ? utf8.ToArray() : System.Text.Encoding.UTF8.GetBytes(((RawLakeRow)r).RawEvent)).ToArray();
                    var twin = new DataField(field.Name, typeof(byte[]), false);
                    columns.Add(new FlatColumn(twin, new ParquetSharp.Column<byte[]>(field.Name, ParquetSharp.LogicalType.String()), false,
                        (g, f) => g.WriteAsync(f, raw),
                        g => { using var w = g.NextColumn().LogicalWriter<byte[]>(); w.WriteBatch(raw); }));
                    continue;
                }
                var type = property.PropertyType;
                if (type == typeof(string)) columns.Add(OfString(field, rows, property, dict));
                else if (type == typeof(DateTime)) columns.Add(OfStruct<DateTime>(field, rows, property, dict));
                else if (type == typeof(DateTime?)) columns.Add(OfNullable<DateTime>(field, rows, property, dict));
                else if (type == typeof(long)) columns.Add(OfStruct<long>(field, rows, property, dict));
                else if (type == typeof(long?)) columns.Add(OfNullable<long>(field, rows, property, dict));
                else if (type == typeof(int)) columns.Add(OfStruct<int>(field, rows, property, dict));
                else if (type == typeof(int?)) columns.Add(OfNullable<int>(field, rows, property, dict));
                else if (type == typeof(bool)) columns.Add(OfStruct<bool>(field, rows, property, dict));
                else if (type == typeof(bool?)) columns.Add(OfNullable<bool>(field, rows, property, dict));
                else if (type == typeof(double?)) columns.Add(OfNullable<double>(field, rows, property, dict));
                // Other types (none among the top-level columns today) are left out of both.
            }
            // The fields attached to a schema of their own (one per table, made here, never while writing).
            var schema = Schemas.GetOrAdd(table.Name, _ => new ParquetSchema(columns.Select(c => Copy(c.Field)).ToArray()));
            var byName = schema.GetDataFields().ToDictionary(f => f.Name);
            return new Flat(table.Name, rows.Length, [.. columns.Select(c => c with { Field = byName[c.Field.Name] })], schema);
        }

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ParquetSchema> Schemas = new();

        // A field like the table's, detached: DateTime fields keep their timestamp unit.
        private static DataField Copy(DataField field) => field switch
        {
            DateTimeDataField d => new DateTimeDataField(d.Name, d.DateTimeFormat, d.IsAdjustedToUTC, d.Unit, d.IsNullable),
            _ => new DataField(field.Name, field.ClrType, field.IsNullable),
        };

        private static FlatColumn OfString(DataField field, LakeRow[] rows, PropertyInfo property, bool dictionary)
        {
            var values = rows.Select(r => (string?)property.GetValue(r)).ToArray();
            return new FlatColumn(field, new ParquetSharp.Column<string>(field.Name), dictionary,
                (g, f) => g.WriteAsync(f, values),
                g => { using var w = g.NextColumn().LogicalWriter<string?>(); w.WriteBatch(values); });
        }

        private static FlatColumn OfStruct<T>(DataField field, LakeRow[] rows, PropertyInfo property, bool dictionary) where T : struct
        {
            var values = rows.Select(r => (T)property.GetValue(r)!).ToArray();
            return new FlatColumn(field, new ParquetSharp.Column<T>(field.Name), dictionary,
                (g, f) => f.IsNullable ? g.WriteAsync<T>(f, values.Select(v => (T?)v).ToArray().AsMemory()) : g.WriteAsync<T>(f, values.AsMemory()),
                g => { using var w = g.NextColumn().LogicalWriter<T>(); w.WriteBatch(values); });
        }

        private static FlatColumn OfNullable<T>(DataField field, LakeRow[] rows, PropertyInfo property, bool dictionary) where T : struct
        {
            var values = rows.Select(r => (T?)property.GetValue(r)).ToArray();
            return new FlatColumn(field, new ParquetSharp.Column<T?>(field.Name), dictionary,
                (g, f) => g.WriteAsync<T>(f, values.AsMemory()),
                g => { using var w = g.NextColumn().LogicalWriter<T?>(); w.WriteBatch(values); });
        }
    }

    private sealed record FlatColumn(DataField Field, ParquetSharp.Column Sharp, bool Dictionary, Func<ParquetRowGroupWriter, DataField, Task> WriteNet, Action<ParquetSharp.RowGroupWriter> WriteSharp);
}
