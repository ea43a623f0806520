namespace Analytics.Ingest.Worker;

/// <summary>What the worker reads, where it writes, and how often. Bound from configuration (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>The lake: a folder or <c>s3://bucket/prefix/</c>.</summary>
    public string Lake { get; set; } = "";

    /// <summary>Folders or <c>s3://bucket/prefix/</c> watched for new objects (Firehose's raw prefix).</summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>A Firehose stream whose S3 delivery (objects and error output) is watched, found with DescribeDeliveryStream.</summary>
    public string? FirehoseStream { get; set; }

    /// <summary>A Firehose endpoint replacing the regional one (VPC endpoints, tests).</summary>
    public string? FirehoseEndpoint { get; set; }

    /// <summary>The AWS region of the Firehose stream; default from AWS_REGION or the profile.</summary>
    public string? Region { get; set; }

    /// <summary>Seconds between two looks at the sources.</summary>
    /// <value>The default value is 60 seconds.</value>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Seconds between two status lines.</summary>
    /// <value>The default value is 60 seconds.</value>
    public int StatusSeconds { get; set; } = 60;

    /// <summary>Seconds a run under way when the worker is told to stop (SIGTERM) may take to publish and checkpoint; past
    /// them it is cancelled, nothing of it published, and its objects are read again at the next start.</summary>
    /// <value>The default value is 20 seconds (an ECS stop allows 30).</value>
    public int StopGraceSeconds { get; set; } = 20;

    /// <summary>An S3-compatible endpoint for s3:// sources and lake.</summary>
    public string? S3Endpoint { get; set; }

    /// <summary>Rows buffered (MiB) per run; see ingest's --batch-mb.</summary>
    public int BatchMegabytes { get; set; } = 24;

    /// <summary>
    /// New objects one run ingests at most (Serilog's batch size limit); more wait for the next run, which starts at
    /// once.
    /// </summary>
    /// <value>The default value is 1,000 objects.</value>
    public int BatchMaxObjects { get; set; } = 1000;

    /// <summary>Bytes (MiB, as stored) of new objects that start a run without waiting for <see cref="BufferingSeconds"/>.</summary>
    /// <value>The default value is 256 MiB.</value>
    public int BatchMaxMegabytes { get; set; } = 256;

    /// <summary>
    /// Seconds the oldest new object may wait for more to join it before a run ingests them (Serilog's buffering time
    /// limit): fewer, larger files than a run per object. 0 ingests at every look.
    /// </summary>
    /// <value>The default value is 0 seconds: each look ingests what it found (Firehose already buffers up to 15 minutes).</value>
    public int BufferingSeconds { get; set; }

    /// <summary>
    /// New objects held waiting at most (Serilog's queue limit); beyond, a look leaves the rest where they are for a later
    /// one: nothing is dropped, the objects stay in the source.
    /// </summary>
    /// <value>The default value is 100,000 objects.</value>
    public int QueueLimit { get; set; } = 100_000;

    /// <summary>API sources collected on a schedule (<c>health</c>, <c>health-org</c>, <c>support</c>, <c>trusted-advisor</c>), each pass as <c>collect</c> makes it.</summary>
    public List<string> Collect { get; set; } = [];

    /// <summary>Seconds between two Health collection passes.</summary>
    /// <value>The default value is 300 seconds.</value>
    public int HealthIntervalSeconds { get; set; } = 300;

    /// <summary>Seconds between two Support collection passes.</summary>
    /// <value>The default value is 900 seconds.</value>
    public int SupportIntervalSeconds { get; set; } = 900;

    /// <summary>Seconds between two Trusted Advisor collection passes.</summary>
    /// <value>The default value is 3600 seconds.</value>
    public int TrustedAdvisorIntervalSeconds { get; set; } = 3600;

    /// <summary>A Health endpoint replacing the active region's.</summary>
    public string? HealthEndpoint { get; set; }

    /// <summary>A Support endpoint replacing us-east-1's.</summary>
    public string? SupportEndpoint { get; set; }

    /// <summary>An STS endpoint for GetCallerIdentity, the account collected pages belong to (see <see cref="Collect.CollectOptions.StsEndpoint"/>).</summary>
    public string? StsEndpoint { get; set; }

    /// <summary>The interval of a collected source.</summary>
    public TimeSpan CollectInterval(string source) => TimeSpan.FromSeconds(
        source.StartsWith("health", StringComparison.Ordinal) ? HealthIntervalSeconds : source == "trusted-advisor" ? TrustedAdvisorIntervalSeconds : SupportIntervalSeconds);

    /// <summary>A file the worker rewrites after every look (JSON: time, last success, last error, pending objects), read by the <c>health</c> command.</summary>
    public string? HealthFile { get; set; }

    /// <summary>A lake on S3: where runs stage their files (default: in the system's temp folder).</summary>
    public string? StagingFolder { get; set; }

    /// <summary>A lake on S3: seconds the writer's lease holds without renewal.</summary>
    /// <value>The default value is 60 seconds.</value>
    public int LeaseSeconds { get; set; } = (int)Analytics.Ingest.Lake.Locking.S3Lease.DefaultDuration.TotalSeconds;

    /// <summary>Every problem, one line each; empty when valid.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Lake)) errors.Add("--lake (Worker:Lake) is required: the lake folder or s3://bucket/prefix/.");
        else if (Run.IngestOptions.LakeError(Lake) is { } lakeError) errors.Add(lakeError);
        if (Sources.Count == 0 && FirehoseStream is null && Collect.Count == 0)
            errors.Add("--source (Worker:Sources), --firehose-stream (Worker:FirehoseStream) or --collect (Worker:Collect) is required: a folder or s3://bucket/prefix/ to watch (repeat for each), a Firehose stream, or API sources to collect.");
        foreach (var source in Collect.Where(c => !Analytics.Ingest.Collect.Collector.Sources.Contains(c)))
            errors.Add($"--collect '{source}' is not a source; expected {string.Join(", ", Analytics.Ingest.Collect.Collector.Sources)}.");
        foreach (var (name, seconds) in new[] { ("--health-interval-seconds", HealthIntervalSeconds), ("--support-interval-seconds", SupportIntervalSeconds), ("--trusted-advisor-interval-seconds", TrustedAdvisorIntervalSeconds) })
            if (seconds is < 10 or > 86_400) errors.Add($"{name} {seconds} must be between 10 and 86400.");
        if (FirehoseStream is not null && Analytics.Aws.AwsEndpoints.ResolveRegion(Region) is null) errors.Add("--region (Worker:Region) is required with --firehose-stream: set it, or AWS_REGION.");
        if (FirehoseEndpoint is not null && (!Uri.TryCreate(FirehoseEndpoint, UriKind.Absolute, out var firehose) || firehose.Scheme is not ("http" or "https")))
            errors.Add($"--firehose-endpoint '{FirehoseEndpoint}' must be an http(s) URL.");
        foreach (var source in Sources)
        {
            if (Run.IngestOptions.S3LocationError(source, "source") is { } s3Error) errors.Add(s3Error);
            else if (!source.StartsWith("s3://", StringComparison.Ordinal) && !Directory.Exists(source)) errors.Add($"source '{source}' is not a folder.");
        }
        if (IntervalSeconds is < 1 or > 86_400) errors.Add($"--interval-seconds {IntervalSeconds} must be between 1 and 86400.");
        if (StatusSeconds is < 1 or > 86_400) errors.Add($"--status-seconds {StatusSeconds} must be between 1 and 86400.");
        if (StopGraceSeconds is < 0 or > 600) errors.Add($"--stop-grace-seconds {StopGraceSeconds} must be between 0 and 600.");
        if (Run.IngestOptions.BatchError(BatchMegabytes) is { } batchError) errors.Add(batchError);
        if (Run.IngestOptions.S3EndpointError(S3Endpoint) is { } endpointError) errors.Add(endpointError);
        if (BatchMaxObjects is < 1 or > 1_000_000) errors.Add($"--batch-max-objects {BatchMaxObjects} must be between 1 and 1000000.");
        if (BatchMaxMegabytes is < 1 or > 1_000_000) errors.Add($"--batch-max-mb {BatchMaxMegabytes} must be between 1 and 1000000.");
        if (BufferingSeconds is < 0 or > 86_400) errors.Add($"--buffering-seconds {BufferingSeconds} must be between 0 and 86400.");
        if (QueueLimit < BatchMaxObjects) errors.Add($"--queue-limit {QueueLimit} must be at least --batch-max-objects ({BatchMaxObjects}).");
        if (Run.IngestOptions.LeaseError(LeaseSeconds) is { } leaseError) errors.Add(leaseError);
        if (HealthFile is not null && Path.GetDirectoryName(Path.GetFullPath(HealthFile)) is { } folder && !Directory.Exists(folder))
            errors.Add($"--health-file '{HealthFile}': its folder {folder} does not exist.");
        return errors;
    }
}
