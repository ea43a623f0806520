namespace Analytics.Aws.Firehose;

/// <summary>DescribeDeliveryStream's input (Firehose model 2015-08-04).</summary>
public sealed record DescribeDeliveryStreamRequest(string DeliveryStreamName);

/// <summary>DescribeDeliveryStream's output.</summary>
public sealed record DescribeDeliveryStreamResponse(DeliveryStreamDescription DeliveryStreamDescription);

/// <summary>A Firehose stream, as far as this project reads it.</summary>
public sealed record DeliveryStreamDescription(string DeliveryStreamName, string? DeliveryStreamStatus, IReadOnlyList<DestinationDescription> Destinations);

/// <summary>One destination of a stream.</summary>
public sealed record DestinationDescription(string DestinationId, S3DestinationDescription? ExtendedS3DestinationDescription, S3DestinationDescription? S3DestinationDescription);

/// <summary>An S3 destination: bucket, prefixes and compression.</summary>
public sealed record S3DestinationDescription(string BucketARN, string? Prefix, string? ErrorOutputPrefix, string? CompressionFormat);

/// <summary>Where a Firehose stream delivers to S3: the listing prefixes of its objects and of its error output.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Prefix">The prefix its objects are under (the static part of its prefix expression).</param>
/// <param name="ErrorPrefix">The prefix its error output is under; null when it has none of its own.</param>
/// <param name="Compression">UNCOMPRESSED, GZIP…</param>
public sealed record FirehoseS3Delivery(string Bucket, string Prefix, string? ErrorPrefix, string Compression)
{
    /// <summary>The sources a worker watches: the objects and, when separate, the error output.</summary>
    public IReadOnlyList<string> Sources => ErrorPrefix is null || ErrorPrefix.StartsWith(Prefix, StringComparison.Ordinal)
        ? [$"s3://{Bucket}/{Prefix}"]
        : [$"s3://{Bucket}/{Prefix}", $"s3://{Bucket}/{ErrorPrefix}"];
}

/// <summary>The Firehose operations this project uses, over the shared <see cref="AwsJsonClient"/>.</summary>
public sealed class FirehoseClient(AwsJsonClient client)
{
    /// <summary>DescribeDeliveryStream.</summary>
    public async Task<DeliveryStreamDescription> DescribeDeliveryStreamAsync(string name, CancellationToken cancellationToken) =>
        (await client.CallAsync<DescribeDeliveryStreamResponse>("DescribeDeliveryStream", new DescribeDeliveryStreamRequest(name), cancellationToken).ConfigureAwait(false)).DeliveryStreamDescription;

    /// <summary>
    /// Where <paramref name="name"/> delivers to S3. A prefix is listed up to its first expression (<c>!{…}</c>): the
    /// timestamp and error-type parts vary per object. Without a prefix Firehose uses <c>YYYY/MM/dd/HH/</c> at the
    /// bucket's root.
    /// </summary>
    /// <exception cref="InvalidOperationException">The stream has no S3 destination.</exception>
    public async Task<FirehoseS3Delivery> S3DeliveryAsync(string name, CancellationToken cancellationToken)
    {
        var stream = await DescribeDeliveryStreamAsync(name, cancellationToken).ConfigureAwait(false);
        var s3 = stream.Destinations.Select(d => d.ExtendedS3DestinationDescription ?? d.S3DestinationDescription).FirstOrDefault(d => d is not null)
            ?? throw new InvalidOperationException($"Firehose stream '{name}' has no S3 destination.");
        var bucket = s3.BucketARN[(s3.BucketARN.LastIndexOf(':') + 1)..];
        var error = string.IsNullOrEmpty(s3.ErrorOutputPrefix) ? null : Static(s3.ErrorOutputPrefix);
        return new FirehoseS3Delivery(bucket, Static(s3.Prefix ?? ""), error, s3.CompressionFormat ?? "UNCOMPRESSED");
    }

    // The part of a prefix expression before its first !{…}, cut back to a '/' when the expression starts mid-name.
    private static string Static(string prefix)
    {
        var expression = prefix.IndexOf("!{", StringComparison.Ordinal);
        if (expression < 0) return prefix;
        var head = prefix[..expression];
        return head.EndsWith('/') || head.Length == 0 ? head : head[..(head.LastIndexOf('/') + 1)];
    }
}
