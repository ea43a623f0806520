using System.CommandLine;
using System.Globalization;
using System.Text;
using Analytics.Common.Aws;
using Analytics.Common.Cli;
using Analytics.Common.Logging;
using Analytics.Common.Settings;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Analytics.Query.Reports;
using Analytics.Query.Reports.Weekly;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;

namespace Analytics.Query.Cli;

/// <summary>
/// The query executable's commands. Each parses its command line, loads its settings (every problem listed at start),
/// opens its engine from the program's context (<see cref="QueryEngines"/>), runs, and maps the outcome to an exit code;
/// it prints only to its invocation's writers.
/// </summary>
internal static class Commands
{
    /// <summary>Exit code of a query that ran.</summary>
    public const int Ok = 0;
    /// <summary>Exit code when the query could not run (engine error, lake missing).</summary>
    public const int Failed = 1;
    /// <summary>Exit code when the command line or a parameter is invalid.</summary>
    public const int InvalidArguments = 2;
    /// <summary>Exit code when the run was cancelled (Ctrl-C, SIGTERM); an Athena query under way is stopped.</summary>
    public const int Cancelled = 130;

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
            ListCommand(), RunCommand(context), ReviewCommand(context), ReportCommand(context), AthenaSetupCommand(context),
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

    private static Command RunCommand(ProgramContext context)
    {
        var name = new Argument<string>("name") { Description = "Catalog query (see: list)." };
        var engine = QueryEngines.Options();
        var parameters = new Option<string[]>("--param", "-p") { Description = "A parameter as name=value; repeat for each. Timestamps are ISO 8601 (UTC unless an offset is given); 'to' is exclusive.", AllowMultipleArgumentsPerToken = false };
        var format = new Option<OutputFormat>("--format", "-f") { Description = "table, csv (RFC 4180), json (array of row objects), markdown, arrow (IPC file) or parquet.", DefaultValueFactory = _ => OutputFormat.Table };
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file instead of standard output (required for arrow and parquet on a terminal)." };
        var estimate = new Option<bool>("--estimate") { Description = "Print what Athena would scan and what it would cost, from the lake's Parquet footers (--lake), without running the query." };
        var showSql = new Option<bool>("--show-sql") { Description = "Print to stderr exactly what Athena receives: the SQL with ? markers and its ExecutionParameters as a JSON array." };
        var command = new Command("run", """
            Runs a catalog query over the lake and writes its rows.

            Example: dotnet run --project query -- run incident-timeline --lake ./lake -p from=2026-11-02T14:00:00Z -p to=2026-11-02T15:10:00Z -p service=payments
            On Athena: dotnet run --project query -- run incident-timeline --engine athena --database analytics --region eu-west-1 -p from=… -p to=…
            """) { name, parameters, format, output, showSql, estimate };
        foreach (var option in engine.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var settings = QueryEngines.Load(parse, engine, context);
            var errors = settings.Errors;
            CatalogQuery? query = null;
            IReadOnlyDictionary<string, ParameterValue>? values = null;
            try
            {
                query = QueryCatalog.Default.Get(parse.GetValue(name)!);
                values = ParameterParser.Parse(query, ParseParams(parse.GetValue(parameters) ?? []));
            }
            catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException)
            {
                errors.Add(ex.Message);
            }
            if (errors.Count > 0 || query is null || values is null) return await InvalidAsync(parse, errors).ConfigureAwait(false);
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (parse.GetValue(output) is null && parse.GetValue(format) is OutputFormat.Arrow or OutputFormat.Parquet && (!context.OutputRedirected || context.StandardOutput is null))
            {
                await stderr.WriteLineAsync($"--format {parse.GetValue(format).ToString().ToLowerInvariant()} is binary: give --out FILE or redirect standard output.").ConfigureAwait(false);
                return InvalidArguments;
            }
            var rendered = query.Render(values);
            if (parse.GetValue(showSql))
            {
                try
                {
                    await stderr.WriteLineAsync(ShowSql(rendered)).ConfigureAwait(false);
                }
                catch (ArgumentException ex)
                {
                    await stderr.WriteLineAsync(ex.Message).ConfigureAwait(false);
                    return InvalidArguments;
                }
            }
            if (parse.GetValue(estimate))
            {
                if (settings.Get<LakeSettings>().Location is not { } lake)
                {
                    await stderr.WriteLineAsync("--estimate reads the lake's Parquet footers: give --lake DIR (the local copy of the lake)").ConfigureAwait(false);
                    return InvalidArguments;
                }
                return await OnEngineAsync(parse, settings, context, async engine =>
                {
                    var scan = await ScanEstimate.OfAsync((DuckDbEngine)engine, rendered, settings.Get<AthenaSettings>().PricePerTb, ct).ConfigureAwait(false);
                    await stdout.WriteAsync(scan.ToString()).ConfigureAwait(false);
                }, ct, async _ => await DuckDbEngine.OpenAsync(lake, ct).ConfigureAwait(false)).ConfigureAwait(false);
            }
            return await OnEngineAsync(parse, settings, context, async engine =>
            {
                // A service the lake does not have in the window answers with no rows: say that it is not there.
                if (values.TryGetValue("service", out var named) && named.Value is string service
                    && values.TryGetValue("from", out var start) && start.Value is DateTime from && values.TryGetValue("to", out var end) && end.Value is DateTime to
                    && await KnownServices.ProblemAsync(engine, from, to, values.TryGetValue("cluster", out var c) ? (string?)c.Value : null, service, ct).ConfigureAwait(false) is { } problem)
                    await stderr.WriteLineAsync("warning: " + problem).ConfigureAwait(false);
                var result = await engine.RunAsync(rendered, ct).ConfigureAwait(false);
                var path = parse.GetValue(output);
                if (path is null && context.StandardOutput is null)
                {
                    // Text to the invocation's writer (tests, hosts that capture it).
                    using var text = new MemoryStream();
                    await ResultWriter.WriteAsync(result, parse.GetValue(format), text, ct).ConfigureAwait(false);
                    await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length)).ConfigureAwait(false);
                    return;
                }
                var stream = path is null ? context.StandardOutput!() : Create(path);
                await using (stream.ConfigureAwait(false))
                {
                    var rows = await ResultWriter.WriteAsync(result, parse.GetValue(format), stream, ct).ConfigureAwait(false);
                    if (path is not null) await stderr.WriteLineAsync($"{rows:N0} rows written to {path}").ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command ReviewCommand(ProgramContext context)
    {
        var engine = QueryEngines.Options();
        var from = new Option<string>("--from") { Description = "Start of the incident window, ISO 8601 (UTC unless an offset is given).", Required = true };
        var to = new Option<string>("--to") { Description = "End of the window (exclusive).", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "Only this cluster (name)." };
        var service = new Option<string?>("--service") { Description = "Only this service (name)." };
        var output = new Option<string?>("--out", "-o") { Description = "Write the Markdown to this file instead of standard output." };
        var command = new Command("review", """
            Writes a post-incident review in Markdown: the window, a summary of impact, the timeline, stop reasons,
            deployments, AWS Health events and Support cases in the window, and the questions the review should answer.

            Example: dotnet run --project query -- review --lake ./lake --from 2026-11-02T14:00:00Z --to 2026-11-02T15:20:00Z --service payments -o review.md
            """) { from, to, cluster, service, output };
        foreach (var option in engine.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var settings = QueryEngines.Load(parse, engine, context);
            var errors = settings.Errors;
            IReadOnlyDictionary<string, ParameterValue>? values = null;
            try
            {
                // The timeline takes exactly the review's parameters, so its validation is the review's, said in the
                // review's option names.
                values = ParameterParser.Parse(QueryCatalog.Default.Get("incident-timeline"),
                    new Dictionary<string, string?> { ["from"] = parse.GetValue(from), ["to"] = parse.GetValue(to), ["cluster"] = parse.GetValue(cluster), ["service"] = parse.GetValue(service) }
                        .Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value!)));
            }
            catch (ArgumentException ex)
            {
                errors.AddRange(ex.Message.Split('\n').Skip(1).Select(line => AsOptions(line.Trim())));
            }
            if (errors.Count > 0 || values is null) return await InvalidAsync(parse, errors).ConfigureAwait(false);
            return await OnEngineAsync(parse, settings, context, async engine =>
            {
                if ((string?)values["service"].Value is { } service
                    && await KnownServices.ProblemAsync(engine, (DateTime)values["from"].Value!, (DateTime)values["to"].Value!, (string?)values["cluster"].Value, service, ct).ConfigureAwait(false) is { } problem)
                    throw new QueryFailedException(problem + " No review written.");
                var review = await IncidentReview.WriteAsync(engine, (DateTime)values["from"].Value!, (DateTime)values["to"].Value!,
                    (string?)values["cluster"].Value, (string?)values["service"].Value, ct).ConfigureAwait(false);
                await WriteTextAsync(parse, parse.GetValue(output), review, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static Command ReportCommand(ProgramContext context)
    {
        var engine = QueryEngines.Options();
        var weeks = new Option<int>("--weeks") { Description = "How many ISO weeks.", DefaultValueFactory = _ => 8 };
        var until = new Option<string?>("--until") { Description = "A day (yyyy-MM-dd) in the last week reported; default today (UTC)." };
        var output = new Option<string>("--out", "-o") { Description = "Folder for weekly-report.md and weekly-report.html (created when missing).", DefaultValueFactory = _ => "report" };
        var cluster = new Option<string?>("--cluster") { Description = "Only this cluster's ECS figures (name)." };
        var service = new Option<string?>("--service") { Description = "Only this service's ECS figures (name)." };
        var weekly = new Command("weekly", """
            Writes the weekly trend report: per ISO week, task failures by kind, OOM kills, failed deployments, AWS Health
            events and Support cases, with week-over-week change, as Markdown and as an HTML page with charts (self-contained:
            no script, no network).

            Example: dotnet run --project query -- report weekly --lake ./lake --weeks 4 --until 2026-11-08 -o ./report
            """) { weeks, until, output, cluster, service };
        foreach (var option in engine.All) weekly.Options.Add(option);
        weekly.SetAction(async (parse, ct) =>
        {
            var settings = QueryEngines.Load(parse, engine, context);
            var errors = settings.Errors;
            if (parse.GetValue(weeks) is < 1 or > 260) errors.Add($"--weeks is {parse.GetValue(weeks)}: expected 1 to 260");
            var day = DateOnly.FromDateTime(context.Time.GetUtcNow().UtcDateTime);
            if (parse.GetValue(until) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
                errors.Add($"--until is '{text}': expected a date yyyy-MM-dd");
            if (errors.Count > 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("Cannot report: " + string.Join("; ", errors)).ConfigureAwait(false);
                return InvalidArguments;
            }
            return await OnEngineAsync(parse, settings, context, async engine =>
            {
                var report = await WeeklyReportQuery.BuildAsync(engine, day, parse.GetValue(weeks), ct, parse.GetValue(cluster), parse.GetValue(service)).ConfigureAwait(false);
                var folder = Path.GetFullPath(parse.GetValue(output)!);
                try
                {
                    Directory.CreateDirectory(folder);
                    await File.WriteAllTextAsync(Path.Combine(folder, "weekly-report.md"), WeeklyMarkdown.Write(report), ct).ConfigureAwait(false);
                    await File.WriteAllTextAsync(Path.Combine(folder, "weekly-report.html"), WeeklyHtml.Write(report), ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    throw new IOException($"Cannot write the report into {folder}: {ex.Message} Give -o a folder you can write to (default ./report).", ex);
                }
                await parse.InvocationConfiguration.Error.WriteLineAsync($"written {Path.Combine(folder, "weekly-report.md")} and weekly-report.html").ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        });
        return new Command("report", "Periodic reports.") { weekly };
    }

    private static Command AthenaSetupCommand(ProgramContext context)
    {
        var engine = QueryEngines.Options(withEngineChoice: false);
        var location = new Option<string>("--location") { Description = "S3 root of the lake, e.g. s3://my-bucket/lake/: each table's files are in TABLE/dt=yyyy-MM-dd/ below it.", Required = true };
        var since = new Option<string>("--since") { Description = "First dt partition projection covers (yyyy-MM-dd).", DefaultValueFactory = _ => AthenaDdl.DefaultRangeStart };
        var replaceViews = new Option<bool>("--replace-views") { Description = "Replace the shared views even when their columns are unchanged (after an upgrade changed their SQL)." };
        var command = new Command("athena-setup", """
            Creates or updates the lake's database, tables (partition projection on dt, so no partition is ever added)
            and shared views (task_latest_state, support_case_resolution) in Athena, one statement at a time, and prints
            what it changed. Safe to run again: an up-to-date catalog
            is left as it is; new columns are added; the files in S3 are never touched.

            Example: dotnet run --project query -- athena-setup --location s3://my-bucket/lake/ --database analytics --region eu-west-1
            """) { location, since, replaceViews };
        foreach (var option in engine.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var settings = QueryEngines.Load(parse, engine, context, "athena");
            var errors = settings.Errors;
            var lakeLocation = parse.GetValue(location)!;
            errors.AddRange(AthenaDdl.Problems(settings.Get<AthenaSettings>().Database, lakeLocation, parse.GetValue(since)!));
            if (errors.Count > 0) return await InvalidAsync(parse, errors).ConfigureAwait(false);
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            using var aws = new AwsClients(settings.Get<AwsSettings>(), context.Credentials, context.Time, CommandLog.To(stderr));
            var runner = QueryEngines.AthenaRunner(settings, aws);
            try
            {
                var setup = new AthenaSetup(runner, lakeLocation, parse.GetValue(since)!, parse.GetValue(replaceViews));
                var changes = await setup.RunAsync(TableCatalog.All, change => stdout.WriteLine(change.ToString()), ct).ConfigureAwait(false);
                var changed = changes.Count(c => c.Action != "unchanged");
                await stderr.WriteLineAsync($"{changes.Count} objects checked, {changed} changed, {setup.Statements.Count} statements sent.").ConfigureAwait(false);
                return Ok;
            }
            catch (Exception ex) when (ex is Analytics.Aws.Athena.AthenaQueryFailedException or Analytics.Aws.AwsServiceException or Analytics.Aws.AwsCredentialsException or HttpRequestException)
            {
                await stderr.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return Failed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await stderr.WriteLineAsync("Cancelled; the statement under way was stopped. Run again to finish: what is done is kept.").ConfigureAwait(false);
                return Cancelled;
            }
            finally
            {
                runner.Athena.Client.Dispose();
            }
        });
        return command;
    }

    // Opens the engine, does the work, and turns the failures a user can fix (engine error, lake missing or not
    // readable, output not writable, no credentials) into their message and exit code 1; a cancelled run exits 130.
    private static async Task<int> OnEngineAsync(ParseResult parse, LoadedSettings settings, ProgramContext context, Func<IQueryEngine, Task> work, CancellationToken cancellationToken,
        Func<AwsClients, Task<IQueryEngine>>? open = null)
    {
        var error = parse.InvocationConfiguration.Error;
        using var aws = new AwsClients(settings.Get<AwsSettings>(), context.Credentials, context.Time, CommandLog.To(error));
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
