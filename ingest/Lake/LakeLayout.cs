using System.Security.Cryptography;
using System.Text;
using Analytics.Ingest.Storage;
using Analytics.Schemas;

namespace Analytics.Ingest.Lake;

/// <summary>
/// A lake, as <see cref="LakePaths"/> lays it out, in a store (a local folder or an S3 prefix), and the local folder a
/// run stages its files in. A local lake stages each file as a hidden file in its partition folder and publishes it by
/// renaming it into place; a lake on S3 (which has no rename) stages under a local folder and publishes a file by
/// uploading it under its final key, one PUT or a multipart upload, which S3 shows whole or not at all.
/// </summary>
internal sealed class LakeLayout
{
    /// <summary>A local lake: the folder is both the store and the staging area.</summary>
    /// <param name="root">The lake's root folder.</param>
    public LakeLayout(string root)
    {
        var local = new LocalObjectStore(root);
        Store = local;
        Root = local.Root;
        StagingRoot = local.Root;
    }

    /// <summary>A lake in <paramref name="store"/>, staged under <paramref name="stagingRoot"/>.</summary>
    /// <param name="store">Where the lake is.</param>
    /// <param name="name">How the lake reads in messages: its <c>s3://</c> URI.</param>
    /// <param name="stagingRoot">A local folder for the files runs write before they publish them.</param>
    public LakeLayout(IObjectStore store, string name, string stagingRoot)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        Root = name;
        StagingRoot = Path.GetFullPath(stagingRoot);
    }

    /// <summary>
    /// The lake at <paramref name="location"/>: a folder, or <c>s3://bucket/prefix/</c> staged under
    /// <paramref name="stagingFolder"/> (by default a folder of the system's temp folder named after the lake).
    /// </summary>
    public static LakeLayout Open(string location, Func<Amazon.S3.IAmazonS3> s3, string? stagingFolder = null)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(s3);
        if (Analytics.Common.Settings.Locations.ParseS3(location) is not var (bucket, prefix)) return new LakeLayout(location);
        var store = new S3ObjectStore(s3(), bucket, prefix);
        var name = store.NameOf("");
        stagingFolder ??= Path.Combine(Path.GetTempPath(), "analytics-staging",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)).AsSpan(0, 8)));
        return new LakeLayout(store, name, stagingFolder);
    }

    /// <summary>Where the lake is.</summary>
    public IObjectStore Store { get; }

    /// <summary>How the lake reads in messages: its root folder (absolute) or <c>s3://</c> URI.</summary>
    public string Root { get; }

    /// <summary>The local folder runs stage their files in: the lake itself when it is local.</summary>
    public string StagingRoot { get; }

    /// <summary>Whether the lake is a local folder (files are published by renaming them).</summary>
    public bool IsLocal => Store.IsLocal;

    /// <summary>The key of a partition's folder, ending in '/'.</summary>
    public static string PartitionKey(string table, string dt) => $"{table}/{LakePaths.PartitionFolder(dt)}/";

    /// <summary>The key of the file <paramref name="fileId"/> publishes into a partition.</summary>
    public static string DataKey(string table, string dt, string fileId) => PartitionKey(table, dt) + LakePaths.DataFileName(fileId);

    /// <summary>Where a published data file is: its path in a local lake, its <c>s3://</c> URI on S3.</summary>
    public string DataFile(string table, string dt, string fileId) => Store.NameOf(DataKey(table, dt, fileId));

    /// <summary>The key of an input object's quarantine file.</summary>
    public static string QuarantineKey(string fileName) => $"{LakePaths.QuarantineFolder}/{fileName}";

    /// <summary>The local path of a partition's staging folder.</summary>
    public string StagingFolder(string table, string dt) => Path.Combine(StagingRoot, table, LakePaths.PartitionFolder(dt));

    /// <summary>The hidden local file a run writes before publishing it.</summary>
    public string TempFile(string table, string dt, string fileId) => Path.Combine(StagingFolder(table, dt), LakePaths.TempFileName(fileId));

    /// <summary>What names a run's <paramref name="part"/>-th file (from 0) in a partition: the run's id, then RUN-1, RUN-2….</summary>
    public static string FileId(string runId, int part) => part == 0 ? runId : $"{runId}-{part}";

    /// <summary>The hidden files a run has written into a partition so far, named by <see cref="FileId"/>.</summary>
    public IEnumerable<string> RunTempFiles(string table, string dt, string runId)
    {
        var folder = StagingFolder(table, dt);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, $".part-{runId}*{LakePaths.DataExtension}{LakePaths.TempSuffix}", new EnumerationOptions { AttributesToSkip = 0 })
                .Where(f => Path.GetFileName(f) is var name && (name == Path.GetFileName(TempFile(table, dt, runId)) || name.StartsWith($".part-{runId}-", StringComparison.Ordinal)))
            : [];
    }

    /// <summary>The published data files of a partition, in key order.</summary>
    public async Task<List<StoredObject>> PublishedFilesAsync(string table, string dt, CancellationToken cancellationToken) =>
        [.. (await ListPublishedAsync(PartitionKey(table, dt), cancellationToken).ConfigureAwait(false)).Select(f => f.File)];

    /// <summary>The published data files of a table, with their partitions, in key order: one listing.</summary>
    public Task<List<(string Dt, StoredObject File)>> PublishedFilesAsync(string table, CancellationToken cancellationToken) =>
        ListPublishedAsync(table + "/", cancellationToken);

    /// <summary>The partitions (<c>dt</c> values) a table has data files in, in order.</summary>
    public async Task<List<string>> PartitionsAsync(string table, CancellationToken cancellationToken) =>
        [.. (await PublishedFilesAsync(table, cancellationToken).ConfigureAwait(false)).Select(f => f.Dt).Distinct().Order(StringComparer.Ordinal)];

    // Data files are TABLE/dt=VALUE/part-*.parquet exactly: hidden files, the lake's own and anything deeper are not.
    private async Task<List<(string Dt, StoredObject File)>> ListPublishedAsync(string prefix, CancellationToken cancellationToken)
    {
        var files = new List<(string Dt, StoredObject File)>();
        await foreach (var stored in Store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            if (stored.Key.Split('/') is [_, var folder, var name] && LakePaths.PartitionValue(folder) is { } dt
                && name.StartsWith("part-", StringComparison.Ordinal) && name.EndsWith(LakePaths.DataExtension, StringComparison.Ordinal))
                files.Add((dt, stored));
        return files;
    }

    /// <summary>
    /// Publishes a staged file under <paramref name="key"/> and returns its size: renamed into place in a local lake
    /// (never over an existing file), uploaded whole (then deleted locally) to S3.
    /// </summary>
    public async Task<long> PublishAsync(string tempFile, string key, CancellationToken cancellationToken)
    {
        var size = new FileInfo(tempFile).Length;
        await Store.PublishAsync(tempFile, key, cancellationToken).ConfigureAwait(false);
        return size;
    }

    /// <summary>Temp files left by runs that died, older than <paramref name="olderThan"/>.</summary>
    public IEnumerable<string> StaleTempFiles(DateTime olderThan) =>
        Directory.Exists(StagingRoot)
            ? Directory.EnumerateFiles(StagingRoot, LakePaths.TempFilePattern, new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                .Where(f => File.GetLastWriteTimeUtc(f) < olderThan)
            : [];
}
