namespace Analytics.Ingest.Run;

/// <summary>What an ingest run reads and where it writes. Validate with <see cref="Validate"/> before running.</summary>
public sealed class IngestOptions
{
    /// <summary>The lake: a folder (created when missing) or <c>s3://bucket/prefix/</c>.</summary>
    public string Lake { get; set; } = "";

    /// <summary>Files, folders (searched recursively) or <c>s3://bucket/prefix/</c> to read.</summary>
    public IReadOnlyList<string> Inputs { get; set; } = [];

    /// <summary>
    /// The objects to read, already listed (the worker's new objects); when set, <see cref="Inputs"/> only names where
    /// they come from and is not listed again.
    /// </summary>
    public IReadOnlyList<Input.InputObjectRef>? Objects { get; set; }

    /// <summary>An S3-compatible endpoint (path-style) replacing AWS's, for S3 inputs; null for AWS.</summary>
    public string? S3Endpoint { get; set; }

    /// <summary>Rows buffered (by estimated in-memory size) before they are written out.</summary>
    /// <value>The default value is 24 MiB.</value>
    public int BatchMegabytes { get; set; } = 24;

    /// <summary>
    /// Largest document that is one JSON array (an API response), once decompressed: it is held whole. Objects
    /// themselves may be of any size, plain or gzip: they are read a window at a time. A larger document is
    /// quarantined as a fault of its object, and the run goes on.
    /// </summary>
    /// <value>The default value is 512 MiB.</value>
    public int MaxObjectMegabytes { get; set; } = 512;

    /// <summary>
    /// Largest single record, once decompressed. EventBridge events are at most 1 MB and Firehose records 1,000 KiB;
    /// the collector's API pages are larger but far below this. A larger record is not an event: it is quarantined as
    /// too large with its first bytes, skipped without being held (memory stays bounded by this), and the rest of its
    /// object lands. At most <see cref="MaxObjectMegabytes"/> counts.
    /// </summary>
    /// <value>The default value is 16 MiB.</value>
    public int MaxRecordMegabytes { get; set; } = 16;

    /// <summary>Input objects parsed at once.</summary>
    /// <value>The default value is the number of processors.</value>
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Hidden temp files older than this, left by runs that died, are deleted at start.</summary>
    /// <value>The default value is 60 minutes.</value>
    public int StaleTempMinutes { get; set; } = 60;

    /// <summary>
    /// Record ids the dedupe index holds (about 40 bytes each) before it forgets the partitions touched least
    /// recently; a forgotten partition is read again from its files if touched again.
    /// </summary>
    /// <value>The default value is 1,000,000 ids.</value>
    public long IndexMaxIds { get; set; } = LakeWriter.DefaultMaxIndexIds;

    /// <summary>
    /// How long to wait when another ingest or compact holds the lake (one writer at a time); 0 to stop at once with
    /// <see cref="LakeBusyException"/>.
    /// </summary>
    /// <value>The default value is 0 seconds.</value>
    public int WaitForLakeSeconds { get; set; }

    /// <summary>
    /// Where a lake on S3 stages the files of a run before uploading them; by default a folder of the system's temp
    /// folder named after the lake. Needs room for a run's output (about a tenth of its input).
    /// </summary>
    public string? StagingFolder { get; set; }

    /// <summary>How long the S3 lease of a lake on S3 holds without renewal: how long a killed writer keeps the lake.</summary>
    /// <value>The default value is 60 seconds.</value>
    public int LeaseSeconds { get; set; } = (int)S3Lease.DefaultDuration.TotalSeconds;

    /// <summary>Every problem with the options, each naming the option, its value and the rule; empty when valid.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Lake)) errors.Add("--lake is required: the folder or s3://bucket/prefix/ the lake is written to.");
        else if (LakeError(Lake) is { } lakeError) errors.Add(lakeError);
        if (Inputs.Count == 0) errors.Add("at least one input file or folder is required.");
        foreach (var input in Inputs)
        {
            if (S3LocationError(input, "input") is { } s3Error) errors.Add(s3Error);
            else if (!input.StartsWith("s3://", StringComparison.Ordinal) && !File.Exists(input) && !Directory.Exists(input))
                errors.Add(input.StartsWith('-')
                    ? $"'{input}' is not an option of this command (see --help); a file of that name is given as ./{input}."
                    : $"input '{input}' does not exist.");
        }
        if (S3EndpointError(S3Endpoint) is { } endpointError) errors.Add(endpointError);
        if (BatchError(BatchMegabytes) is { } batchError) errors.Add(batchError);
        if (MaxObjectMegabytes is < 1 or > 2000) errors.Add($"--max-object-mb {MaxObjectMegabytes} must be between 1 and 2000.");
        if (MaxRecordMegabytes is < 1 or > 2000) errors.Add($"--max-record-mb {MaxRecordMegabytes} must be between 1 and 2000 (and at most --max-object-mb counts).");
        if (Parallelism is < 1 or > 64) errors.Add($"--parallelism {Parallelism} must be between 1 and 64.");
        if (IndexMaxIds < 1) errors.Add($"--index-max-ids {IndexMaxIds} must be 1 or more.");
        if (LakeLock.WaitError(WaitForLakeSeconds) is { } waitError) errors.Add(waitError);
        if (LeaseError(LeaseSeconds) is { } leaseError) errors.Add(leaseError);
        if (StaleTempMinutes < 0) errors.Add($"--stale-temp-minutes {StaleTempMinutes} must be 0 or more.");
        return errors;
    }

    /// <summary>What is wrong with a lake location: a file, or a malformed <c>s3://</c> location; null when it is fine.</summary>
    public static string? LakeError(string lake) =>
        S3LocationError(lake, "--lake") ?? (File.Exists(lake) ? $"--lake '{lake}' is a file; it must be a folder (created when missing) or s3://bucket/prefix/." : null);

    /// <summary>What is wrong with a lease duration; null when it is fine.</summary>
    public static string? LeaseError(int seconds) =>
        seconds is < 5 or > 3600 ? $"--lease-seconds {seconds} must be between 5 and 3600." : null;

    /// <summary>What is wrong with an <c>s3://</c> location (<paramref name="role"/>: input, source); null when it is one, or is not an S3 location at all.</summary>
    public static string? S3LocationError(string location, string role) =>
        location.StartsWith("s3://", StringComparison.Ordinal) && Storage.S3ObjectStore.Parse(location) is null
            ? $"{role} '{location}' is not an S3 location: expected s3://bucket/prefix/."
            : null;

    /// <summary>What is wrong with an S3 endpoint URL; null when it is fine or not given.</summary>
    public static string? S3EndpointError(string? endpoint) =>
        endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            ? $"--s3-endpoint '{endpoint}' must be an http(s) URL."
            : null;

    /// <summary>What is wrong with a batch size; null when it is fine.</summary>
    public static string? BatchError(int megabytes) =>
        megabytes is < 1 or > 4096 ? $"--batch-mb {megabytes} must be between 1 and 4096." : null;

    /// <summary>
    /// An S3 client from the SDK's defaults (credentials, region, retries); with <see cref="S3Endpoint"/>, path-style
    /// against that endpoint, with no aws-chunked bodies and checksums only where required (S3-compatible stores
    /// reject or store them verbatim).
    /// </summary>
    public Amazon.S3.AmazonS3Client S3Client() =>
        // The object store retries every call with one policy (Storage.S3Resilience): the SDK makes one attempt.
        Analytics.Aws.S3Clients.Create(S3Endpoint is null ? null : new Uri(S3Endpoint), null, sdkRetries: false);
}
