using Analytics.Schemas;

namespace Analytics.Ingest.Lake;

/// <summary>
/// A local lake's paths, under its root, as <see cref="LakePaths"/> lays a lake out.
/// </summary>
/// <param name="root">The lake's root folder.</param>
public sealed class LakeLayout(string root)
{

    /// <summary>The lake's root folder, absolute.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The folder of quarantined records.</summary>
    public string QuarantineFolder => Path.Combine(Root, LakePaths.QuarantineFolder);

    /// <summary>A table's folder.</summary>
    public string TableFolder(string table) => Path.Combine(Root, table);

    /// <summary>A partition's folder.</summary>
    public string PartitionFolder(string table, string dt) => Path.Combine(Root, table, LakePaths.PartitionFolder(dt));

    /// <summary>The file a run publishes into a partition.</summary>
    public string DataFile(string table, string dt, string runId) => Path.Combine(PartitionFolder(table, dt), LakePaths.DataFileName(runId));

    /// <summary>The hidden file a run writes before publishing it.</summary>
    public string TempFile(string table, string dt, string runId) => Path.Combine(PartitionFolder(table, dt), LakePaths.TempFileName(runId));

    /// <summary>What names a run's <paramref name="part"/>-th file (from 0) in a partition: the run's id, then RUN-1, RUN-2….</summary>
    public static string FileId(string runId, int part) => part == 0 ? runId : $"{runId}-{part}";

    /// <summary>The hidden files a run has written into a partition so far, named by <see cref="FileId"/>.</summary>
    public IEnumerable<string> RunTempFiles(string table, string dt, string runId)
    {
        var folder = PartitionFolder(table, dt);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, $".part-{runId}*{LakePaths.DataExtension}{LakePaths.TempSuffix}", new EnumerationOptions { AttributesToSkip = 0 })
                .Where(f => Path.GetFileName(f) is var name && (name == Path.GetFileName(TempFile(table, dt, runId)) || name.StartsWith($".part-{runId}-", StringComparison.Ordinal)))
            : [];
    }

    /// <summary>The published data files of a partition.</summary>
    public IEnumerable<string> PublishedFiles(string table, string dt)
    {
        var folder = PartitionFolder(table, dt);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, LakePaths.DataFilePattern) : [];
    }

    /// <summary>Temp files left by runs that died, older than <paramref name="olderThan"/>.</summary>
    public IEnumerable<string> StaleTempFiles(DateTime olderThan) =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, LakePaths.TempFilePattern, new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Where(f => File.GetLastWriteTimeUtc(f) < olderThan)
            : [];
}
