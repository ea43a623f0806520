using System.CommandLine;
using System.Text.Json;
using Analytics.Common.Cli;
using Analytics.Common.Settings;

namespace Analytics.Ingest.Cli;

/// <summary>
/// The ingest executable's commands. Each parses its command line, loads its settings (<see cref="SettingsLoader"/>:
/// every problem listed at start), builds what it runs from the program's context, runs it, and maps the outcome to an
/// exit code; it prints only to its invocation's writers.
/// </summary>
internal static partial class Commands
{
    /// <summary>Exit code of a run that completed (quarantined records included).</summary>
    public const int Ok = ExitCodes.Ok;
    /// <summary>Exit code when the options are invalid.</summary>
    public const int InvalidOptions = ExitCodes.Invalid;
    /// <summary>Exit code when the run could not complete (unreadable input, lake not writable).</summary>
    public const int Failed = ExitCodes.Failed;
    /// <summary>Exit code when records were read and every one was quarantined: nothing landed.</summary>
    public const int NothingLanded = ExitCodes.NothingLanded;
    /// <summary>Exit code: another ingest or compact holds the lake, nothing was done; try again later (EX_TEMPFAIL of sysexits.h).</summary>
    public const int Busy = ExitCodes.Busy;
    /// <summary>Exit code: the run was cancelled (Ctrl-C, SIGTERM) and stopped cleanly, 128 + SIGINT as shells report it.</summary>
    public const int Cancelled = ExitCodes.Cancelled;

    /// <summary>How the README runs this program; help texts and messages name it so.</summary>
    public const string Program = "dotnet run --project ingest --";

    /// <summary>
    /// Parses and runs a command line: an invalid one gets one line per problem (the option, the value, what is
    /// accepted) and exit code 2, without a help dump.
    /// </summary>
    /// <param name="args">The command line.</param>
    /// <param name="context">The process's environment, clock and credentials; null for this process's own.</param>
    /// <param name="configuration">The writers the commands print to; null for the console.</param>
    public static Task<int> InvokeAsync(string[] args, ProgramContext? context = null, InvocationConfiguration? configuration = null) =>
        CommandLineErrors.InvokeAsync(Build(context ?? ProgramContext.FromProcess()), args, Program, configuration);

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build(ProgramContext context) =>
        new("Analytics ingest: turns ECS, AWS Health, AWS Support and Trusted Advisor events into a Parquet lake that Athena and DuckDB query.")
        {
            IngestCommand(context), CollectCommand(context), WorkerCommand(context), HealthCommand(context), CompactCommand(context), AlertsCommand(context), DdlCommand(),
        };

    private static Option<bool> QuietOption() => new("--quiet") { Description = "No progress lines on stderr." };

    // The settings a command takes, checked; null after printing every problem (the command then exits 2).
    private static async Task<LoadedSettings?> LoadAsync(ParseResult parse, SettingOptions options, ProgramContext context, Action<LoadedSettings>? rules, params Type[] sections)
    {
        var settings = options.Load(parse, context, sections);
        rules?.Invoke(settings);
        if (settings.Errors.Count == 0) return settings;
        await parse.InvocationConfiguration.Error.WriteLineAsync("Cannot start: " + string.Join("\n  ", ["", .. settings.Errors]).TrimStart()).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Runs a command that writes to the lake and maps how it ended to an exit code and one line: the lake held by
    /// another writer (75), a failure it can name (1), cancelled (130). The lines differ by what was left behind.
    /// </summary>
    private static async Task<int> WritingAsync(ParseResult parse, Outcomes lines, CancellationToken cancellationToken, Func<Task<int>> run)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (LakeBusyException ex)
        {
            await error.WriteLineAsync($"{lines.Verb} did not start: {ex.Message}").ConfigureAwait(false);
            return Busy;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
        {
            await error.WriteLineAsync($"{lines.Verb} failed{lines.OnFailure}: {ex.Message}").ConfigureAwait(false);
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{lines.Verb} cancelled: {lines.OnCancel}").ConfigureAwait(false);
            return Cancelled;
        }
        catch (OperationCanceledException) when (lines.OnLeaseLost is not null)
        {
            await error.WriteLineAsync(lines.OnLeaseLost).ConfigureAwait(false);
            return Failed;
        }
    }

    // What a writing command says when it failed, was cancelled, or lost its lease.
    private sealed record Outcomes(string Verb, string OnFailure, string OnCancel, string? OnLeaseLost = null);
}

/// <summary>JSON settings of the summary file.</summary>
internal static class SummaryJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
