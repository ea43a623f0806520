namespace Analytics.Common.Cli;

/// <summary>The exit codes of every program, for scripts and schedulers (each program's <c>Commands</c> names those it uses).</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked (an ingest with quarantined records included).</summary>
    public const int Ok = 0;

    /// <summary>The command could not complete: nothing of it was published; the message says why.</summary>
    public const int Failed = 1;

    /// <summary>The command line or the settings are invalid; every problem is listed.</summary>
    public const int Invalid = 2;

    /// <summary>Records were read and every one was quarantined: nothing landed (a scheduler should alert).</summary>
    public const int NothingLanded = 3;

    /// <summary>Another writer holds the lake; nothing was done, try again later (EX_TEMPFAIL of sysexits.h).</summary>
    public const int Busy = 75;

    /// <summary>Cancelled (Ctrl-C, SIGTERM) and stopped cleanly: 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;
}
