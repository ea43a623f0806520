using System.Collections.Concurrent;
using Analytics.Ingest.Run;

namespace Analytics.Tests.Ingest.Run;

public sealed class InOrderPipelineTests
{
    [Fact]
    public async Task RunAsync_ProducersFinishingInAnyOrder_PartsConsumedItemAfterItemInOrder()
    {
        var random = new Random(3);
        var delays = Enumerable.Range(0, 30).Select(_ => random.Next(0, 15)).ToList();
        var consumed = new List<(int Item, int Part)>();

        await InOrderPipeline.RunAsync<int, (int, int)>(Enumerable.Range(0, 30).ToList(), parallelism: 4, itemsAhead: 8, partsPerItem: 2,
            async (item, parts, ct) =>
            {
                for (var part = 0; part < 1 + item % 4; part++)
                {
                    await Task.Delay(delays[(item + part) % delays.Count], ct);
                    await parts.WriteAsync((item, part), ct);
                }
            },
            (part, _) => { consumed.Add(part); return ValueTask.CompletedTask; }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 30).SelectMany(item => Enumerable.Range(0, 1 + item % 4).Select(part => (item, part))), consumed);
    }

    [Fact]
    public async Task RunAsync_ConsumerHeldOnTheFirstItem_OtherItemsStartOnlyUpToTheBound()
    {
        var started = new ConcurrentBag<int>();
        var gate = new TaskCompletionSource();
        var startedWhileHeld = -1;

        var run = InOrderPipeline.RunAsync<int, int>(Enumerable.Range(0, 50).ToList(), parallelism: 2, itemsAhead: 4, partsPerItem: 1,
            async (item, parts, ct) =>
            {
                started.Add(item);
                await parts.WriteAsync(item, ct);
            },
            async (item, _) =>
            {
                if (item != 0) return;
                // Small items finish at once: without the bound, all fifty would be produced by now.
                await Task.Delay(300, CancellationToken.None);
                startedWhileHeld = started.Count;
                await gate.Task;
            }, CancellationToken.None);
        await Task.Delay(500);
        gate.SetResult();
        await run;

        Assert.Equal(4, startedWhileHeld);
        Assert.Equal(50, started.Count);
    }

    [Fact]
    public async Task RunAsync_AsManyItemsAheadAsProducers_NeverDeadlocks()
    {
        // Each place ahead is taken in item order: were a later item to take the last place first, the item the
        // consumer waits for could never start. Thousands of tiny items make that race likely if it exists.
        for (var round = 0; round < 20; round++)
        {
            var consumed = 0;
            var run = InOrderPipeline.RunAsync<int, int>(Enumerable.Range(0, 2000).ToList(), parallelism: 8, itemsAhead: 8, partsPerItem: 1,
                async (item, parts, ct) =>
                {
                    if (item % 3 == 0) await Task.Yield();
                    await parts.WriteAsync(item, ct);
                },
                (_, _) => { consumed++; return ValueTask.CompletedTask; }, CancellationToken.None);
            await run.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2000, consumed);
        }
    }

    [Fact]
    public async Task RunAsync_ProducerFails_ItsErrorStopsTheRunWhileTheConsumerWaits()
    {
        var consumed = new List<int>();
        var ex = await Assert.ThrowsAsync<IOException>(() => InOrderPipeline.RunAsync<int, int>(Enumerable.Range(0, 20).ToList(), parallelism: 3, itemsAhead: 6, partsPerItem: 2,
            async (item, parts, ct) =>
            {
                // Item 4 fails before any part: the consumer is left waiting on it until the failure wakes it.
                if (item == 4) throw new IOException("cannot read item 4");
                await parts.WriteAsync(item, ct);
            },
            (item, _) => { consumed.Add(item); return ValueTask.CompletedTask; }, CancellationToken.None));

        Assert.Equal("cannot read item 4", ex.Message);
        // In order, and never past the item that failed (how far it got depends on when the failure woke it).
        Assert.InRange(consumed.Count, 0, 4);
        Assert.Equal(Enumerable.Range(0, consumed.Count), consumed);
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsWithOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var consumed = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => InOrderPipeline.RunAsync<int, int>(Enumerable.Range(0, 1000).ToList(), parallelism: 2, itemsAhead: 4, partsPerItem: 1,
            async (item, parts, ct) => await parts.WriteAsync(item, ct),
            (item, _) =>
            {
                if (++consumed == 10) cts.Cancel();
                return ValueTask.CompletedTask;
            }, cts.Token));

        Assert.InRange(consumed, 10, 11);
    }
}
