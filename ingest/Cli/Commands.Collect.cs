using System.CommandLine;
using System.Globalization;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Ingest.Collect;

namespace Analytics.Ingest.Cli;

internal static partial class Commands
{
    private static Command CollectCommand(ProgramContext context)
    {
        var sources = new Option<string>("--sources") { Description = "Comma-separated: health (AWS Health, this account), health-org (the organization view, from the management or delegated administrator account), support (AWS Support cases and communications), trusted-advisor (every check, its result and flagged resources).", DefaultValueFactory = _ => "health,support" };
        var since = new Option<string?>("--since") { Description = "Where a first pass starts, ISO 8601 (default: Health 90 days back, Support 365); later passes go on from the checkpoint in the lake." };
        var settings = new SettingOptions()
            .Add<LakeSettings>(nameof(LakeSettings.Location), nameof(LakeSettings.WaitSeconds), nameof(LakeSettings.StagingFolder), nameof(LakeSettings.LeaseSeconds))
            .Add<AwsSettings>(nameof(AwsSettings.HealthEndpoint), nameof(AwsSettings.SupportEndpoint), nameof(AwsSettings.StsEndpoint), nameof(AwsSettings.Region), nameof(AwsSettings.S3Endpoint));
        var quiet = QuietOption();
        var command = new Command("collect", """
            One pass over the AWS Health and Support APIs, incremental from the checkpoint kept in the lake (_checkpoints/):
            Health events updated since the last pass, their details and affected entities (health-org: across the
            organization's accounts, from DescribeAffectedAccountsForOrganization); every Trusted Advisor check with its
            result and flagged resources (each resource's values keyed by the check's column names); every Support case
            (resolved ones too) and the communications of those that changed. Every response page is kept in the lake
            (_collected/SOURCE/) with its request and the time it was observed, then ingested like any input, so rows
            are dated by observation and a rerun adds nothing. A source that fails (no Business or Enterprise Support
            plan, access denied) is reported in one line naming the call and what to do; the others go on. Exit code 0
            when every source completed, 1 when one failed, 2 for invalid options, 75 when the lake is in use.

            Example: dotnet run --project ingest -- collect --lake ./lake --sources health,support
            """) { sources, since, quiet };
        foreach (var option in settings.All) command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            CollectOptions? options = null;
            var loaded = await LoadAsync(parse, settings, context, s =>
            {
                s.Check<LakeSettings>().Required(nameof(LakeSettings.Location), s.Get<LakeSettings>().Location, "the folder or s3://bucket/prefix/ of the lake.");
                try
                {
                    options = new CollectOptions
                    {
                        Sources = parse.GetValue(sources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        Since = CollectOptions.ParseSince(parse.GetValue(since)),
                    };
                    s.Errors.AddRange(options.Validate());
                }
                catch (FormatException ex)
                {
                    s.Errors.Add(ex.Message);
                }
            }, typeof(LakeSettings), typeof(AwsSettings)).ConfigureAwait(false);
            if (loaded is null || options is null) return InvalidOptions;
            using var services = IngestServices.Create(loaded, context, parse.InvocationConfiguration.Error, parse.GetValue(quiet));
            var output = parse.InvocationConfiguration.Output;
            return await WritingAsync(parse, new("Collect", "", "the pages stored are ingested by the next pass, which asks again from the checkpoint."), ct, async () =>
            {
                var results = await services.Collector(options).RunAsync(ct).ConfigureAwait(false);
                foreach (var result in results)
                    await output.WriteLineAsync(result.Error is { } error ? $"{result.Source}: FAILED: {error}" : string.Create(CultureInfo.InvariantCulture,
                        $"{result.Source}: {result.Pages.Values.Sum()} pages, {result.Ingest?.RecordsLanded ?? 0} records landed, {result.Ingest?.Duplicates ?? 0} duplicates, {result.Ingest?.Quarantined ?? 0} quarantined")).ConfigureAwait(false);
                return results.Any(r => r.Error is not null) ? Failed : Ok;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
