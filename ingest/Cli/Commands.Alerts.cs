using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Ingest.Alerts;

namespace Analytics.Ingest.Cli;

internal static partial class Commands
{
    private static Command AlertsCommand(ProgramContext context)
    {
        var settings = new SettingOptions()
            .Add<LakeSettings>(nameof(LakeSettings.Location), nameof(LakeSettings.StagingFolder))
            .Add<AwsSettings>(nameof(AwsSettings.S3Endpoint), nameof(AwsSettings.Region))
            .Add<AlertSettings>(nameof(AlertSettings.FailingTasks), nameof(AlertSettings.FailingMinutes), nameof(AlertSettings.PlacementFailures),
                nameof(AlertSettings.PlacementMinutes), nameof(AlertSettings.Off), nameof(AlertSettings.Accounts), nameof(AlertSettings.Clusters),
                nameof(AlertSettings.Services), nameof(AlertSettings.HealthEventTypes));
        var from = new Option<string>("--from") { Description = "Start of the window, ISO 8601 (UTC unless an offset is given).", Required = true };
        var to = new Option<string>("--to") { Description = "End of the window (exclusive).", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "table (one line per alert change) or json (every field).", DefaultValueFactory = _ => "table" };
        var replay = new Command("replay", """
            Runs the alert rules over the lake's rows of a window and prints the alerts that would have fired, each change
            (opened, updated, resolved) with its rule, severity, service, summary and the review command for its window:
            to tune the rules on history before turning them on. The same lake and window give the same alerts.

            The worker raises the same alerts as it lands rows (--alert-webhook, --alert-event-bus). Rules (defaults): failing-tasks (3 task failures of a service within 10 minutes: health-check kills, OOM kills,
            essential container exits, failed starts; resolved at steady state), oom-kill, deployment-failed (named as the
            catalog names it, updated when the circuit breaker rolls back, resolved when the rollback completes),
            placement-failures (3 within 15 minutes), health-issue (an open issue of our accounts, or a public one in our
            Regions), support-case (urgent or critical). Never: Spot interruptions, scale-ins, replacements, user stops.

            Example: dotnet run --project ingest -- alerts replay --lake ./lake --from 2026-11-02T13:00:00Z --to 2026-11-02T17:00:00Z
            """) { from, to, format };
        foreach (var option in settings.All) replay.Options.Add(option);
        replay.SetAction(async (parse, ct) =>
        {
            DateTime start = default, end = default;
            var loaded = await LoadAsync(parse, settings, context, s =>
            {
                var lake = s.Get<LakeSettings>();
                var check = s.Check<LakeSettings>();
                check.Required(nameof(LakeSettings.Location), lake.Location, "the folder or s3://bucket/prefix/ of the lake.");
                if (lake.Location is { } root && !Locations.IsS3(root) && !Directory.Exists(root)) check.Add($"{check.Name(nameof(LakeSettings.Location))} '{root}' does not exist.");
                if (!TryTime(parse.GetValue(from), out start)) s.Errors.Add($"--from is '{parse.GetValue(from)}': expected a time, ISO 8601, such as 2026-11-02T14:00:00Z");
                if (!TryTime(parse.GetValue(to), out end)) s.Errors.Add($"--to is '{parse.GetValue(to)}': expected a time, ISO 8601, such as 2026-11-02T15:00:00Z");
                else if (start != default && end <= start) s.Errors.Add($"--to {parse.GetValue(to)} is not after --from {parse.GetValue(from)}: the window is [--from, --to)");
                if (parse.GetValue(format) is not ("table" or "json")) s.Errors.Add($"--format is '{parse.GetValue(format)}': expected table or json");
            }, typeof(LakeSettings), typeof(AwsSettings), typeof(AlertSettings)).ConfigureAwait(false);
            if (loaded is null) return InvalidOptions;
            using var services = IngestServices.Create(loaded, context, parse.InvocationConfiguration.Error, quiet: true);
            var facts = await LakeFacts.ReadAsync(services.Layout(), start, end, ct).ConfigureAwait(false);
            var rules = new AlertRules(AlertOptions.From(loaded.Get<AlertSettings>()));
            var alerts = facts.SelectMany(rules.Add).ToList();
            await parse.InvocationConfiguration.Output.WriteAsync(parse.GetValue(format) == "json" ? Json(alerts) : Table(alerts)).ConfigureAwait(false);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{facts.Count:N0} rows read, {alerts.Count(a => a.Change == AlertChange.Opened):N0} alerts opened, {alerts.Count:N0} changes.").ConfigureAwait(false);
            return Ok;
        });
        return new Command("alerts", "The alert rules over the lake's rows.") { replay };
    }

    private static bool TryTime(string? text, out DateTime time)
    {
        var ok = Collect.CollectOptions.TryTime(text, out var t);
        time = ok ? t.UtcDateTime : default;
        return ok;
    }

    private static string Table(IReadOnlyList<Alert> alerts)
    {
        if (alerts.Count == 0) return "No alert would have fired.\n";
        var text = new StringBuilder();
        foreach (var a in alerts)
        {
            text.Append(CultureInfo.InvariantCulture, $"{a.At:yyyy-MM-dd HH:mm:ss}  {a.Change.ToString().ToLowerInvariant(),-8}  {a.Rule,-18}  {a.Severity,-8}  {a.Summary}\n");
            if (a.Change == AlertChange.Opened) text.Append("    ").Append(a.Review).Append('\n');
        }
        return text.ToString();
    }

    private static string Json(IReadOnlyList<Alert> alerts) =>
        JsonSerializer.Serialize(alerts.Select(a => new
        {
            id = a.Id, change = a.Change.ToString().ToLowerInvariant(), at = a.At, rule = a.Rule, severity = a.Severity, account = a.Account, region = a.Region,
            cluster = a.Cluster, service = a.Service, first_seen = a.FirstSeen, last_seen = a.LastSeen, summary = a.Summary, review = a.Review, console_url = a.ConsoleUrl,
        }), new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
