namespace Analytics.Bench;

/// <summary>Where the repository is (the folder of Analytics.sln above the benchmark), for its samples and tools.</summary>
internal static class RepoRoot
{
    /// <summary>The repository's folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Analytics.sln"))) return dir.FullName;
        throw new InvalidOperationException("Analytics.sln not found above " + AppContext.BaseDirectory);
    }
}
