namespace Analytics.Common.Settings;

/// <summary>What the worker watches and collects, and how often (section <c>Worker</c>).</summary>
[SettingsSection("Worker")]
public sealed class WorkerSettings : ISettings
{
    /// <summary>Folders or <c>s3://bucket/prefix/</c> watched for new objects (Firehose's raw prefix).</summary>
    [Setting("--source", "A folder or s3://bucket/prefix/ to watch for new objects, such as Firehose's raw prefix; repeat for each.")]
    public List<string> Sources { get; set; } = [];

    /// <summary>A Firehose stream whose S3 delivery (objects and error output) is watched, found with DescribeDeliveryStream.</summary>
    [Setting("--firehose-stream", "A Firehose stream: its S3 delivery prefix and error output prefix are watched, found with DescribeDeliveryStream.")]
    public string? FirehoseStream { get; set; }

    /// <summary>API sources collected on a schedule, each pass as <c>collect</c> makes it.</summary>
    [Setting("--collect", "API sources to collect on a schedule, comma-separated: health, health-org, support, trusted-advisor; each pass as the collect command makes it.", CommaSeparated = true)]
    public List<string> Collect { get; set; } = [];

    /// <summary>Seconds between two looks at the sources.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Setting("--interval-seconds", "Seconds between two looks at the sources.")]
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Seconds between two status lines.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Setting("--status-seconds", "Seconds between two status lines.")]
    public int StatusSeconds { get; set; } = 60;

    /// <summary>
    /// Seconds a run under way when the worker is told to stop (SIGTERM) may take to publish and checkpoint; past them it
    /// is cancelled, nothing of it published, and its objects are read again at the next start.
    /// </summary>
    /// <value>The default value is 20 seconds (an ECS stop allows 30).</value>
    [Setting("--stop-grace-seconds", "Seconds a run under way may take to publish and checkpoint once told to stop (an ECS stop allows 30).")]
    public int StopGraceSeconds { get; set; } = 20;

    /// <summary>New objects one run ingests at most (Serilog's batch size limit); more wait for the next run, which starts at once.</summary>
    /// <value>The default value is 1,000 objects.</value>
    [Setting("--batch-max-objects", "New objects one run ingests at most; more start the next run at once.")]
    public int BatchMaxObjects { get; set; } = 1000;

    /// <summary>Bytes (MiB, as stored) of new objects that start a run without waiting for <see cref="BufferingSeconds"/>.</summary>
    /// <value>The default value is 256 MiB.</value>
    [Setting("--batch-max-mb", "MiB of new objects (as stored) that start a run without waiting.")]
    public int BatchMaxMegabytes { get; set; } = 256;

    /// <summary>
    /// Seconds the oldest new object may wait for more to join it before a run ingests them (Serilog's buffering time
    /// limit): fewer, larger files than a run per object. 0 ingests at every look.
    /// </summary>
    /// <value>The default value is 0 seconds: each look ingests what it found (Firehose already buffers up to 15 minutes).</value>
    [Setting("--buffering-seconds", "Seconds the oldest new object may wait for more before a run ingests them: fewer, larger files (0: every look; Firehose already buffers up to 15 minutes).")]
    public int BufferingSeconds { get; set; }

    /// <summary>New objects held waiting at most (Serilog's queue limit); beyond, a look leaves the rest in the source for a later one.</summary>
    /// <value>The default value is 100,000 objects.</value>
    [Setting("--queue-limit", "New objects held waiting at most; the rest stay in the source for a later look.")]
    public int QueueLimit { get; set; } = 100_000;

    /// <summary>A file the worker rewrites after every look, read by the <c>health</c> command.</summary>
    [Setting("--health-file", "A file rewritten after every look (time, last success, last error, pending objects), for the health command.")]
    public string? HealthFile { get; set; }

    /// <summary>Logs as JSON lines (for containers) instead of one line of text each.</summary>
    /// <value>The default value is false.</value>
    [Setting("--json-logs", "Logs as JSON lines (for containers).")]
    public bool JsonLogs { get; set; }

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        foreach (var source in Sources)
        {
            check.S3Location(source, "source");
            if (!Locations.IsS3(source) && !Directory.Exists(source)) check.Add($"source '{source}' is not a folder.");
        }
        foreach (var source in Collect.Where(c => !CollectSettings.Sources.Contains(c)))
            check.Add($"{check.Name(nameof(Collect))} '{source}' is not a source; expected {string.Join(", ", CollectSettings.Sources)}.");
        check.Range(nameof(IntervalSeconds), IntervalSeconds, 1, 86_400);
        check.Range(nameof(StatusSeconds), StatusSeconds, 1, 86_400);
        check.Range(nameof(StopGraceSeconds), StopGraceSeconds, 0, 600);
        check.Range(nameof(BatchMaxObjects), BatchMaxObjects, 1, 1_000_000);
        check.Range(nameof(BatchMaxMegabytes), BatchMaxMegabytes, 1, 1_000_000);
        check.Range(nameof(BufferingSeconds), BufferingSeconds, 0, 86_400);
        if (QueueLimit < BatchMaxObjects) check.Add($"{check.Name(nameof(QueueLimit))} {QueueLimit} must be at least {check.Name(nameof(BatchMaxObjects))} ({BatchMaxObjects}).");
        if (HealthFile is not null && Path.GetDirectoryName(Path.GetFullPath(HealthFile)) is { } folder && !Directory.Exists(folder))
            check.Add($"{check.Name(nameof(HealthFile))} '{HealthFile}': its folder {folder} does not exist.");
    }
}
