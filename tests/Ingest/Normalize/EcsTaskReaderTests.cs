using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Ingest.Input;
using Analytics.Ingest.Normalize;
using Analytics.Ingest.Normalize.Ecs;

namespace Analytics.Tests.Ingest.Normalize;

/// <summary>
/// The one-pass reader of ECS task events must make exactly the rows the general path (a JsonDocument, tested against
/// AWS's documented events elsewhere) makes, and must leave every record it cannot read exactly to that path, so that
/// rejections and their messages stay the general path's.
/// </summary>
public class EcsTaskReaderTests
{
    private static readonly RecordContext Context = new("s3://bucket/key", null, new DateTime(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc));

    private static readonly string[] TaskSamples =
    [
        "task-state-change-running-fargate.json",
        "task-state-change-running-ec2-container-exit0-legacy-doc.json",
        "captured/task-state-change-running-ec2-captured.json",
        "captured/task-state-change-running-fargate-captured.json",
        "captured/task-state-change-stopped-ec2-exit137-servicescheduler-captured.json",
        "captured/task-state-change-stopped-fargate-exit137-servicescheduler-captured.json",
        "sdk-fixtures/task-state-change-ec2-eni-deleted-aws-lambda-dotnet.json",
    ];

    public static TheoryData<string> Samples() => [.. TaskSamples];

