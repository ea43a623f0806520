using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Ingest.Worker;

namespace Analytics.Ingest.Cli;

internal static partial class Commands
{
    private static Command WorkerCommand(ProgramContext context)
    {
        var settings = new SettingOptions()
            .Add<LakeSettings>(nameof(LakeSettings.Location), nameof(LakeSettings.StagingFolder), nameof(LakeSettings.LeaseSeconds))
            .Add<WorkerSettings>(nameof(WorkerSettings.Sources), nameof(WorkerSettings.FirehoseStream), nameof(WorkerSettings.Collect), nameof(WorkerSettings.IntervalSeconds),
                nameof(WorkerSettings.StatusSeconds), nameof(WorkerSettings.StopGraceSeconds), nameof(WorkerSettings.BatchMaxObjects), nameof(WorkerSettings.BatchMaxMegabytes),
                nameof(WorkerSettings.BufferingSeconds), nameof(WorkerSettings.QueueLimit), nameof(WorkerSettings.HealthFile), nameof(WorkerSettings.JsonLogs))
            .Add<CollectSettings>(nameof(CollectSettings.HealthIntervalSeconds), nameof(CollectSettings.SupportIntervalSeconds), nameof(CollectSettings.TrustedAdvisorIntervalSeconds))
            .Add<IngestSettings>(nameof(IngestSettings.BatchMegabytes))
            .Add<AwsSettings>(nameof(AwsSettings.Region), nameof(AwsSettings.S3Endpoint), nameof(AwsSettings.FirehoseEndpoint), nameof(AwsSettings.HealthEndpoint),
                nameof(AwsSettings.SupportEndpoint), nameof(AwsSettings.StsEndpoint), nameof(AwsSettings.EventsEndpoint))
            .Add<AlertSettings>(nameof(AlertSettings.Webhook), nameof(AlertSettings.EventBus), nameof(AlertSettings.FailingTasks), nameof(AlertSettings.FailingMinutes),
                nameof(AlertSettings.PlacementFailures), nameof(AlertSettings.PlacementMinutes), nameof(AlertSettings.Off), nameof(AlertSettings.Accounts),
                nameof(AlertSettings.Clusters), nameof(AlertSettings.Services), nameof(AlertSettings.HealthEventTypes));
        var command = new Command("worker", """
            Runs for good: watches the sources and ingests each new object once (late ones under an older hour too),
            and collects the --collect API sources on their schedules (Health every 5 minutes, Support every 15,
            Trusted Advisor hourly), keeping a checkpoint per source in the lake (_checkpoints/); a status line every
            minute; with --alert-webhook or --alert-event-bus, the alert rules over every run's rows (see alerts replay),
            each change delivered once. SIGTERM or Ctrl-C lets a run under way publish and checkpoint, then exits (0). Every setting also
            comes from the settings file and ANALYTICS__Section__Key environment variables (each option's help names
            its key); every problem is listed at start (exit 2).

            Example: dotnet run --project ingest -- worker --lake ./lake --source ./events --interval-seconds 30
            On AWS: … worker --lake s3://lake-bucket/ops/ --firehose-stream ops-events --region eu-west-1 --health-file /tmp/worker.health
            """);
        foreach (var option in settings.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var loaded = await LoadAsync(parse, settings, context, WorkerHost.Require, [.. WorkerHost.Sections]).ConfigureAwait(false);
            if (loaded is null) return InvalidOptions;
            // The worker logs through its host's console logger; the program's own log is for what happens before it starts.
            using var program = IngestServices.Create(loaded, context, parse.InvocationConfiguration.Error, quiet: false);
            var services = program.Worker();
            var error = parse.InvocationConfiguration.Error;
            try
            {
                if (await WorkerHost.ResolveFirehoseAsync(services.Worker, services.Aws, ct).ConfigureAwait(false) is { } delivery)
                    await error.WriteLineAsync($"Firehose stream {services.Worker.FirehoseStream}: watching {string.Join(", ", delivery.Sources)} ({delivery.Compression})").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Analytics.Aws.AwsServiceException or Analytics.Aws.AwsCredentialsException or HttpRequestException or InvalidOperationException)
            {
                await error.WriteLineAsync($"Cannot find the Firehose stream's S3 delivery: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
            using var host = WorkerHost.Build(services, loaded.Configuration, context.Time);
            await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(host, ct).ConfigureAwait(false);
            return Ok;
        });
        return command;
    }
}
