using System.Globalization;
using Analytics.Common.Settings;

namespace Analytics.Ingest.Collect;

/// <summary>What one <c>collect</c> pass asks: which sources, and from when when no checkpoint says.</summary>
internal sealed class CollectOptions
{
    /// <summary>The sources, in order: health, health-org, support, trusted-advisor.</summary>
    public IReadOnlyList<string> Sources { get; init; } = CollectSettings.Sources;

    /// <summary>Where a first pass starts (Health: events updated since; Support: cases created since); later passes go on from the checkpoint.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Parses <c>--since</c>: an ISO 8601 time with its offset, or a date (UTC midnight).</summary>
    public static DateTimeOffset? ParseSince(string? text) =>
        text is null ? null
        : TryTime(text, out var since) ? since
        : throw new FormatException($"--since '{text}' is not a time: expected ISO 8601, such as 2026-11-01 or 2026-11-01T00:00:00Z.");

    /// <summary>An ISO 8601 time given on the command line: with its offset, or UTC when it has none (a date is its UTC midnight).</summary>
    public static bool TryTime(string? text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>Every problem, one line each; empty when valid.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (Sources.Count == 0) errors.Add($"--sources is empty: give one or more of {string.Join(", ", CollectSettings.Sources)}.");
        foreach (var source in Sources.Where(s => !CollectSettings.Sources.Contains(s)))
            errors.Add($"--sources: '{source}' is not a source; expected {string.Join(", ", CollectSettings.Sources)} (comma-separated).");
        return errors;
    }
}
