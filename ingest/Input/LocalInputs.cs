namespace Analytics.Ingest.Input;

/// <summary>Finds input files: each path is a file, or a folder searched recursively.</summary>
internal static class LocalInputs
{
    /// <summary>
    /// Every file under <paramref name="paths"/>, in a stable (ordinal) order, hidden files and folders skipped,
    /// and any file inside <paramref name="lake"/>: a lake kept in the folder being ingested (<c>--lake ./lake .</c>)
    /// is output, and reading its Parquet files back as input would quarantine them on every run.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    public static List<FileInfo> Enumerate(IEnumerable<string> paths, string? lake = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var lakePrefix = lake is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(lake)) + Path.DirectorySeparatorChar;
        var files = new List<FileInfo>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) { files.Add(new FileInfo(path)); continue; }
            if (!Directory.Exists(path)) throw new FileNotFoundException($"Input '{path}' is neither a file nor a folder.", path);
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = false };
            files.AddRange(new DirectoryInfo(path).EnumerateFiles("*", options)
                .Where(f => !IsHidden(Path.GetRelativePath(path, f.FullName))));
        }
        return files.DistinctBy(f => f.FullName)
            .Where(f => lakePrefix is null || !f.FullName.StartsWith(lakePrefix, StringComparison.Ordinal))
            .OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
    }

    // Dot-files and _-prefixed folders (the lake's own _quarantine, editor backups) are not input.
    private static bool IsHidden(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(Analytics.Schemas.LakePaths.IsHidden);
}
