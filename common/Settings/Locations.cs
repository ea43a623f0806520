namespace Analytics.Common.Settings;

/// <summary>Where a lake or an input is: a folder, or <c>s3://bucket/prefix/</c>.</summary>
public static class Locations
{
    /// <summary>Whether <paramref name="location"/> is on S3.</summary>
    public static bool IsS3(string location) => location.StartsWith("s3://", StringComparison.Ordinal);

    /// <summary>What is wrong with <paramref name="location"/> (<paramref name="role"/>: input, source…) when it starts with <c>s3://</c> but names no bucket; null otherwise.</summary>
    public static string? S3Problem(string location, string role) =>
        IsS3(location) && ParseS3(location) is null ? $"{role} '{location}' is not an S3 location: expected s3://bucket/prefix/." : null;

    /// <summary>The bucket and prefix of <c>s3://bucket/prefix</c>; null when it is not one.</summary>
    public static (string Bucket, string Prefix)? ParseS3(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsS3(uri)) return null;
        var path = uri["s3://".Length..];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? path : path[..slash];
        return bucket.Length == 0 ? null : (bucket, slash < 0 ? "" : path[(slash + 1)..]);
    }
}
