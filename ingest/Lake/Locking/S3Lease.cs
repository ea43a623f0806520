using System.Globalization;
using System.Text.Json;
using Analytics.Ingest.Storage;
using Analytics.Schemas;

namespace Analytics.Ingest.Lake.Locking;

/// <summary>
/// The writer lock of a lake on S3, which has no file locks: a lease object, <c>_lake.lease</c>, created with
/// <c>If-None-Match: *</c> (S3 lets exactly one of several concurrent creators succeed), renewed every third of its
/// duration with <c>If-Match</c> on the ETag the holder last wrote, and deleted with <c>If-Match</c> when the holder is
/// done. It names its holder and says until when it holds; a holder that dies stops renewing, and once that time has
/// passed a new writer takes the lease over, again with <c>If-Match</c> on the ETag it read, so of two contenders only
/// one does. A holder whose renewal is refused (it stalled past its time and the lease was taken) or cannot renew before
/// its time runs out has lost the lake: <see cref="Lost"/> is cancelled and its run stops before publishing anything
/// more. The times are the holders' own clocks: keep them in sync (NTP) to well under the duration.
/// </summary>
internal sealed class S3Lease : ILakeLock
{
    private readonly IConditionalStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _duration;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private readonly Lease _lease;
    private string _etag;
    private DateTimeOffset _expires;

    private S3Lease(IConditionalStore store, Lease lease, string etag, TimeSpan duration, TimeProvider time)
    {
        (_store, _lease, _etag, _duration, _time, _expires) = (store, lease, etag, duration, time, lease.Expires);
        _renewing = Task.Run(RenewAsync);
    }

    /// <inheritdoc/>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Times the lease was renewed.</summary>
    public int Renewals { get; private set; }

    /// <summary>
    /// Takes the lease when it is free or its holder's time has passed; otherwise returns null and what the holder
    /// said of itself.
    /// </summary>
    internal static async Task<(S3Lease? Taken, string? Holder)> TryAcquireAsync(IConditionalStore store, string description, TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = new Lease(description, now, now + duration);
        var body = JsonSerializer.SerializeToUtf8Bytes(lease);
        if (await store.PutIfAsync(LakePaths.LeaseFile, body, ifMatch: null, cancellationToken).ConfigureAwait(false) is { } created)
            return (new S3Lease(store, lease, created, duration, time), null);
        if (await store.ReadWithETagAsync(LakePaths.LeaseFile, cancellationToken).ConfigureAwait(false) is not var (content, etag))
            return (null, null); // Released between the two calls: the next try may create it.
        var held = Parse(content);
        if (held is not null && held.Expires > now) return (null, held.Describe());
        // Expired (or unreadable): take it over, unless another contender did since it was read.
        return await store.PutIfAsync(LakePaths.LeaseFile, body, etag, cancellationToken).ConfigureAwait(false) is { } taken
            ? (new S3Lease(store, lease, taken, duration, time), null)
            : (null, held?.Describe());
    }

    private static Lease? Parse(byte[] content)
    {
        try
        {
            return JsonSerializer.Deserialize<Lease>(content);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task RenewAsync()
    {
        var every = _duration / 3;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, _time, _stop.Token).ConfigureAwait(false);
                var renewed = _lease with { Expires = _time.GetUtcNow() + _duration };
                // Not cancelled once sent: a renewal S3 applied must be known, or the release would not match its ETag.
                if (await _store.PutIfAsync(LakePaths.LeaseFile, JsonSerializer.SerializeToUtf8Bytes(renewed), _etag, CancellationToken.None).ConfigureAwait(false) is { } etag)
                {
                    (_etag, _expires) = (etag, renewed.Expires);
                    Renewals++;
                    continue;
                }
                // Refused: another writer took it over after this one's time ran out.
                await _lost.CancelAsync().ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // S3 unreachable for now: tried again at the next renewal while the lease holds
            catch (Exception) when (_time.GetUtcNow() < _expires - every)
            {
            }
            catch (Exception)
            {
                await _lost.CancelAsync().ConfigureAwait(false);
                return;
            }
#pragma warning restore CA1031
        }
    }

    /// <summary>Stops renewing and deletes the lease, if it is still this holder's.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        if (!_lost.IsCancellationRequested)
        {
#pragma warning disable CA1031 // not deleted: it expires on its own
            try
            {
                // A renewal whose answer was lost (a timeout after S3 applied it) leaves another ETag on a lease still
                // this holder's: read it, and delete it if it is still this holder's (same holder, same start).
                if (!await _store.DeleteIfMatchAsync(LakePaths.LeaseFile, _etag, CancellationToken.None).ConfigureAwait(false)
                    && await _store.ReadWithETagAsync(LakePaths.LeaseFile, CancellationToken.None).ConfigureAwait(false) is var (content, etag)
                    && Parse(content) is { } current && current.Holder == _lease.Holder && current.Since == _lease.Since)
                    await _store.DeleteIfMatchAsync(LakePaths.LeaseFile, etag, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception) { }
#pragma warning restore CA1031
        }
        _stop.Dispose();
        _lost.Dispose();
    }

    /// <summary>What the lease object holds.</summary>
    /// <param name="Holder">Who holds it: command, run, process and machine.</param>
    /// <param name="Since">When it was taken.</param>
    /// <param name="Expires">Until when it holds without renewal.</param>
    private sealed record Lease(string Holder, DateTimeOffset Since, DateTimeOffset Expires)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{Holder} (since {Since.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, lease until {Expires.UtcDateTime:HH:mm:ss}Z)");
    }
}
