using Analytics.Schemas;

namespace Analytics.Ingest.Lake;

/// <summary>
/// Where things live in a local lake: <c>ROOT/TABLE/dt=yyyy-MM-dd/part-RUN.parquet</c> for data,
/// hidden <c>.part-RUN.parquet.tmp</c> files while a run writes, and <c>ROOT/_quarantine/</c> for
/// rejected records. Names starting with '.' or '_' are skipped by Athena, Hive and DuckDB's globs.
/// </summary>
/// <param name="root">The lake's root folder.</param>
public sealed class LakeLayout(string root)
{
    /// <summary>The data file extension.</summary>
    public const string DataExtension = ".parquet";
    private const string TempSuffix = ".tmp";

    /// <summary>The lake's root folder, absolute.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The folder of quarantined records.</summary>
    public string QuarantineFolder => Path.Combine(Root, "_quarantine");

    /// <summary>A table's folder.</summary>
    public string TableFolder(string table) => Path.Combine(Root, table);

    /// <summary>A partition's folder.</summary>
    public string PartitionFolder(string table, string dt) => Path.Combine(Root, table, $"{Partitioning.Column}={dt}");

    /// <summary>The file a run publishes into a partition.</summary>
    public string DataFile(string table, string dt, string runId) => Path.Combine(PartitionFolder(table, dt), $"part-{runId}{DataExtension}");

    /// <summary>The hidden file a run writes before publishing it.</summary>
    public string TempFile(string table, string dt, string runId) => Path.Combine(PartitionFolder(table, dt), $".part-{runId}{DataExtension}{TempSuffix}");

    /// <summary>What names a run's <paramref name="part"/>-th file (from 0) in a partition: the run's id, then RUN-1, RUN-2….</summary>
    public static string FileId(string runId, int part) => part == 0 ? runId : $"{runId}-{part}";

    /// <summary>The hidden files a run has written into a partition so far, named by <see cref="FileId"/>.</summary>
    public IEnumerable<string> RunTempFiles(string table, string dt, string runId)
    {
        var folder = PartitionFolder(table, dt);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, $".part-{runId}*{DataExtension}{TempSuffix}", new EnumerationOptions { AttributesToSkip = 0 })
                .Where(f => Path.GetFileName(f) is var name && (name == Path.GetFileName(TempFile(table, dt, runId)) || name.StartsWith($".part-{runId}-", StringComparison.Ordinal)))
            : [];
    }

    /// <summary>The published data files of a partition.</summary>
    public IEnumerable<string> PublishedFiles(string table, string dt)
    {
        var folder = PartitionFolder(table, dt);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "part-*" + DataExtension) : [];
    }

    /// <summary>Temp files left by runs that died, older than <paramref name="olderThan"/>.</summary>
    public IEnumerable<string> StaleTempFiles(DateTime olderThan) =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, ".part-*" + TempSuffix, new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Where(f => File.GetLastWriteTimeUtc(f) < olderThan)
            : [];
}
