namespace Analytics.Aws;

/// <summary>
/// A response body that also disposes what owns it: an SDK response, disposed when the reader is done with its body.
/// </summary>
/// <param name="inner">The body.</param>
/// <param name="owner">What to dispose with it.</param>
public sealed class OwningStream(Stream inner, IDisposable owner) : ForwardReadStream
{
    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner.Dispose();
        }
        base.Dispose(disposing);
    }
}
