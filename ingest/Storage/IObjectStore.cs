namespace Analytics.Ingest.Storage;

/// <summary>An object in a store: its key (relative to the store's root, '/'-separated), size and time.</summary>
/// <param name="Key">The key.</param>
/// <param name="Size">Bytes stored.</param>
/// <param name="LastModified">When it was written.</param>
internal sealed record StoredObject(string Key, long Size, DateTimeOffset LastModified);

/// <summary>
/// Where inputs are read and the lake is written: a local folder or an S3 prefix, behind the few operations ingest
/// needs. Keys are relative to the store's root and '/'-separated on every store.
/// </summary>
internal interface IObjectStore
{
    /// <summary>How a key reads in messages and in the lake's <c>source_object</c>: a path, or <c>s3://bucket/key</c>.</summary>
    string NameOf(string key);

    /// <summary>The objects under <paramref name="prefix"/> (empty for all), in key order (ordinal), all of them.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>A stream of the object's bytes from <paramref name="offset"/> to its end, read as it is consumed.</summary>
    /// <exception cref="FileNotFoundException">There is no such object.</exception>
    Task<Stream> OpenReadAsync(string key, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// A seekable stream of the object's <paramref name="size"/> bytes, for readers that jump about (Parquet footers and
    /// column chunks): a file, or ranged GETs of what is read.
    /// </summary>
    Task<Stream> OpenRandomAccessAsync(string key, long size, CancellationToken cancellationToken);

    /// <summary>The object's size now.</summary>
    /// <exception cref="FileNotFoundException">There is no such object.</exception>
    Task<long> SizeAsync(string key, CancellationToken cancellationToken);

    /// <summary>Writes the object whole: readers see the old object (or none) until it is complete, never a part.</summary>
    Task WriteAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Deletes the object; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the objects, at once where the store can (one request per 1,000 keys on S3); missing ones are no error.</summary>
    Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Creates the object only when there is none under its key; false, and nothing written, when there is.</summary>
    Task<bool> CreateIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the local file <paramref name="localFile"/> in as the object <paramref name="key"/>, whole: renamed into place
    /// in a folder (never over an existing file), uploaded and then deleted locally elsewhere.
    /// </summary>
    Task PublishAsync(string localFile, string key, CancellationToken cancellationToken);

    /// <summary>Whether the store is a local folder: writes are renames, and the operating system locks its files.</summary>
    bool IsLocal { get; }

    /// <summary>
    /// The store's writes conditional on an object's ETag, with which a store the operating system cannot lock is leased;
    /// null for a local folder.
    /// </summary>
    IConditionalStore? Conditional { get; }
}

/// <summary>Writes and deletes that hold only while an object is as the caller last saw it (S3's conditional requests).</summary>
internal interface IConditionalStore
{
    /// <summary>
    /// Writes the object only when it is absent (<paramref name="ifMatch"/> null) or when its ETag is
    /// <paramref name="ifMatch"/>; returns the new ETag, or null when the condition failed.
    /// </summary>
    Task<string?> PutIfAsync(string key, ReadOnlyMemory<byte> content, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>The object's bytes and ETag; null when there is none.</summary>
    Task<(byte[] Content, string ETag)?> ReadWithETagAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the object only while its ETag is <paramref name="etag"/>; false when it is another (or gone).</summary>
    Task<bool> DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken);
}

/// <summary>What every store can answer through <see cref="IObjectStore"/>.</summary>
internal static class ObjectStores
{
    /// <summary>Whether there is an object under <paramref name="key"/>.</summary>
    public static async Task<bool> ExistsAsync(this IObjectStore store, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            await store.SizeAsync(key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }
}
