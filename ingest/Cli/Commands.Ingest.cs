using System.CommandLine;
using System.Text.Json;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Ingest.Run;

namespace Analytics.Ingest.Cli;

internal static partial class Commands
{
    private static Command IngestCommand(ProgramContext context)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Files, folders (searched recursively) or s3://bucket/prefix/ of raw events: EventBridge events as newline-delimited JSON, JSON arrays or Firehose's concatenated objects, optionally gzip; or Health / Support API responses.", Arity = ArgumentArity.OneOrMore };
        var settings = new SettingOptions()
            .Add<LakeSettings>(nameof(LakeSettings.Location), nameof(LakeSettings.WaitSeconds), nameof(LakeSettings.StagingFolder), nameof(LakeSettings.LeaseSeconds))
            .Add<IngestSettings>(nameof(IngestSettings.BatchMegabytes), nameof(IngestSettings.MaxObjectMegabytes), nameof(IngestSettings.MaxRecordMegabytes),
                nameof(IngestSettings.Parallelism), nameof(IngestSettings.IndexMaxIds), nameof(IngestSettings.StaleTempMinutes))
            .Add<AwsSettings>(nameof(AwsSettings.S3Endpoint), nameof(AwsSettings.Region));
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the run's summary as JSON to this file (for scripts and the benchmark)." };
        var quiet = QuietOption();
        var command = new Command("ingest", """
            Reads raw events and writes them into the lake. Every record becomes a row, is skipped as a duplicate
            (same event already in the lake: reruns change nothing), or is quarantined with its source, position
            and reason. Exit code 0 when the run completed, some records quarantined included, and when there was no
            input object at all (nothing is done, no lake is created); 3 when records were read and every one was
            quarantined (nothing landed: a scheduler should alert); 1 when it could not
            (unreadable input, lake not writable); 2 for invalid options; 75 when another ingest or compact is
            writing to the lake (one writer at a time: two runs at once would both land the events they share);
            130 when cancelled (Ctrl-C, SIGTERM): nothing of the run is published in any of these (the run's hidden
            files, the quarantine files it created and the folders it left empty are removed), and rerunning lands
            everything.

            Example: dotnet run --project ingest -- ingest --lake ./lake samples/
            From S3 (credentials and region as every AWS tool finds them): … ingest --lake ./lake s3://raw-bucket/firehose/
            S3 to S3: … ingest --lake s3://lake-bucket/ops/ s3://raw-bucket/firehose/
            """) { inputs, summaryJson, quiet };
        foreach (var option in settings.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(inputs) ?? [];
            var loaded = await LoadAsync(parse, settings, context, s =>
            {
                s.Check<LakeSettings>().Required(nameof(LakeSettings.Location), s.Get<LakeSettings>().Location, "the folder or s3://bucket/prefix/ the lake is written to.");
                s.Errors.AddRange(IngestOptions.InputProblems(given));
            }, typeof(LakeSettings), typeof(IngestSettings), typeof(AwsSettings)).ConfigureAwait(false);
            if (loaded is null) return InvalidOptions;
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            using var services = IngestServices.Create(loaded, context, error, parse.GetValue(quiet));
            return await WritingAsync(parse, new("Ingest", ", nothing of this run was published", "nothing of this run was published, and its hidden files are deleted; run it again to land everything."), ct, async () =>
            {
                var summary = await services.Runner(given).RunAsync(ct).ConfigureAwait(false);
                if (summary.ObjectsRead == 0)
                {
                    await error.WriteLineAsync($"Nothing to ingest: no input object in {string.Join(", ", given)} (no lake was created or changed).").ConfigureAwait(false);
                    return Ok;
                }
                await output.WriteAsync(summary.ToText()).ConfigureAwait(false);
                if (parse.GetValue(summaryJson) is { } path)
                    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary, SummaryJson.Options), ct).ConfigureAwait(false);
                if (summary.RecordsRead > 0 && summary.Quarantined == summary.RecordsRead)
                {
                    await error.WriteLineAsync($"Nothing landed: all {summary.RecordsRead:N0} records were quarantined (see the reasons above and in the lake's _quarantine/ folder). Exit code {NothingLanded}.").ConfigureAwait(false);
                    return NothingLanded;
                }
                return Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
