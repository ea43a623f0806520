using System.CommandLine;
using Analytics.Common.Aws;
using Analytics.Common.Cli;
using Analytics.Common.Logging;
using Analytics.Common.Settings;
using Analytics.Query.Engines;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;

namespace Analytics.Query.Cli;

internal static partial class Commands
{
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
            using var logs = CommandLog.To(stderr);
            using var aws = new AwsClients(settings.Get<AwsSettings>(), context.Credentials, context.Time, logs);
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
}
