using System.Globalization;
using System.IO.Compression;

namespace Analytics.Generator;

public sealed partial class EventGenerator
{
    private void WriteObjects(string folder)
    {
        var ordered = _records.OrderBy(r => r.Arrival).ToList();
        CountOutOfOrder(ordered);
        // Firehose cuts an object when its buffer fills or its interval passes; the key is the arrival hour.
        var objects = new List<List<Pending>>();
        List<Pending>? current = null;
        foreach (var record in ordered)
        {
            if (current is null || current.Count >= options.RecordsPerObject || current[0].Arrival.Hour != record.Arrival.Hour || current[0].Arrival.Date != record.Arrival.Date)
                objects.Add(current = []);
            current.Add(record);
        }
        foreach (var records in objects)
        {
            var first = records[0].Arrival;
            var hasTruncated = records.Any(_truncated.Contains);
            // A truncated record is left in a plain, concatenated object: the hardest place to find the next record.
            var gzip = !hasTruncated && _rng.NextDouble() < 0.75;
            var newline = !hasTruncated && _rng.NextDouble() < 0.2;
            var extension = gzip && _rng.NextDouble() >= options.GzipWithoutExtensionShare ? ".gz" : "";
            var key = string.Create(CultureInfo.InvariantCulture,
                $"{first:yyyy/MM/dd/HH}/analytics-events-1-{first:yyyy-MM-dd-HH-mm-ss}-{NewId()}{extension}");
            var path = Path.Combine(folder, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var json = new MemoryStream();
            foreach (var record in records)
            {
                var bytes = _truncated.Contains(record) ? record.Json.AsSpan(0, record.Json.Length / 2) : record.Json;
                json.Write(bytes);
                if (newline) json.WriteByte((byte)'\n');
                _manifest.RecordsWritten++;
            }
            _manifest.JsonBytes += json.Length;
            using var file = File.Create(path);
            if (gzip)
            {
                using var compressed = new GZipStream(file, CompressionLevel.Fastest);
                json.Position = 0;
                json.CopyTo(compressed);
                _manifest.GzipObjects++;
            }
            else
            {
                json.Position = 0;
                json.CopyTo(file);
            }
            if (newline) _manifest.NewlineDelimitedObjects++;
            _manifest.Objects++;
        }
    }

    private void CountOutOfOrder(List<Pending> ordered)
    {
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        var outOfOrder = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in ordered)
        {
            if (record.Task is null || record.IsCopy) continue;
            if (highest.TryGetValue(record.Task, out var seen) && seen > record.Version) outOfOrder.Add(record.Task);
            highest[record.Task] = Math.Max(seen, record.Version);
        }
        _manifest.OutOfOrderTasks = outOfOrder.Count;
    }
}
