using System.CommandLine;
using System.Text;
using Analytics.Common.Aws;
using Analytics.Common.Cli;
using Analytics.Common.Logging;
using Analytics.Common.Settings;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Schemas;

namespace Analytics.Query.Cli;

/// <summary>
/// The query executable's commands. Each parses its command line, loads its settings (every problem listed at start),
/// opens its engine from the program's context (<see cref="QueryEngines"/>), runs, and maps the outcome to an exit code;
/// it prints only to its invocation's writers.
/// </summary>
internal static partial class Commands
{
    /// <summary>Exit code of a query that ran.</summary>
    public const int Ok = ExitCodes.Ok;
    /// <summary>Exit code when the query could not run (engine error, lake missing).</summary>
    public const int Failed = ExitCodes.Failed;
    /// <summary>Exit code when the command line or a parameter is invalid.</summary>
    public const int InvalidArguments = ExitCodes.Invalid;
    /// <summary>Exit code when the run was cancelled (Ctrl-C, SIGTERM); an Athena query under way is stopped.</summary>
    public const int Cancelled = ExitCodes.Cancelled;

    /// <summary>How the README runs this program; help texts and messages name it so.</summary>
    public const string Program = "dotnet run --project query --";

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
        new("Analytics query: the catalog of post-incident and trend queries over the lake, in Athena's SQL dialect, run on embedded DuckDB over a local lake (default) or on Amazon Athena (--engine athena).")
        {
            ListCommand(), RunCommand(context), ReviewCommand(context), DashboardCommand(context), ReportCommand(context), AthenaSetupCommand(context),
        };

    private static Command ListCommand()
    {
        var command = new Command("list", "Shows every catalog query with its description and parameters.");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(Describe(QueryCatalog.Default));
            return Ok;
        });
        return command;
    }

    /// <summary>The catalog as text: each query, what it answers, and its parameters.</summary>
    public static string Describe(QueryCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var text = new StringBuilder();
        // Columns as wide as their longest entry in the whole catalog, and two spaces apart.
        var all = catalog.Queries.SelectMany(q => q.Parameters).ToList();
        var (name, type, presence) = (all.Max(p => p.Name.Length + 1) + 2, all.Max(p => p.TypeName.Length) + 2, all.Max(p => p.Presence.Length) + 2);
        foreach (var query in catalog.Queries)
        {
            text.Append(query.Name).Append('\n').Append("  ").Append(query.Description).Append('\n');
            foreach (var p in query.Parameters)
                text.Append("    --param ").Append((p.Name + "=").PadRight(name)).Append(p.TypeName.PadRight(type)).Append(p.Presence.PadRight(presence)).Append(p.Description).Append('\n');
            text.Append('\n');
        }
        return text.ToString();
    }

    // Opens the engine, does the work, and turns the failures a user can fix (engine error, lake missing or not
    // readable, output not writable, no credentials) into their message and exit code 1; a cancelled run exits 130.
    private static async Task<int> OnEngineAsync(ParseResult parse, LoadedSettings settings, ProgramContext context, Func<IQueryEngine, Task> work, CancellationToken cancellationToken,
        Func<AwsClients, Task<IQueryEngine>>? open = null)
    {
        var error = parse.InvocationConfiguration.Error;
        using var logs = CommandLog.To(error);
        using var aws = new AwsClients(settings.Get<AwsSettings>(), context.Credentials, context.Time, logs);
        try
        {
            await using var engine = await (open ?? (a => QueryEngines.OpenAsync(settings, a, error, cancellationToken)))(aws).ConfigureAwait(false);
            if (engine is DuckDbEngine local && !LakePaths.TablesWithData(local.Lake).Any())
                await error.WriteLineAsync($"warning: {local.Lake} holds no lake table (TABLE/dt=yyyy-MM-dd/*.parquet), so every answer is empty. Ingest into it first: dotnet run --project ingest -- ingest --lake {local.Lake} INPUT…").ConfigureAwait(false);
            await work(engine).ConfigureAwait(false);
            return Ok;
        }
        catch (Exception ex) when (ex is QueryFailedException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync(settings.Get<QuerySettings>().Engine == "athena" ? "Cancelled; the Athena query under way was stopped." : "Cancelled.").ConfigureAwait(false);
            return Cancelled;
        }
    }

    // "parameter 'from' is 'x': …" → "--from is 'x': …", for commands whose options feed a catalog query.
    private static string AsOptions(string message)
    {
        foreach (var name in new[] { "from", "to", "cluster", "service" })
            message = message.Replace($"parameter '{name}'", $"--{name}", StringComparison.Ordinal).Replace($"after '{name}'", $"after --{name}", StringComparison.Ordinal);
        return message.Replace(": the window is [from, to)", ": the window is [--from, --to)", StringComparison.Ordinal);
    }

    private static async Task<int> InvalidAsync(ParseResult parse, IEnumerable<string> errors)
    {
        foreach (var error in errors) await parse.InvocationConfiguration.Error.WriteLineAsync(error).ConfigureAwait(false);
        return InvalidArguments;
    }

    /// <summary>
    /// What Athena receives for <paramref name="query"/>: its SQL with the <c>?</c> markers, then its
    /// <c>ExecutionParameters</c> as a JSON array (each value the SQL literal text), pasteable into
    /// <c>aws athena start-query-execution --execution-parameters</c> or the API.
    /// </summary>
    /// <exception cref="ArgumentException">A value is longer than Athena accepts.</exception>
    public static string ShowSql(RenderedQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = System.Text.Json.JsonSerializer.Serialize(query.AthenaExecutionParameters(),
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return query.Sql.TrimEnd() + "\n-- ExecutionParameters: " + parameters;
    }

    private static async Task WriteTextAsync(ParseResult parse, string? path, string text, CancellationToken cancellationToken)
    {
        if (path is null) await parse.InvocationConfiguration.Output.WriteAsync(text).ConfigureAwait(false);
        else
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new IOException($"Cannot write {Path.GetFullPath(path)}: {ex.Message} Give -o a file you can write to.", ex);
            }
            await parse.InvocationConfiguration.Error.WriteLineAsync($"written to {path}").ConfigureAwait(false);
        }
    }

    // -o into a folder that does not exist yet creates it, as report weekly does.
    private static FileStream Create(string path)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return File.Create(path);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Cannot write {Path.GetFullPath(path)}: {ex.Message} Give -o a file you can write to.", ex);
        }
    }

    /// <summary>Splits each <c>name=value</c> at its first '='.</summary>
    /// <exception cref="ArgumentException">An item has no '='.</exception>
    public static IEnumerable<KeyValuePair<string, string>> ParseParams(IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = new List<KeyValuePair<string, string>>();
        var bad = new List<string>();
        foreach (var item in items)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) bad.Add($"'{item}' is not name=value");
            else list.Add(new(item[..eq].Trim(), item[(eq + 1)..]));
        }
        if (bad.Count > 0) throw new ArgumentException("Invalid --param: " + string.Join("; ", bad));
        return list;
    }
}
