using System.Text.Json.Nodes;

namespace Analytics.Tests.Ingest;

/// <summary>
/// Every corpus document with one value replaced (by a number, a string, an empty or non-empty array or object,
/// null, a boolean, an impossible timestamp, a 5,000-character string) or removed, up to 25 places per document.
/// A record must land, be a duplicate or be quarantined for a reason the pipeline knows: a normalizer that
/// throws instead would be caught by the router's safety net as 'unexpected', which this test does not allow.
/// </summary>
public class MutatedCorpusTests
{
    private static readonly JsonNode?[] Replacements =
        [123, -1, 1e300, "x", "", new JsonArray(), new JsonObject(), null, true, "2026-13-45T99:99:99Z", new JsonArray(1, 2), new JsonObject { ["a"] = 1 }, new string('1', 5000)];

    [Fact]
    public async Task Ingest_MutatedCorpusDocuments_NothingFailsUnexpectedly()
    {
        using var temp = Some.TempFolder();
        var random = new Random(3);
        var variants = 0;
        Directory.CreateDirectory(temp.Sub("in"));
        foreach (var file in Directory.GetFiles(Some.Corpus, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            JsonNode? document;
            try { document = JsonNode.Parse(File.ReadAllText(file)); }
            catch (System.Text.Json.JsonException) { continue; }
            var lines = new List<string>();
            foreach (var path in Paths(document!, []).OrderBy(_ => random.Next()).Take(25))
            {
                foreach (var replacement in Replacements.OrderBy(_ => random.Next()).Take(3).Append(Removed))
                {
                    var copy = document!.DeepClone();
                    var parent = path[..^1].Aggregate(copy, (node, step) => step is int i ? node[i]! : node[(string)step]!);
                    switch (path[^1], parent)
                    {
                        case (string name, JsonObject o) when ReferenceEquals(replacement, Removed): o.Remove(name); break;
                        case (int index, JsonArray a) when ReferenceEquals(replacement, Removed): a.RemoveAt(index); break;
                        case (string name, JsonObject o): o[name] = replacement?.DeepClone(); break;
                        case (int index, JsonArray a): a[index] = replacement?.DeepClone(); break;
                    }
                    lines.Add(copy.ToJsonString());
                }
            }
            variants += lines.Count;
            await File.WriteAllLinesAsync(Path.Combine(temp.Sub("in"), Path.GetFileName(file) + ".ndjson"), lines);
        }

        var summary = await Some.IngestAsync(temp.Sub("lake"), temp.Sub("in"));

        Assert.True(variants > 1000, $"only {variants} variants");
        // API responses count each item as a record, so a document can be several records.
        Assert.True(summary.RecordsRead >= variants);
        Assert.True(summary.Balanced);
        Assert.False(summary.QuarantinedByKind.ContainsKey("unexpected"), string.Join("\n", summary.FirstQuarantined));
        Assert.True(summary.RecordsLanded > 0 && summary.QuarantinedByKind.GetValueOrDefault("invalid_field") > 0);
    }

    private static readonly JsonNode Removed = new JsonObject { ["removed"] = true };

    private static IEnumerable<object[]> Paths(JsonNode node, object[] path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    object[] child = [.. path, name];
                    yield return child;
                    if (value is not null) foreach (var p in Paths(value, child)) yield return p;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < Math.Min(a.Count, 3); i++)
                {
                    object[] child = [.. path, i];
                    yield return child;
                    if (a[i] is { } value) foreach (var p in Paths(value, child)) yield return p;
                }
                break;
        }
    }
}
