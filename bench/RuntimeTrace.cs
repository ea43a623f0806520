using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Analytics.Bench;

/// <summary>
/// What the runtime reports about the bench's child process, from its GC events. With <c>ALLOC_TRACE=1</c>:
/// where allocations went, by type (the runtime samples an allocation about every 100 KB, so the totals are
/// close to the real ones; types only, no call stacks: pair it with a perf profile). With <c>GC_TRACE=1</c>: how
/// many collections of each generation ran and what triggered them, the small-object (gen0) budget or the
/// large-object budget, which forces a full one.
/// </summary>
internal sealed class RuntimeTrace(bool allocations, bool collections) : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _collections = new(StringComparer.Ordinal);

    /// <summary>The trace the environment asks for, or null.</summary>
    public static RuntimeTrace? FromEnvironment()
    {
        var (allocations, collections) = (Environment.GetEnvironmentVariable("ALLOC_TRACE") == "1", Environment.GetEnvironmentVariable("GC_TRACE") == "1");
        return allocations || collections ? new RuntimeTrace(allocations, collections) : null;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // Allocation ticks are verbose events, so both traces listen at that level; OnEventWritten keeps what was asked for.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.Payload is null || eventData.PayloadNames is null) return;
        object? Payload(string name) => eventData.Payload[eventData.PayloadNames.IndexOf(name)];
        if (allocations && eventData.EventName == "GCAllocationTick_V4")
        {
            var amount = Convert.ToInt64(Payload("AllocationAmount64"), CultureInfo.InvariantCulture);
            _bytes.AddOrUpdate((string?)Payload("TypeName") ?? "?", amount, (_, total) => total + amount);
        }
        else if (collections && eventData.EventName?.StartsWith("GCStart", StringComparison.Ordinal) == true)
        {
            var reason = Convert.ToInt32(Payload("Reason"), CultureInfo.InvariantCulture) switch
            {
                0 => "small-object budget",
                4 => "large-object budget",
                var other => $"reason {other}",
            };
            _collections.AddOrUpdate($"gen{Payload("Depth")} collections, triggered by the {reason}", 1, (_, count) => count + 1);
        }
    }

    /// <summary>Writes the 30 types with the most bytes allocated, then the collections, to standard error.</summary>
    public void Print()
    {
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(30))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6,10:N0} MB  {type}"));
        foreach (var (what, count) in _collections.OrderBy(p => p.Key, StringComparer.Ordinal))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,5} {what}"));
    }
}
