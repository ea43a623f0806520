using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Analytics.Query.Reports;

namespace Analytics.Query.Cli;

internal static partial class Commands
{
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
}
