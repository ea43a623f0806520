using Amazon.S3;
using Analytics.Ingest.Storage;
using Analytics.Schemas;

namespace Analytics.Ingest.Input;

/// <summary>One input object and the store it is read from.</summary>
/// <param name="Store">The store.</param>
/// <param name="Object">The object.</param>
internal sealed record InputObjectRef(IObjectStore Store, StoredObject Object)
{
    /// <summary>How it reads in messages and in <c>source_object</c>: its path or <c>s3://</c> URI.</summary>
    public string Name => Store.NameOf(Object.Key);
}

/// <summary>
/// Finds the input objects: each input is a file, a folder (searched recursively) or an <c>s3://bucket/prefix/</c>
/// (listed in key order, page after page), mixed freely. Hidden names ('.' or '_' in any segment) are skipped, and so
/// is anything inside the lake (a lake kept in the folder ingested is output, not input). The order is stable:
/// ordinal by name.
/// </summary>
internal static class InputObjects
{
    /// <summary>Every input object.</summary>
    /// <exception cref="FileNotFoundException">A local path is neither a file nor a folder.</exception>
    public static async Task<List<InputObjectRef>> ListAsync(IEnumerable<string> inputs, string? lake, Func<IAmazonS3> s3, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(s3);
        var found = new List<InputObjectRef>();
        IAmazonS3? client = null;
        foreach (var input in inputs)
        {
            if (Analytics.Common.Settings.Locations.ParseS3(input) is var (bucket, prefix))
            {
                var store = new S3ObjectStore(client ??= s3(), bucket, prefix);
                await foreach (var stored in store.ListAsync("", cancellationToken).ConfigureAwait(false))
                    if (!stored.Key.Split('/').Any(LakePaths.IsHidden)) found.Add(new InputObjectRef(store, stored));
                continue;
            }
            foreach (var file in LocalInputs.Enumerate([input], lake))
                found.Add(new InputObjectRef(new LocalObjectStore(file.DirectoryName!), new StoredObject(file.Name, file.Length, file.LastWriteTimeUtc)));
        }
        return found.DistinctBy(f => f.Name).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }
}
