using Amazon.S3;
using Amazon.S3.Model;

namespace Analytics.Ingest.Storage;

/// <summary>
/// A read-only, seekable view of an S3 object of known size: each read past what is held fetches the bytes from the
/// position with a ranged GET of at least <see cref="MinimumRange"/>, so a Parquet reader that reads a footer and then
/// one column's chunks fetches those, not the whole object.
/// </summary>
internal sealed class S3RangeStream(IAmazonS3 s3, string bucket, string key, long length, Polly.ResiliencePipeline? retry = null) : Stream
{
    /// <summary>The least a GET fetches: Parquet readers issue many small reads (page headers) in a row.</summary>
    public const int MinimumRange = 1 << 20;

    private byte[] _held = [];
    private long _heldAt;
    private long _position;

    /// <summary>GETs made so far.</summary>
    public int Requests { get; private set; }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => true;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => length;

    /// <inheritdoc/>
    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        var wanted = (int)Math.Min(buffer.Length, length - _position);
        if (_position < _heldAt || _position + wanted > _heldAt + _held.Length)
        {
            var fetch = (int)Math.Min(Math.Max(wanted, MinimumRange), length - _position);
            var request = new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, _position + fetch - 1) };
            var held = new byte[fetch];
            // One range in one attempt: a body that breaks is asked for again, whole (the retry policy of the store).
            await (retry ?? Polly.ResiliencePipeline.Empty).ExecuteAsync(async ct =>
            {
                using var response = await s3.GetObjectAsync(request, ct).ConfigureAwait(false);
                await response.ResponseStream.ReadExactlyAsync(held, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            (_held, _heldAt) = (held, _position);
            Requests++;
        }
        _held.AsMemory((int)(_position - _heldAt), wanted).CopyTo(buffer);
        _position += wanted;
        return wanted;
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    /// <inheritdoc/>
    public override void Flush() { }

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
