using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Ingest.Storage;

namespace Analytics.Ingest.Lake.Quarantine;

/// <summary>A record that could not become a row, kept with its source and reason.</summary>
/// <param name="SourceObject">The input object.</param>
/// <param name="Position">Where in the object.</param>
/// <param name="Kind">malformed, unrecognized, invalid_field, api_failure, too_large or unexpected.</param>
/// <param name="Field">The field at fault, if one is.</param>
/// <param name="Reason">What was expected and what was found.</param>
/// <param name="Raw">The record's bytes (a too-large record's first bytes).</param>
/// <param name="IsRecord">False for a problem of the object itself (a broken gzip stream): kept and reported, but not counted as a record.</param>
internal sealed record QuarantinedRecord(string SourceObject, string Position, string Kind, string? Field, string Reason, ReadOnlyMemory<byte> Raw, bool IsRecord = true)
{
    /// <summary>One line for a person: object, position and reason.</summary>
    public override string ToString() => $"{SourceObject}: {Position}: {Reason}";
}

/// <summary>
/// Writes the quarantined records of one input object to <c>_quarantine/NAME-HASH.jsonl</c>, one JSON
/// line each (source, position, kind, field, reason, and the raw record as text or base64). The file is
/// named after the object and replaced whole, so ingesting the same object again leaves the same file.
/// </summary>
internal static class QuarantineWriter
{
    /// <summary>Writes (or replaces) the object's quarantine file; returns its key in the lake.</summary>
    public static async Task<string> WriteAsync(LakeLayout layout, string sourceObject, IReadOnlyList<QuarantinedRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(records);
        // An object's quarantined records are in memory already; their file is at most as large again.
        using var body = new MemoryStream();
        foreach (var record in records)
        {
            await using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteString("source_object", record.SourceObject);
                json.WriteString("position", record.Position);
                json.WriteString("kind", record.Kind);
                if (record.Field is null) json.WriteNull("field"); else json.WriteString("field", record.Field);
                json.WriteString("reason", record.Reason);
                if (IsUtf8(record.Raw.Span)) json.WriteString("raw", Encoding.UTF8.GetString(record.Raw.Span));
                else json.WriteBase64String("raw_base64", record.Raw.Span);
                json.WriteEndObject();
            }
            body.WriteByte((byte)'\n');
        }
        body.Position = 0;
        var key = KeyFor(sourceObject);
        await layout.Store.WriteAsync(key, body, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Whether the object has a quarantine file in the lake.</summary>
    public static Task<bool> ExistsAsync(LakeLayout layout, string sourceObject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Store.ExistsAsync(KeyFor(sourceObject), cancellationToken);
    }

    /// <summary>The quarantine file of an input object: a path in a local lake, an <c>s3://</c> URI on S3.</summary>
    public static string PathFor(LakeLayout layout, string sourceObject)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Store.NameOf(KeyFor(sourceObject));
    }

    /// <summary>The key of an input object's quarantine file.</summary>
    public static string KeyFor(string sourceObject)
    {
        ArgumentNullException.ThrowIfNull(sourceObject);
        var name = new string(Path.GetFileName(sourceObject).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sourceObject)).AsSpan(0, 6));
        return LakeLayout.QuarantineKey($"{name}-{hash}.jsonl");
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes) => System.Text.Unicode.Utf8.IsValid(bytes);
}
