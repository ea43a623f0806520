using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Schemas;

namespace Analytics.Ingest.Cli;

internal static partial class Commands
{
    private static Command CompactCommand(ProgramContext context)
    {
        var settings = new SettingOptions()
            .Add<LakeSettings>(nameof(LakeSettings.Location), nameof(LakeSettings.WaitSeconds), nameof(LakeSettings.StagingFolder), nameof(LakeSettings.LeaseSeconds))
            .Add<AwsSettings>(nameof(AwsSettings.S3Endpoint), nameof(AwsSettings.Region));
        var target = new Option<int>("--target-mb") { Description = "Size to merge small files up to; files of half this size or more are left alone.", DefaultValueFactory = _ => 128 };
        var tables = new Option<string[]>("--table") { Description = "Only this table; repeat for several. Default: every table." };
        var quiet = QuietOption();
        var command = new Command("compact", """
            Merges each partition's small files (from many small ingest runs) into files of about --target-mb, rows and
            types unchanged, each file sorted by event time. Each merge is journalled in _compaction/ first, so a run that dies is finished
            or undone by the next one; no row is lost or left duplicated. Exit code 0 when done, 1 on a failure, 2 for
            invalid options, 75 when another ingest or compact is writing to the lake (nothing done), 130 when
            cancelled (the merges done stay, the one under way is undone).

            On S3, a merged file is uploaded whole and its inputs then deleted in one request: a reader may see both
            for that moment, never neither.

            Example: dotnet run --project ingest -- compact --lake ./lake
            """) { target, tables, quiet };
        foreach (var option in settings.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var names = parse.GetValue(tables) ?? [];
            var loaded = await LoadAsync(parse, settings, context, s =>
            {
                var lake = s.Get<LakeSettings>();
                var check = s.Check<LakeSettings>();
                check.Required(nameof(LakeSettings.Location), lake.Location, "the folder or s3://bucket/prefix/ of the lake.");
                if (lake.Location is { } root && !Locations.IsS3(root) && !Directory.Exists(root)) check.Add($"{check.Name(nameof(LakeSettings.Location))} '{root}' does not exist.");
                if (parse.GetValue(target) is < 1 or > 4096) s.Errors.Add($"--target-mb {parse.GetValue(target)} must be between 1 and 4096.");
                foreach (var name in names.Where(n => TableCatalog.All.All(t => t.Name != n)))
                    s.Errors.Add($"--table '{name}' is not a table of the lake: {string.Join(", ", TableCatalog.All.Select(t => t.Name))}.");
            }, typeof(LakeSettings), typeof(AwsSettings)).ConfigureAwait(false);
            if (loaded is null) return InvalidOptions;
            using var services = IngestServices.Create(loaded, context, parse.InvocationConfiguration.Error, parse.GetValue(quiet));
            return await WritingAsync(parse, new("Compaction", "", "the merges done are published, the one under way is undone; run it again to go on.",
                $"Compaction stopped: it lost its lease on {services.Lake.Location} to another writer (it could not renew it in time); the merges done are published, run it again to go on."), ct, async () =>
            {
                var summary = await services.Compactor().RunAsync(names, (long)parse.GetValue(target) << 20, ct).ConfigureAwait(false);
                await parse.InvocationConfiguration.Output.WriteAsync(summary.ToText()).ConfigureAwait(false);
                return Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
