using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;

namespace Analytics.Ingest.Storage;

/// <summary>
/// An S3 prefix as an object store (AWSSDK.S3): listed in key order page after page, read as streams (ranged GETs
/// from an offset), written whole (one PUT, or a multipart upload of <see cref="MultipartThreshold"/> parts, which S3
/// shows only once complete), created conditionally with <c>If-None-Match: *</c>.
/// </summary>
internal sealed class S3ObjectStore : IObjectStore, IConditionalStore
{
    /// <summary>Objects larger than this are uploaded in parts.</summary>
    public const long MultipartThreshold = 16L << 20;

    private readonly IAmazonS3 _s3;
    private readonly Polly.ResiliencePipeline _retry;

    /// <summary>A store over <c>s3://BUCKET/PREFIX</c>; every call is retried by <paramref name="retry"/> (default <see cref="S3Resilience.Create"/>).</summary>
    public S3ObjectStore(IAmazonS3 s3, string bucket, string prefix, Polly.ResiliencePipeline? retry = null)
    {
        _retry = retry ?? S3Resilience.Create();
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        _s3 = s3;
        Bucket = bucket;
        Prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The prefix keys are under ("" or ending in '/').</summary>
    public string Prefix { get; }

    /// <inheritdoc/>
    public string NameOf(string key) => $"s3://{Bucket}/{Prefix}{key}";

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = Prefix + prefix };
        do
        {
            var page = await _retry.ExecuteAsync(async ct => await _s3.ListObjectsV2Async(request, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
                yield return new StoredObject(o.Key[Prefix.Length..], o.Size ?? 0, o.LastModified ?? DateTime.UnixEpoch);
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenReadAsync(string key, long offset, CancellationToken cancellationToken)
    {
        // Always a range, from 0 too: for a whole-object GET the SDK hashes the body with MD5 to compare with the ETag,
        // a fifth of the read path's CPU (measured: 1.10 s against 0.88 s for 83 MB in 333 objects). Gzip objects
        // carry their own CRC32, checked at their end; HTTPS guards the rest in transit.
        var request = new GetObjectRequest { BucketName = Bucket, Key = Prefix + key, ByteRange = new ByteRange($"bytes={offset}-") };
        try
        {
            var response = await _retry.ExecuteAsync(async ct => await _s3.GetObjectAsync(request, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return new ResumingReadStream(_s3, Bucket, Prefix + key, offset, response, _retry);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"No object '{NameOf(key)}'.", NameOf(key), ex);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // 416: the offset is at or past the end (any range of an empty object): nothing is left to read.
            return new MemoryStream([], writable: false);
        }
    }

    /// <inheritdoc/>
    public Task<Stream> OpenRandomAccessAsync(string key, long size, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new S3RangeStream(_s3, Bucket, Prefix + key, size, _retry));

    /// <inheritdoc/>
    public async Task<long> SizeAsync(string key, CancellationToken cancellationToken) =>
        (await HeadAsync(key, cancellationToken).ConfigureAwait(false))?.ContentLength
            ?? throw new FileNotFoundException($"No object '{NameOf(key)}'.", NameOf(key));

    /// <inheritdoc/>
    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.CanSeek && content.Length - content.Position <= MultipartThreshold)
        {
            // The same key and the same bytes again: harmless to repeat when an attempt was applied but not answered.
            var start = content.Position;
            await _retry.ExecuteAsync(async ct =>
            {
                content.Position = start;
                await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = Prefix + key, InputStream = content, AutoCloseStream = false, UseChunkEncoding = false }, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return;
        }
        // A multipart upload, part by part from the stream (never the object whole in memory); S3 shows the object only
        // once the upload is completed, and an upload that fails is aborted so no part is left billed.
        var upload = await _retry.ExecuteAsync(async ct => await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = Prefix + key }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<PartETag>();
            var buffer = new byte[MultipartThreshold];
            for (var number = 1; ; number++)
            {
                var filled = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (filled == 0 && number > 1) break;
                var partNumber = number;
                var uploaded = await _retry.ExecuteAsync(async ct =>
                {
                    using var part = new MemoryStream(buffer, 0, filled, writable: false);
                    return await _s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = Bucket, Key = Prefix + key, UploadId = upload.UploadId, PartNumber = partNumber, InputStream = part, PartSize = filled, UseChunkEncoding = false,
                    }, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new PartETag(number, uploaded.ETag));
                if (filled < buffer.Length) break;
            }
            await _retry.ExecuteAsync(async ct => await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = Prefix + key, UploadId = upload.UploadId, PartETags = parts }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = Prefix + key, UploadId = upload.UploadId }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        await _retry.ExecuteAsync(async ct => await _s3.DeleteObjectAsync(Bucket, Prefix + key, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var chunk in keys.Chunk(1000))
        {
            var response = await _retry.ExecuteAsync(async ct => await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = Bucket, Objects = chunk.Select(k => new KeyVersion { Key = Prefix + k }).ToList(), Quiet = true,
            }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (response.DeleteErrors is { Count: > 0 } errors)
                throw new IOException($"Deleting {errors.Count} of {chunk.Length} objects under {NameOf("")} failed: {errors[0].Key}: {errors[0].Code} {errors[0].Message}");
        }
    }

    /// <inheritdoc/>
    public bool IsLocal => false;

    /// <inheritdoc/>
    public IConditionalStore Conditional => this;

    /// <inheritdoc/>
    public async Task PublishAsync(string localFile, string key, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            await WriteAsync(key, file, cancellationToken).ConfigureAwait(false);
        File.Delete(localFile);
    }

    /// <inheritdoc/>
    public async Task<bool> CreateIfAbsentAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        await PutIfAsync(key, content, ifMatch: null, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>
    /// Writes the object only when it is absent (<paramref name="ifMatch"/> null: <c>If-None-Match: *</c>) or when its
    /// ETag is <paramref name="ifMatch"/> (<c>If-Match</c>); returns the new ETag, or null when the condition failed:
    /// S3 answers 412 when it does not hold, 409 when another conditional write of the key is under way, and 404 to an
    /// <c>If-Match</c> on a key that has no object.
    /// </summary>
    public async Task<string?> PutIfAsync(string key, ReadOnlyMemory<byte> content, string? ifMatch, CancellationToken cancellationToken)
    {
        var bytes = content.ToArray();
        var attempts = 0;
        try
        {
            return await _retry.ExecuteAsync(async ct =>
            {
                attempts++;
                using var body = new MemoryStream(bytes, writable: false);
                var request = new PutObjectRequest { BucketName = Bucket, Key = Prefix + key, InputStream = body, UseChunkEncoding = false };
                if (ifMatch is null) request.IfNoneMatch = "*";
                else request.IfMatch = ifMatch;
                return (await _s3.PutObjectAsync(request, ct).ConfigureAwait(false)).ETag;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict || ifMatch is not null && ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Refused on a retry: the attempt before may have been applied and its answer lost. If the object is now
            // exactly this write (a single PUT's ETag is the MD5 of its bytes), the write is ours, not a conflict.
            if (attempts > 1 && await ETagAsync(key, cancellationToken).ConfigureAwait(false) is { } now
                && now.Trim('"') == Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes)))
                return now;
            return null;
        }
    }

    private async Task<string?> ETagAsync(string key, CancellationToken cancellationToken) =>
        (await HeadAsync(key, cancellationToken).ConfigureAwait(false))?.ETag;

    // The object's metadata (HEAD); null when there is none.
    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async ct => await _s3.GetObjectMetadataAsync(Bucket, Prefix + key, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The object's bytes and ETag; null when there is none.</summary>
    public async Task<(byte[] Content, string ETag)?> ReadWithETagAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            // Read whole in one attempt: a body that breaks is read again from its start.
            return await _retry.ExecuteAsync(async ct =>
            {
                using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = Prefix + key }, ct).ConfigureAwait(false);
                using var content = new MemoryStream();
                await response.ResponseStream.CopyToAsync(content, ct).ConfigureAwait(false);
                return ((byte[] Content, string ETag)?)(content.ToArray(), response.ETag);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Deletes the object only while its ETag is <paramref name="etag"/>; false when it is another (or gone).</summary>
    public async Task<bool> DeleteIfMatchAsync(string key, string etag, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.ExecuteAsync(async ct => await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = Prefix + key, IfMatch = etag }, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
