using System.CommandLine;
using System.Globalization;
using Analytics.Common.Cli;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;
using Analytics.Query.Reports;
using Analytics.Query.Reports.Dashboard;
using Analytics.Query.Reports.Weekly;

namespace Analytics.Query.Cli;

internal static partial class Commands
{
    private static Command ReviewCommand(ProgramContext context) =>
        WindowCommand(context, "review", """
            Writes a post-incident review in Markdown: the window, a summary of impact, the timeline, stop reasons,
            deployments, AWS Health events and Support cases in the window, and the questions the review should answer.

            Example: dotnet run --project query -- review --lake ./lake --from 2026-11-02T14:00:00Z --to 2026-11-02T15:20:00Z --service payments -o review.md
            """,
            new Option<string?>("--out", "-o") { Description = "Write the Markdown to this file instead of standard output." },
            async (parse, output, engine, window, ct) =>
            {
                var review = await IncidentReview.WriteAsync(engine, window.From, window.To, window.Cluster, window.Service, ct, refuseUnknownService: true).ConfigureAwait(false);
                await WriteTextAsync(parse, parse.GetValue(output), review, ct).ConfigureAwait(false);
            });

    private static Command DashboardCommand(ProgramContext context) =>
        WindowCommand(context, "dashboard", """
            Writes one self-contained HTML page for a window: tiles (abnormal stops by class, change failure rate, time to
            recover, open AWS Health issues and scheduled changes, open Support cases, Trusted Advisor findings), one
            incident timeline across ECS, Health and Support (zoomable, narrowed in the page by account, cluster and
            service), running tasks per revision and container instances over the window, and the weekly trends around it.
            The page opens from disk with no network; each figure names the catalog query and parameters that made it,
            and on Athena what it scanned.

            Example: dotnet run --project query -- dashboard --lake ./lake --from 2026-11-02T13:30:00Z --to 2026-11-02T16:00:00Z -o dashboard.html
            """,
            new Option<string?>("--out", "-o") { Description = "The HTML file to write (its folder is created when missing).", DefaultValueFactory = _ => "dashboard.html" },
            async (parse, output, engine, window, ct) =>
            {
                var data = await DashboardQuery.BuildAsync(engine, window.From, window.To, window.Cluster, window.Service, ct).ConfigureAwait(false);
                await WriteTextAsync(parse, parse.GetValue(output), DashboardHtml.Write(data), ct).ConfigureAwait(false);
            });

    // A window and a scope, as a command's --from, --to, --cluster and --service.
    private sealed record WindowScope(DateTime From, DateTime To, string? Cluster, string? Service);

    // A command over a window (review, dashboard): the window's options, the engine's and -o; their problems listed at
    // start; then the work on the engine.
    private static Command WindowCommand(ProgramContext context, string name, string description, Option<string?> output,
        Func<ParseResult, Option<string?>, IQueryEngine, WindowScope, CancellationToken, Task> work)
    {
        var engine = QueryEngines.Options();
        var from = new Option<string>("--from") { Description = "Start of the window, ISO 8601 (UTC unless an offset is given).", Required = true };
        var to = new Option<string>("--to") { Description = "End of the window (exclusive).", Required = true };
        var cluster = new Option<string?>("--cluster") { Description = "Only this cluster (name)." };
        var service = new Option<string?>("--service") { Description = "Only this service (name)." };
        var command = new Command(name, description) { from, to, cluster, service, output };
        foreach (var option in engine.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var settings = QueryEngines.Load(parse, engine, context);
            var errors = settings.Errors;
            var values = Window(parse, from, to, cluster, service, errors);
            if (errors.Count > 0 || values is null) return await InvalidAsync(parse, errors).ConfigureAwait(false);
            var window = new WindowScope((DateTime)values["from"].Value!, (DateTime)values["to"].Value!, (string?)values["cluster"].Value, (string?)values["service"].Value);
            return await OnEngineAsync(parse, settings, context, engine => work(parse, output, engine, window, ct), ct).ConfigureAwait(false);
        });
        return command;
    }

    // A window and scope given as --from, --to, --cluster and --service: the timeline takes exactly these parameters, so
    // its validation is the command's, said in the command's option names.
    private static IReadOnlyDictionary<string, ParameterValue>? Window(ParseResult parse, Option<string> from, Option<string> to, Option<string?> cluster, Option<string?> service, List<string> errors)
    {
        try
        {
            return ParameterParser.Parse(QueryCatalog.Default.Get("incident-timeline"),
                new Dictionary<string, string?> { ["from"] = parse.GetValue(from), ["to"] = parse.GetValue(to), ["cluster"] = parse.GetValue(cluster), ["service"] = parse.GetValue(service) }
                    .Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value!)));
        }
        catch (ArgumentException ex)
        {
            errors.AddRange(ex.Message.Split('\n').Skip(1).Select(line => AsOptions(line.Trim())));
            return null;
        }
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
}
