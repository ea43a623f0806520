namespace Analytics.Ingest.Worker;

/// <summary>What the worker reads, where it writes, and how often. Bound from configuration (section <c>Worker</c>).</summary>
public sealed class WorkerOptions
{
    /// <summary>The lake folder.</summary>
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

    /// <summary>An S3-compatible endpoint for s3:// sources.</summary>
    public string? S3Endpoint { get; set; }

    /// <summary>Rows buffered (MiB) per run; see ingest's --batch-mb.</summary>
    public int BatchMegabytes { get; set; } = 24;

    /// <summary>Every problem, one line each; empty when valid.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Lake)) errors.Add("--lake (Worker:Lake) is required: the lake folder.");
        else if (Run.IngestOptions.LakeIsAFileError(Lake) is { } lakeError) errors.Add(lakeError);
        if (Sources.Count == 0 && FirehoseStream is null) errors.Add("--source (Worker:Sources) or --firehose-stream (Worker:FirehoseStream) is required: a folder or s3://bucket/prefix/ to watch (repeat for each), or a Firehose stream.");
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
        return errors;
    }
}
