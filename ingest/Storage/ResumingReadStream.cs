using Amazon.S3;
using Amazon.S3.Model;

namespace Analytics.Ingest.Storage;

/// <summary>
/// The body of a ranged GET that, when it breaks off after the response began (a reset connection, a body cut short),
/// resumes with another ranged GET from the byte after the last one received, on the condition that the object is
/// still the one it began to read (<c>If-Match</c> its ETag): a replaced object is never stitched to the old one's start.
/// The SDK retries a request whose response never started; it does not retry a body that breaks, which this does.
/// </summary>
internal sealed class ResumingReadStream : Analytics.Aws.ForwardReadStream
{
    /// <summary>Resumes of one body before its fault is given up to the caller.</summary>
    public const int MaxResumes = 5;

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string? _etag;
    private GetObjectResponse _response;
    private long _next;
    private int _resumes;

    private readonly Polly.ResiliencePipeline _retry;

    public ResumingReadStream(IAmazonS3 s3, string bucket, string key, long offset, GetObjectResponse response, Polly.ResiliencePipeline retry)
    {
        (_s3, _bucket, _key, _next, _response, _retry) = (s3, bucket, key, offset, response, retry);
        _etag = response.ETag;
    }

    /// <summary>How many times the body was resumed.</summary>
    public int Resumes => _resumes;

    public override int Read(Span<byte> buffer)
    {
        var rented = new byte[buffer.Length];
        var n = ReadAsync(rented, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                var n = await _response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                _next += n;
                return n;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or Amazon.Runtime.AmazonClientException
                                       && !cancellationToken.IsCancellationRequested && _resumes < MaxResumes)
            {
                _resumes++;
                _response.Dispose();
                // Capped exponential backoff with jitter: 100 ms, 200 ms, … up to 1.6 s.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(50, 100) << Math.Min(_resumes, 5)), cancellationToken).ConfigureAwait(false);
                var request = new GetObjectRequest { BucketName = _bucket, Key = _key, ByteRange = new ByteRange($"bytes={_next}-"), EtagToMatch = _etag };
                try
                {
                    _response = await _retry.ExecuteAsync(async ct => await _s3.GetObjectAsync(request, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                }
                catch (AmazonS3Exception changed) when (changed.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
                {
                    throw new IOException($"s3://{_bucket}/{_key} was replaced while it was read (its ETag is no longer {_etag}); read it again from its start.", changed);
                }
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _response.Dispose();
        base.Dispose(disposing);
    }
}
