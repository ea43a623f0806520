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
