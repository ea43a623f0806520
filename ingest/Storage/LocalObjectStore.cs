using System.Runtime.CompilerServices;

namespace Analytics.Ingest.Storage;

/// <summary>A folder as an object store: a key is a path under the root; a whole write is a hidden file renamed into place.</summary>
/// <param name="root">The folder.</param>
internal sealed class LocalObjectStore(string root) : IObjectStore
{
    /// <summary>The folder, absolute.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    private string PathOf(string key) => Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));

    /// <inheritdoc/>
    public string NameOf(string key) => PathOf(key);

    /// <inheritdoc/>
    public bool IsLocal => true;

    /// <inheritdoc/>
    public IConditionalStore? Conditional => null;

    /// <inheritdoc/>
    public Task PublishAsync(string localFile, string key, CancellationToken cancellationToken)
    {
        File.Move(localFile, PathOf(key), overwrite: false);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await Task.Yield();
        // From the deepest folder the prefix names, not the whole root: a partition's listing reads that partition.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? Root : PathOf(prefix[..slash]);
        if (!Directory.Exists(start)) yield break;
        var files = new DirectoryInfo(start).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => (Key: Path.GetRelativePath(Root, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), File: f))
            .Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(f => f.Key, StringComparer.Ordinal);
        foreach (var (key, file) in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new StoredObject(key, file.Length, file.LastWriteTimeUtc);
        }
    }

    /// <inheritdoc/>
    public Task<Stream> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        var stream = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
        stream.Position = offset;
        return Task.FromResult<Stream>(stream);
    }

    /// <inheritdoc/>
    public Task<Stream> OpenRandomAccessAsync(string key, long size, CancellationToken cancellationToken) => OpenReadAsync(key, 0, cancellationToken);

    /// <inheritdoc/>
    public Task<long> SizeAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return file.Exists ? Task.FromResult(file.Length) : throw new FileNotFoundException($"No object '{NameOf(key)}'.", NameOf(key));
    }

    /// <inheritdoc/>
    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                await content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys) File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<bool> CreateIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        await using (file.ConfigureAwait(false)) await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
