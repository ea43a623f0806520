using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Ingest.Storage;

namespace Analytics.Ingest.Input;

/// <summary>
/// Which objects of a source the worker has ingested, kept in the lake (<c>_checkpoints/NAME-HASH.json</c>, written
/// whole): an object is known by its key and size, so one that lands late under an older prefix is still new, and one
/// rewritten with other content is read again. Saved after the run that ingested them published: a crash in between
/// reads them again, and every record is then a counted duplicate, never a second row.
/// </summary>
internal sealed class SourceCheckpoint
{
    private readonly IObjectStore _lake;
    private readonly string _key;
    private readonly Dictionary<string, long> _seen;

    private SourceCheckpoint(IObjectStore lake, string key, Dictionary<string, long> seen)
    {
        _lake = lake;
        _key = key;
        _seen = seen;
    }

    /// <summary>Objects known.</summary>
    public int Count => _seen.Count;

    /// <summary>When it was last saved (UTC), or null.</summary>
    public DateTimeOffset? SavedAt { get; private set; }

    /// <summary>The checkpoint of <paramref name="source"/> in the lake (empty when there is none yet).</summary>
    public static async Task<SourceCheckpoint> LoadAsync(IObjectStore lake, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(source);
        var name = new string(source.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..12];
        var key = $"{Analytics.Schemas.LakePaths.CheckpointFolder}/{(name.Length > 60 ? name[^60..] : name)}-{hash}.json";
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await using var stream = await lake.OpenReadAsync(key, 0, cancellationToken).ConfigureAwait(false);
            var saved = await JsonSerializer.DeserializeAsync<Saved>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var (k, size) in saved?.Objects ?? []) seen[k] = size;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
        }
        return new SourceCheckpoint(lake, key, seen);
    }

    /// <summary>Whether the object was ingested already.</summary>
    public bool Contains(InputObjectRef input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _seen.TryGetValue(input.Name, out var size) && size == input.Object.Size;
    }

    /// <summary>
    /// Adds the objects and saves the checkpoint whole. Objects no longer in the source's <paramref name="listed"/>
    /// (expired by a lifecycle rule) are forgotten, so the checkpoint follows the source, not its history.
    /// </summary>
    public async Task SaveAsync(IEnumerable<InputObjectRef> ingested, IEnumerable<InputObjectRef> listed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ingested);
        ArgumentNullException.ThrowIfNull(listed);
        var present = listed.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _seen.Keys.Where(k => !present.Contains(k)).ToList()) _seen.Remove(gone);
        foreach (var input in ingested) _seen[input.Name] = input.Object.Size;
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(new Saved(now, _seen)));
        await _lake.WriteAsync(_key, body, cancellationToken).ConfigureAwait(false);
        SavedAt = now;
    }

    private sealed record Saved(DateTimeOffset SavedAt, Dictionary<string, long> Objects);
}
