using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Analytics.Bench;

/// <summary>
/// With <c>ALLOC_TRACE=1</c>, the bench's child process prints where its allocations went, by type: the runtime
/// reports a sampled allocation about every 100 KB (GCAllocationTick), so the totals are close to the real ones.
/// Types only, no call stacks; pair it with a perf profile to find the allocating code.
/// </summary>
internal sealed class AllocTrace : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName != "GCAllocationTick_V4" || eventData.Payload is null || eventData.PayloadNames is null) return;
        var type = (string?)eventData.Payload[eventData.PayloadNames.IndexOf("TypeName")] ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[eventData.PayloadNames.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
    }

    /// <summary>Writes the 30 types with the most bytes allocated to standard error.</summary>
    public void Print()
    {
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(30))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6,10:N0} MB  {type}"));
    }
}

/// <summary>
/// With <c>GC_TRACE=1</c>, the bench's child process prints how many collections of each generation it ran and
/// what triggered them: the small-object (gen0) budget, or the large-object budget, which forces a full one.
/// </summary>
internal sealed class GcTrace : EventListener
{
    private readonly ConcurrentDictionary<string, int> _collections = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCStart", StringComparison.Ordinal) != true || eventData.Payload is null || eventData.PayloadNames is null) return;
        var depth = eventData.Payload[eventData.PayloadNames.IndexOf("Depth")];
        var reason = Convert.ToInt32(eventData.Payload[eventData.PayloadNames.IndexOf("Reason")], CultureInfo.InvariantCulture) switch
        {
            0 => "small-object budget",
            4 => "large-object budget",
            var other => $"reason {other}",
        };
        _collections.AddOrUpdate($"gen{depth} collections, triggered by the {reason}", 1, (_, count) => count + 1);
    }

    /// <summary>Writes the counts to standard error.</summary>
    public void Print()
    {
        foreach (var (what, count) in _collections.OrderBy(p => p.Key, StringComparer.Ordinal))
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,5} {what}"));
    }
}
