using Analytics.Ingest.Lake;
using Analytics.Schemas.Tables.EventBridge;

namespace Analytics.Tests.Ingest.Lake;

public sealed class LakeWriterTests
{
    private static EventBridgeEvent Row(string id, int day) => new()
    {
        RecordId = id, EventTime = new DateTime(2026, 11, day, 12, 0, 0, DateTimeKind.Utc), Source = "test", DetailType = "t", RawEvent = "{}",
    };

    [Fact]
    public async Task AddAsync_PartitionForgottenByTheIndex_IsReadBackFromThisRunsHiddenFile()
    {
        using var temp = Some.TempFolder();
        // One id held at most and a flush after every row: day 2's partition is forgotten once day 3 arrives.
        await using var writer = new LakeWriter(new LakeLayout(temp.Path), "run1", batchBytes: 1, maxIndexIds: 1);
        Assert.True(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));
        Assert.True(await writer.AddAsync(Row("b", 3), 1, CancellationToken.None));
        Assert.True(await writer.AddAsync(Row("c", 3), 1, CancellationToken.None));
        Assert.Equal(1, writer.IndexPartitionsForgotten);
        var readsBefore = writer.IndexFilesRead;

        Assert.False(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));

        Assert.Equal(readsBefore + 1, writer.IndexFilesRead);
        await writer.PublishAsync(CancellationToken.None);
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(3L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
    }

    [Fact]
    public async Task AddAsync_PartitionWithBufferedRows_IsNeverForgotten()
    {
        using var temp = Some.TempFolder();
        await using var writer = new LakeWriter(new LakeLayout(temp.Path), "run1", batchBytes: long.MaxValue, maxIndexIds: 1);
        Assert.True(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));
        Assert.True(await writer.AddAsync(Row("b", 3), 1, CancellationToken.None));
        await writer.FlushAsync(CancellationToken.None);
        // Both partitions had buffered rows at the flush: nothing was forgotten, and both ids are still known.
        Assert.Equal(0, writer.IndexPartitionsForgotten);
        Assert.False(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));
        Assert.False(await writer.AddAsync(Row("b", 3), 1, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_BatchFull_WritesTheLargestPartitionsAndKeepsSmallOnesForLater()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        await using var writer = new LakeWriter(layout, "run1", batchBytes: 100);
        Assert.True(await writer.AddAsync(Row("small", 2), 5, CancellationToken.None));
        for (var i = 0; i < 3; i++) Assert.True(await writer.AddAsync(Row($"big{i}", 3), 40, CancellationToken.None));
        await writer.CompleteWritesAsync();

        // 125 bytes buffered: the 120-byte partition is written, the 5-byte one waits (under a quarter of the batch).
        Assert.True(File.Exists(layout.TempFile("eventbridge_events", "2026-11-03", "run1")));
        Assert.False(File.Exists(layout.TempFile("eventbridge_events", "2026-11-02", "run1")));

        await writer.PublishAsync(CancellationToken.None);
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(4L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
    }
}

public sealed class FlatRowWriterTests
{
    [Fact]
    public void Supported_FlatTablesOnly()
    {
        Assert.True(FlatRowWriter<Analytics.Schemas.Tables.Ecs.EcsContainerState>.Supported);
        Assert.True(FlatRowWriter<Analytics.Schemas.Tables.Health.HealthEvent>.Supported);
        Assert.False(FlatRowWriter<Analytics.Schemas.Tables.Ecs.EcsTaskEvent>.Supported);
        Assert.False(FlatRowWriter<Analytics.Schemas.Tables.Health.HealthAffectedEntity>.Supported);
    }

    [Fact]
    public async Task WriteAsync_SameFileAsTheClassSerializer()
    {
        // Rows with every kind of value: nulls, empty and unicode strings, negative numbers, millisecond instants.
        var rows = Enumerable.Range(0, 500).Select(i => new Analytics.Schemas.Tables.Ecs.EcsContainerState
        {
            EventTime = new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(i * 7919L),
            RecordId = $"r{i}", EventId = i % 3 == 0 ? null : $"e{i}", AccountId = "123456789012", Region = "us-east-1",
            SourceObject = "s", IngestedAt = new DateTime(2026, 11, 26, 1, 2, 3, 456, DateTimeKind.Utc),
            ClusterName = i % 5 == 0 ? null : "prod", ServiceName = i % 7 == 0 ? "" : "pagos-ñ-支付", TaskArn = $"arn:{i}", TaskId = $"{i}",
            TaskVersion = i, TaskRevision = i % 4 == 0 ? null : -i, ContainerName = "app", Image = null, LastStatus = "STOPPED",
            ExitCode = i % 2 == 0 ? null : 137, Reason = i % 11 == 0 ? "OutOfMemoryError: x" : null, OomKilled = i % 11 == 0,
            MemoryMib = i % 3 == 0 ? null : 512, MemoryReservationMib = null,
        }).ToList();
        using var temp = Some.TempFolder();
        var fast = temp.Sub("fast.parquet");
        var slow = temp.Sub("slow.parquet");
        await using (var stream = File.Create(fast))
        {
            await FlatRowWriter<Analytics.Schemas.Tables.Ecs.EcsContainerState>.WriteAsync(rows.Take(300).ToList(), stream, CancellationToken.None);
        }
        await using (var stream = new FileStream(fast, FileMode.Open, FileAccess.ReadWrite))
        {
            // A second row group appended, as the lake writer does at each flush.
            await FlatRowWriter<Analytics.Schemas.Tables.Ecs.EcsContainerState>.WriteAsync(rows.Skip(300).ToList(), stream, CancellationToken.None);
        }
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, slow, ParquetSettings.Create(append: false));

        using var db = Some.DuckDb(temp.Sub("none"));
        Assert.Equal(500L, Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{fast}')"));
        Assert.Equal(0L, Some.Scalar<long>(db, $"SELECT count(*) FROM ((SELECT * FROM read_parquet('{fast}') EXCEPT ALL SELECT * FROM read_parquet('{slow}')) UNION ALL (SELECT * FROM read_parquet('{slow}') EXCEPT ALL SELECT * FROM read_parquet('{fast}')))"));
        var schema = (string f) => Some.Query(db, $"SELECT name, type, logical_type, repetition_type FROM parquet_schema('{f}') ORDER BY name")
            .Select(r => string.Join("|", r.Values)).ToList();
        Assert.Equal(schema(slow), schema(fast));
    }
}
