namespace Analytics.Common.Settings;

/// <summary>Where the lake is and how a writer holds it (section <c>Lake</c>): every program reads it.</summary>
[SettingsSection("Lake")]
public sealed class LakeSettings : ISettings
{
    /// <summary>The default lease: long enough to ride out a slow renewal, short enough that a killed writer frees the lake within a minute.</summary>
    public const int DefaultLeaseSeconds = 60;

    /// <summary>The lake: a folder, or <c>s3://bucket/prefix/</c>.</summary>
    /// <value>No default: the commands that need it say so.</value>
    [Setting("--lake", "The lake: a folder (created when missing) or s3://bucket/prefix/. Tables are TABLE/dt=yyyy-MM-dd/*.parquet; rejected records go to _quarantine/.")]
    public string? Location { get; set; }

    /// <summary>A lake on S3: the local folder a run's files are written in before they are uploaded.</summary>
    /// <value>The default is a folder of the system's temp folder named after the lake.</value>
    [Setting("--staging", "A lake on S3: the local folder a run's files are written in before they are uploaded (needs room for about a tenth of a run's input; default: one in the system's temp folder, named after the lake).")]
    public string? StagingFolder { get; set; }

    /// <summary>A lake on S3: how long the writer's lease holds without renewal, so how long a killed writer keeps the lake.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Setting("--lease-seconds", "A lake on S3: how long the writer's lease (_lake.lease) holds without renewal, so how long a killed writer keeps the lake. Renewed every third of it.")]
    public int LeaseSeconds { get; set; } = DefaultLeaseSeconds;

    /// <summary>How long a writer waits when another ingest, collect or compact holds the lake; 0 to stop at once.</summary>
    /// <value>The default value is 0 seconds: exit at once with code 75.</value>
    [Setting("--wait-for-lake", "Seconds to wait when another ingest, collect or compact is writing to the lake (one writer at a time). 0: exit at once with code 75.")]
    public int WaitSeconds { get; set; }

    /// <summary>These settings, waiting up to <paramref name="seconds"/> for another writer.</summary>
    public LakeSettings WithWait(int seconds) => new() { Location = Location, StagingFolder = StagingFolder, LeaseSeconds = LeaseSeconds, WaitSeconds = seconds };

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (Location is { } location)
        {
            check.S3Location(location, check.Name(nameof(Location)));
            if (File.Exists(location)) check.Add($"{check.Name(nameof(Location))} '{location}' is a file; it must be a folder (created when missing) or s3://bucket/prefix/.");
        }
        check.Range(nameof(LeaseSeconds), LeaseSeconds, 5, 3600);
        check.Range(nameof(WaitSeconds), WaitSeconds, 0, 86_400, " seconds");
    }
}
