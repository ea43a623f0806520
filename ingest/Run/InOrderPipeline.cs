using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Analytics.Ingest.Run;

/// <summary>
/// Produces the parts of many items in parallel and consumes them in the items' order: every part of item 0, then of
/// item 1, and so on, whatever the order the producers finish in. Memory stays bounded: each item's parts wait in a
/// channel of <c>partsPerItem</c>, and a producer starts an item only while fewer than <c>itemsAhead</c> items are
/// started and not yet consumed (so a slow item cannot let the others be produced ahead without end).
/// </summary>
internal static class InOrderPipeline
{
    /// <summary>Runs the pipeline to the end.</summary>
    /// <param name="items">The items, in the order their parts are consumed.</param>
    /// <param name="parallelism">Items produced at once.</param>
    /// <param name="itemsAhead">Items started and not yet wholly consumed, at most (at least <paramref name="parallelism"/>).</param>
    /// <param name="partsPerItem">Parts of an item waiting for the consumer, at most.</param>
    /// <param name="produce">Writes an item's parts, in order; the pipeline completes the writer afterwards.</param>
    /// <param name="consume">Consumes one part; one call at a time.</param>
    /// <param name="cancellationToken">Stops both sides.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    /// <remarks>A failure of either side stops the other; the producer's failure is the one rethrown when it caused the stop.</remarks>
    public static async Task RunAsync<TItem, TPart>(IReadOnlyList<TItem> items, int parallelism, int itemsAhead, int partsPerItem,
        Func<TItem, ChannelWriter<TPart>, CancellationToken, Task> produce, Func<TPart, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(produce);
        ArgumentNullException.ThrowIfNull(consume);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemsAhead, parallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(partsPerItem, 1);
        var channels = new ConcurrentDictionary<int, Channel<TPart>>();
        Channel<TPart> ChannelOf(int index) => channels.GetOrAdd(index, _ =>
            Channel.CreateBounded<TPart>(new BoundedChannelOptions(partsPerItem) { SingleReader = true, SingleWriter = true }));
        using var ahead = new SemaphoreSlim(itemsAhead);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Items are admitted one after another, each once a place is free: the item the consumer waits for has always
        // been admitted before any later one, so it never waits for a place that only its own consumption frees.
        async IAsyncEnumerable<(TItem Item, int Index)> Admitted([EnumeratorCancellation] CancellationToken ct = default)
        {
            for (var index = 0; index < items.Count; index++)
            {
                await ahead.WaitAsync(ct).ConfigureAwait(false);
                yield return (items[index], index);
            }
        }

        var producer = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(Admitted(cts.Token),
                    new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cts.Token },
                    async (entry, ct) =>
                    {
                        var parts = ChannelOf(entry.Index).Writer;
                        await produce(entry.Item, parts, ct).ConfigureAwait(false);
                        parts.Complete();
                    }).ConfigureAwait(false);
            }
            catch
            {
                // Wakes the consumer, which may be waiting for an item no one will produce now.
                await cts.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, cts.Token);

        try
        {
            for (var index = 0; index < items.Count; index++)
            {
                await foreach (var part in ChannelOf(index).Reader.ReadAllAsync(cts.Token).ConfigureAwait(false))
                    await consume(part, cts.Token).ConfigureAwait(false);
                channels.TryRemove(index, out _);
                ahead.Release();
            }
            await producer.ConfigureAwait(false);
        }
        catch (Exception consumerError)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            try { await producer.ConfigureAwait(false); }
            // The consumer was woken by the producer's failure (an unreadable or oversized input): that is the error.
            catch (Exception producerError) when (producerError is not OperationCanceledException && consumerError is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // The consumer's own failure is the one to report; the producer only stopped because of it.
            catch (Exception) { }
#pragma warning restore CA1031
            throw;
        }
    }
}
