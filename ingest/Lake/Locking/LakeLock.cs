using Microsoft.Extensions.Logging;
using Analytics.Schemas;
using System.Globalization;

namespace Analytics.Ingest.Lake.Locking;

/// <summary>A lake's writer lock, held until disposed.</summary>
internal interface ILakeLock : IAsyncDisposable
{
    /// <summary>Cancelled when the lock is lost while held (an S3 lease taken over); a local lock is never lost.</summary>
    CancellationToken Lost { get; }
}

/// <summary>
/// The lake's writer lock: one ingest or compact at a time. Two ingest runs at once would each build their dedupe
/// index from the lake as it was before the other published, and both land every event they share (measured: two
/// runs of one input doubled every row); a compaction beside another, or beside an ingest reading the index, could
/// merge or read files the other is deleting. Readers need no lock: files are published whole.
/// <para>
/// It is an operating-system lock on <c>_lake.lock</c> (an exclusive <c>flock</c> on Linux and macOS, a sharing
/// lock on Windows), so it ends with its process however that ends: a killed run never leaves the lake locked.
/// The holder describes itself in <c>_lake.holder</c> (the locked file cannot be read by others), which a run
/// that finds the lake taken quotes. Both names start with '_', so Athena and DuckDB's globs skip them. A lake on S3
/// is held with an <see cref="S3Lease"/> instead.
/// </para>
/// </summary>
internal sealed class LakeLock : ILakeLock
{
    private const string LockName = LakePaths.LockFile;
    private const string HolderName = LakePaths.HolderFile;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan S3Poll = TimeSpan.FromSeconds(1);

    private readonly FileStream _stream;
    private readonly string _holderPath;

    private LakeLock(FileStream stream, string holderPath)
    {
        _stream = stream;
        _holderPath = holderPath;
    }

    /// <summary>
    /// Takes the lock of the lake at <paramref name="layout"/>, waiting up to <paramref name="wait"/> while another
    /// process (or another writer in this one) holds it.
    /// </summary>
    /// <param name="layout">The lake; its root folder must exist.</param>
    /// <param name="holder">Who takes it, for the message another run prints: e.g. "ingest run 20261126T101500Z-1a2b3c4d".</param>
    /// <param name="wait">How long to wait for the holder to finish; zero to fail at once.</param>
    /// <param name="time">The clock the wait is measured on.</param>
    /// <param name="logger">Told once, with the holder's description, when the lock is taken and the run waits; null for silence.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <param name="lease">How long an S3 lease holds without renewal; <see cref="Analytics.Common.Settings.LakeSettings.DefaultLeaseSeconds"/> when null.</param>
    /// <exception cref="LakeBusyException">Another writer still holds it after <paramref name="wait"/>.</exception>
    /// <exception cref="IOException">The lock file cannot be created (the lake is not writable).</exception>
    public static async Task<ILakeLock> AcquireAsync(LakeLayout layout, string holder, TimeSpan wait, TimeProvider time, ILogger? logger = null,
        CancellationToken cancellationToken = default, TimeSpan? lease = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentException.ThrowIfNullOrWhiteSpace(holder);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var told = false;
        while (true)
        {
            ILakeLock? taken;
            string? heldBy = null;
            if (layout.Store.Conditional is { } conditional)
                (taken, heldBy) = await S3Lease.TryAcquireAsync(conditional, $"{holder} (process {Environment.ProcessId} on {Environment.MachineName})", lease ?? TimeSpan.FromSeconds(Analytics.Common.Settings.LakeSettings.DefaultLeaseSeconds), time, cancellationToken).ConfigureAwait(false);
            else
                taken = TryAcquire(layout, holder, time.GetUtcNow());
            if (taken is not null) return taken;
            heldBy ??= layout.IsLocal ? Holder(layout) : "another process";
            if (time.GetElapsedTime(started) >= wait) throw new LakeBusyException(layout.Root, heldBy, wait);
            if (!told && logger is not null) Log.WaitingForLake(logger, layout.Root, heldBy, wait.TotalSeconds);
            told = true;
            await Task.Delay(layout.IsLocal ? Poll : S3Poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    // Takes the lock when it is free; null when another writer holds it.
    private static LakeLock? TryAcquire(LakeLayout layout, string holder, DateTimeOffset now)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path.Combine(layout.Root, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            return null;
        }
        var holderPath = Path.Combine(layout.Root, HolderName);
        try
        {
            // Written aside and renamed into place: a run refused at this moment reads the description whole, never the
            // empty file WriteAllText leaves between creating and writing it (seen: "in use by another process").
            var temp = $"{holderPath}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture,
                $"{holder} (process {Environment.ProcessId} on {Environment.MachineName}, since {now.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)\n"));
            File.Move(temp, holderPath, overwrite: true);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        return new LakeLock(stream, holderPath);
    }

    /// <summary>What the lake's current (or last) holder said of itself; a plain phrase when it said nothing.</summary>
    private static string Holder(LakeLayout layout)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(layout.Root, HolderName)).Trim();
            if (text.Length > 0) return text;
        }
        catch (IOException)
        {
            // Not written yet, or removed as the holder finished: say what is known.
        }
        return "another process";
    }

    // The sharing violation of a lock held by another open file: EWOULDBLOCK from flock (11 on Linux, 35 on macOS),
    // ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION on Windows. Any other failure (a read-only disk) is an error.
    private static bool IsHeldElsewhere(IOException ex) =>
        OperatingSystem.IsWindows() ? ex.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : ex.HResult == (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 35 : 11);

    /// <summary>
    /// Releases the lock; the holder's description goes with it (first, so that it never deletes the next holder's).
    /// The lock file stays: deleting it would let a run that opened it just before lock a file no longer in the lake
    /// while the next run locks a new one of the same name.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        try
        {
            File.Delete(_holderPath);
        }
        catch (IOException)
        {
            // The next holder overwrites it anyway.
        }
        _stream.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public CancellationToken Lost => CancellationToken.None;
}

/// <summary>Another ingest or compact holds the lake (see <see cref="LakeLock"/>); nothing was done.</summary>
internal sealed class LakeBusyException : IOException
{
    /// <summary>Creates the exception.</summary>
    public LakeBusyException(string lake, string holder, TimeSpan waited)
        : base($"the lake {lake} is in use by {holder}"
            + (waited > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $", still after waiting {waited.TotalSeconds:N0} s") : "")
            + ". Only one ingest or compact writes to a lake at a time; run again when it has finished, or give --wait-for-lake SECONDS to wait for it.")
    {
        Holder = holder;
    }

    /// <summary>Creates the exception.</summary>
    public LakeBusyException() : this("", "another process", TimeSpan.Zero) { }

    /// <summary>Creates the exception.</summary>
    public LakeBusyException(string message) : base(message) => Holder = "";

    /// <summary>Creates the exception.</summary>
    public LakeBusyException(string message, Exception innerException) : base(message, innerException) => Holder = "";

    /// <summary>What the holder said of itself: command, run, process, machine and since when.</summary>
    public string Holder { get; }
}