    private static JsonObject Sample(string name = "task-state-change-running-fargate.json") =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Some.Corpus, "ecs", name)))!.AsObject();

    // As EventBridge writes events: UTF-8 as is, quotes and backslashes escaped.
    private static readonly JsonSerializerOptions AsDelivered = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Bytes(JsonNode json, bool escapeAll = false) => Encoding.UTF8.GetBytes(escapeAll ? json.ToJsonString() : json.ToJsonString(AsDelivered));

    // Everything a record became, as text: rows (every column, the raw event, the containers) or the rejection.
    private static string Render(IEnumerable<NormalizedRecord> records) => string.Join("\n", records.Select(r =>
        r.Rejection is { } rejected
            ? $"{r.Position} rejected {rejected.Kind} {rejected.Field}: {rejected.Message}"
            : $"{r.Position} {JsonSerializer.Serialize(r.Primary, r.Primary!.GetType())}\n  " + string.Join("\n  ", r.Derived.Select(d => JsonSerializer.Serialize(d, d.GetType())))));

    private static void AssertReadInOnePassAsTheGeneralPath(byte[] record)
    {
        var fast = EcsTaskReader.TryNormalize(record, "record 1", Context);
        Assert.NotNull(fast);
        Assert.Equal(Render(RecordRouter.RouteDocument(record, "record 1", Context)), Render([fast]));
    }

    private static void AssertLeftToTheGeneralPath(byte[] record)
    {
        Assert.Null(EcsTaskReader.TryNormalize(record, "record 1", Context));
        Assert.Equal(Render(RecordRouter.RouteDocument(record, "record 1", Context)), Render(RecordRouter.Route(record, "record 1", Context)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void CorpusTaskEvent_ReadInOnePass_SameRowsAsTheGeneralPath(string sample) =>
        AssertReadInOnePassAsTheGeneralPath(Bytes(Sample(sample)));

    [Fact]
    public void GeneratedSample_EveryRecord_SameAsTheGeneralPath()
    {
        var (tasks, read) = (0, 0);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Some.RepoRoot, "samples", "generated"), "*.gz", SearchOption.AllDirectories))
        {
            using var input = InputObject.FromBytes(file, File.ReadAllBytes(file), DateTime.UnixEpoch);
            foreach (var segment in RecordSplitter.Split(input.Data.Span).Where(s => s.IsWellFormed))
            {
                var record = input.Data.Slice(segment.Start, segment.Length);
                var routed = RecordRouter.RouteDocument(record, "r", Context);
                var general = Render(routed);
                if (routed is [{ Primary: Analytics.Schemas.Tables.Ecs.EcsTaskEvent }]) tasks++;
                if (EcsTaskReader.TryNormalize(record, "r", Context) is { } fast)
                {
                    read++;
                    Assert.Equal(general, Render([fast]));
                }
                Assert.Equal(general, Render(RecordRouter.Route(record, "r", Context)));
            }
        }
        // The sample's task events (stops of every class, OOM kills, redeliveries) all take the one-pass path.
        Assert.True(read > 1000, $"only {read} records read in one pass");
        Assert.Equal(tasks, read);
    }

    [Fact]
    public void EdgeCases_ThatStillReadInOnePass_SameRowsAsTheGeneralPath()
    {
        var cases = new List<Action<JsonObject>>
        {
            // Escapes and non-ASCII text in values.
            j => j["detail"]!["stoppedReason"] = "Essential container in task exited: \"web\" \\ \u00e9t\u00e9 \ud83d\ude80",
            j => j["detail"]!["containers"]![0]!["reason"] = "OutOfMemoryError: Container killed due to memory usage",
            // Optional fields null or absent; containers null or absent; numbers as strings; epoch timestamps.
            j => { j["detail"]!["group"] = null; j["account"] = null; j["resources"] = null; },
            j => { j["detail"]!.AsObject().Remove("containers"); j["detail"]!.AsObject().Remove("updatedAt"); },
            j => j["detail"]!["containers"] = null,
            j => { j["detail"]!["cpu"] = "1024"; j["detail"]!["memory"] = 2048; j["detail"]!["version"] = "7"; },
            j => { j["detail"]!["createdAt"] = 1764072000.123m; j["time"] = 1764072000; },
            j => j["time"] = "Tue, 25 Nov 2025 12:00:00 GMT",
            // Unknown properties, nested in the detail, or values beside the envelope's; the envelope in another order.
            j => { j["detail"]!["overrides"] = new JsonObject { ["containerOverrides"] = new JsonArray(new JsonObject { ["name"] = "x", ["taskArn"] = 1 }) }; j["replay-name"] = "r"; },
            j =>
            {
                var detail = j["detail"]!.DeepClone();
                j.Remove("detail");
                var rest = j.Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
                j.Clear();
                j["detail"] = detail;
                foreach (var (key, value) in rest) j[key] = value;
            },
        };
        foreach (var change in cases)
        {
            var json = Sample();
            change(json);
            AssertReadInOnePassAsTheGeneralPath(Bytes(json));
            // And with every non-ASCII character and quote written as a \u escape.
            AssertReadInOnePassAsTheGeneralPath(Bytes(json, escapeAll: true));
        }
    }

    [Fact]
    public void EdgeCases_LeftToTheGeneralPath_RejectedOrReadAsBefore()
    {
        var cases = new List<Action<JsonObject>>
        {
            // Faults the general path rejects with the field's path.
            j => j["detail"]!.AsObject().Remove("taskArn"),
            j => j["detail"]!["taskArn"] = "",
            j => j["detail"]!.AsObject().Remove("version"),
            j => j["detail"]!["version"] = "seven",
            j => j["detail"]!["cpu"] = 1.5,
            j => j["detail"]!["memory"] = 30_000_000_000L,
            j => j["detail"]!["containers"] = new JsonArray(1),
            j => j["detail"]!["containers"]![0]!["exitCode"] = "not a number",
            j => j["detail"]!["stoppedAt"] = "yesterday",
            j => j["detail"]!["lastStatus"] = 3,
            j => j["account"] = 123456789012L,
            j => j["resources"] = new JsonArray(1),
            j => j["time"] = null,
            j => j["id"] = "",
            // Other events, and a Firehose error record's shape.
            j => j["detail-type"] = "ECS Service Action",
            j => j["source"] = "aws.health",
            j => j["rawData"] = "e30=",
            // An object or array beside the envelope's own: not an event this path reads.
            j => j["extra"] = new JsonArray(1, 2),
        };
        foreach (var change in cases)
        {
            var json = Sample();
            change(json);
            AssertLeftToTheGeneralPath(Bytes(json));
        }
    }

    [Fact]
    public void NameGivenTwiceOrEscaped_LeftToTheGeneralPath()
    {
        var json = Sample().ToJsonString();
        // The general path reads the last of two equal names; a name may be written with escapes.
        var twice = json.Replace("\"lastStatus\":\"RUNNING\"", "\"lastStatus\":\"PENDING\",\"lastStatus\":\"RUNNING\"", StringComparison.Ordinal);
        var escaped = json.Replace("\"taskArn\"", "\"task\\u0041rn\"", StringComparison.Ordinal);
        Assert.NotEqual(json, twice);
        Assert.NotEqual(json, escaped);
        AssertLeftToTheGeneralPath(Encoding.UTF8.GetBytes(twice));
        AssertLeftToTheGeneralPath(Encoding.UTF8.GetBytes(escaped));
    }
}
