using System.Globalization;

namespace Analytics.Ingest.Collect;

/// <summary>What <c>collect</c> asks and where it keeps it. Validate with <see cref="Validate"/>.</summary>
public sealed class CollectOptions
{
    /// <summary>The lake: a folder or <c>s3://bucket/prefix/</c>.</summary>
    public string Lake { get; set; } = "";

    /// <summary>The sources, in order: health, support.</summary>
    public IReadOnlyList<string> Sources { get; set; } = Collector.Sources;

    /// <summary>Where a first pass starts (Health: events updated since; Support: cases created since); later passes go on from the checkpoint.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>A Health endpoint replacing the active region's (tests, VPC endpoints).</summary>
    public string? HealthEndpoint { get; set; }

    /// <summary>A Support endpoint replacing us-east-1's.</summary>
    public string? SupportEndpoint { get; set; }

    /// <summary>
    /// An STS endpoint for GetCallerIdentity, which tells the account the pages belong to. Against AWS (no Health or
    /// Support endpoint given) the regional STS is asked; with replaced endpoints (VPC endpoints, tests) only this one
    /// is, and without it the pages carry no account.
    /// </summary>
    public string? StsEndpoint { get; set; }

    /// <summary>The region requests to a replaced endpoint are signed for; the service's own region by default.</summary>
    public string? Region { get; set; }

    /// <summary>An S3-compatible endpoint for a lake on S3.</summary>
    public string? S3Endpoint { get; set; }

    /// <summary>A lake on S3: the local staging folder.</summary>
    public string? StagingFolder { get; set; }

    /// <summary>A lake on S3: the writer's lease.</summary>
    public int LeaseSeconds { get; set; } = (int)Analytics.Ingest.Lake.Locking.S3Lease.DefaultDuration.TotalSeconds;

    /// <summary>How long to wait for another writer of the lake.</summary>
    public int WaitForLakeSeconds { get; set; }

    /// <summary>Parses <c>--since</c>: an ISO 8601 time with its offset, or a date (UTC midnight).</summary>
    public static DateTimeOffset? ParseSince(string? text) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var since) ? since
        : throw new FormatException($"--since '{text}' is not a time: expected ISO 8601, such as 2026-11-01 or 2026-11-01T00:00:00Z.");

    /// <summary>Every problem, one line each; empty when valid.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Lake)) errors.Add("--lake is required: the folder or s3://bucket/prefix/ of the lake.");
        else if (Run.IngestOptions.LakeError(Lake) is { } lakeError) errors.Add(lakeError);
        if (Sources.Count == 0) errors.Add($"--sources is empty: give one or more of {string.Join(", ", Collector.Sources)}.");
        foreach (var source in Sources.Where(s => !Collector.Sources.Contains(s)))
            errors.Add($"--sources: '{source}' is not a source; expected {string.Join(", ", Collector.Sources)} (comma-separated).");
        foreach (var (name, url) in new[] { ("--health-endpoint", HealthEndpoint), ("--support-endpoint", SupportEndpoint), ("--sts-endpoint", StsEndpoint) })
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))) errors.Add($"{name} '{url}' must be an http(s) URL.");
        if (Run.IngestOptions.S3EndpointError(S3Endpoint) is { } s3Error) errors.Add(s3Error);
        if (Run.IngestOptions.LeaseError(LeaseSeconds) is { } leaseError) errors.Add(leaseError);
        return errors;
    }
}
