namespace Analytics.Schemas;

/// <summary>
/// The lake's layout, defined once for ingest, compaction, the query engines, the tests and the benchmark:
/// <c>TABLE/dt=yyyy-MM-dd/part-RUN.parquet</c> for data, hidden <c>.part-RUN.parquet.tmp</c> files while a run writes,
/// and <c>_</c>-prefixed folders and files for the lake's own bookkeeping (quarantine, compaction journal, lock). Names
/// starting with '.' or '_' are skipped by Athena, Hive and DuckDB's globs, and never read as input.
/// </summary>
public static class LakePaths
{
    /// <summary>The data file extension.</summary>
    public const string DataExtension = ".parquet";

    /// <summary>What ends a file a run is still writing.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>The folder of quarantined records.</summary>
    public const string QuarantineFolder = "_quarantine";

    /// <summary>The folder of compaction journals.</summary>
    public const string CompactionFolder = "_compaction";

    /// <summary>The folder of the worker's checkpoints (which objects of each source it has ingested).</summary>
    public const string CheckpointFolder = "_checkpoints";

    /// <summary>The folder of the API response pages the collectors stored (<c>_collected/SOURCE/</c>).</summary>
    public const string CollectedFolder = "_collected";

    /// <summary>The lock file of the one writer.</summary>
    public const string LockFile = "_lake.lock";

    /// <summary>The lease object of the one writer of a lake on S3.</summary>
    public const string LeaseFile = "_lake.lease";

    /// <summary>The file in which the writer describes itself.</summary>
    public const string HolderFile = "_lake.holder";

    /// <summary>The published data files of a partition, as a file pattern.</summary>
    public const string DataFilePattern = "part-*" + DataExtension;

    /// <summary>The hidden files of runs, as a file pattern.</summary>
    public const string TempFilePattern = ".part-*" + TempSuffix;

    /// <summary>Partition folders, as a folder pattern.</summary>
    public static string PartitionPattern => Partitioning.Column + "=*";

    /// <summary>A partition's folder name: <c>dt=2026-11-02</c>.</summary>
    public static string PartitionFolder(string dt) => $"{Partitioning.Column}={dt}";

    /// <summary>The name of the data file of <paramref name="fileId"/> (a run's id, or RUN-1, RUN-2… for its next files).</summary>
    public static string DataFileName(string fileId) => $"part-{fileId}{DataExtension}";

    /// <summary>The hidden name a file has while its run writes it.</summary>
    public static string TempFileName(string fileId) => $".{DataFileName(fileId)}{TempSuffix}";

    /// <summary>Whether a file or folder name is the lake's own or hidden: never data, never input.</summary>
    public static bool IsHidden(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.StartsWith('.') || name.StartsWith('_');
    }

    /// <summary>The partition value of a partition folder name (<c>dt=2026-11-02</c>), or null.</summary>
    public static string? PartitionValue(string folderName)
    {
        ArgumentNullException.ThrowIfNull(folderName);
        var prefix = Partitioning.Column + "=";
        return folderName.StartsWith(prefix, StringComparison.Ordinal) ? folderName[prefix.Length..] : null;
    }

    /// <summary>The tables a local lake holds data for: its non-hidden folders with at least one data file.</summary>
    public static IEnumerable<string> TablesWithData(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>()
                .Where(name => !IsHidden(name) && Directory.EnumerateFiles(Path.Combine(root, name), DataFilePattern, SearchOption.AllDirectories).Any())
                .Order(StringComparer.Ordinal)
            : [];

    /// <summary>A glob of every data file of a table of a local lake, for DuckDB's <c>read_parquet</c>.</summary>
    public static string DataGlob(string root, string table) => Path.Combine(root, table, PartitionPattern, DataFilePattern);
}
