using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Run;

/// <summary>
/// A writer's hold on the lake for one run: the lock (on S3 the lease) taken, the lake made whole first (a compaction
/// that died halfway finished or undone, so readers never see rows twice) and the temporary files of runs that died
/// swept; <see cref="Token"/> stops the run when the hold is lost to another writer. Disposed last, after the run has
/// published or deleted its files.
/// </summary>
internal sealed class LakeSession : IAsyncDisposable
{
    private readonly ILakeLock _lock;
    private readonly CancellationTokenSource _held;

    private LakeSession(ILakeLock held, CancellationToken cancellationToken)
    {
        _lock = held;
        _held = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, held.Lost);
    }

    /// <summary>The caller's token, cancelled too when the hold is lost.</summary>
    public CancellationToken Token => _held.Token;

    /// <summary>Whether another writer took the lake over (this one stalled past its lease).</summary>
    public bool Lost => _lock.Lost.IsCancellationRequested;

    /// <summary>Takes the lake for <paramref name="holder"/>, then makes it whole and sweeps temporary files older than <paramref name="staleBefore"/>.</summary>
    /// <exception cref="LakeBusyException">Another writer still holds it after the lake's wait.</exception>
    public static async Task<LakeSession> OpenAsync(LakeLayout layout, string holder, Analytics.Common.Settings.LakeSettings lake, DateTime staleBefore,
        TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(lake);
        Directory.CreateDirectory(layout.StagingRoot);
        var held = await LakeLock.AcquireAsync(layout, holder, TimeSpan.FromSeconds(lake.WaitSeconds), time, logger, cancellationToken,
            TimeSpan.FromSeconds(lake.LeaseSeconds)).ConfigureAwait(false);
        var session = new LakeSession(held, cancellationToken);
        try
        {
            await new Compactor(layout, time).RecoverAsync(session.Token).ConfigureAwait(false);
            foreach (var stale in layout.StaleTempFiles(staleBefore)) File.Delete(stale);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _held.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }
}
