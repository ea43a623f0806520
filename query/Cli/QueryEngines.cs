using Analytics.Aws;
using Analytics.Aws.Athena;
using Analytics.Common.Aws;
using Analytics.Common.Cli;
using Analytics.Common.Settings;
using Analytics.Query.Engines;
using Microsoft.Extensions.Logging;

namespace Analytics.Query.Cli;

/// <summary>
/// The query program's composition root: which settings its commands take, and the engine (embedded DuckDB over a local
/// lake, or Athena with the AWS clients made once) they open from them.
/// </summary>
internal static class QueryEngines
{
    /// <summary>The sections of settings the engine is made from.</summary>
    public static IReadOnlyList<Type> Sections { get; } = [typeof(QuerySettings), typeof(LakeSettings), typeof(AwsSettings)];

    /// <summary>The options of the engine's settings, for a command that opens an engine.</summary>
    /// <param name="withEngineChoice">False for a command that always works on Athena (no --engine, no --lake).</param>
    public static SettingOptions Options(bool withEngineChoice = true)
    {
        var options = new SettingOptions();
        if (withEngineChoice) options.Add<QuerySettings>(nameof(QuerySettings.Engine)).Add<LakeSettings>(nameof(LakeSettings.Location));
        return options
            .Add<AthenaSettings>(nameof(AthenaSettings.Database), nameof(AthenaSettings.Workgroup), nameof(AthenaSettings.OutputLocation), nameof(AthenaSettings.Fips),
                nameof(AthenaSettings.ReuseMinutes), nameof(AthenaSettings.PricePerTb), nameof(AthenaSettings.Results), nameof(AthenaSettings.MaxConcurrentQueries))
            .Add<AwsSettings>(nameof(AwsSettings.Region), nameof(AwsSettings.AthenaEndpoint), nameof(AwsSettings.S3Endpoint));
    }

    /// <summary>Loads and checks the engine's settings: DuckDB needs the lake; Athena its own section and a region.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="options">The command's setting options.</param>
    /// <param name="context">The program's context.</param>
    /// <param name="engine">The engine the command always uses; null for the one the settings name.</param>
    public static LoadedSettings Load(System.CommandLine.ParseResult parse, SettingOptions options, ProgramContext context, string? engine = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Load(parse, context, [.. Sections]);
        var query = settings.Get<QuerySettings>();
        if (engine is not null) query.Engine = engine;
        if (query.Engine == "duckdb" && string.IsNullOrWhiteSpace(settings.Get<LakeSettings>().Location))
            settings.Errors.Add($"{settings.NameOf("Lake:Location")} is required with the duckdb engine: the folder written by ingest (or --engine athena)");
        else if (query.Engine == "athena")
        {
            settings.Validate<AthenaSettings>();
            if (settings.Get<AwsSettings>().ResolvedRegion is null)
                settings.Errors.Add($"{settings.NameOf("Aws:Region")} is missing: give --region, or set AWS_REGION, or a region in the shared AWS profile");
        }
        return settings;
    }

    /// <summary>Opens the engine the settings name; Athena's statistics and warnings go to <paramref name="error"/>.</summary>
    public static async Task<IQueryEngine> OpenAsync(LoadedSettings settings, AwsClients aws, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(error);
        if (settings.Get<QuerySettings>().Engine == "duckdb") return await DuckDbEngine.OpenAsync(settings.Get<LakeSettings>().Location!, cancellationToken).ConfigureAwait(false);
        var athena = settings.Get<AthenaSettings>();
        var runner = AthenaRunner(settings, aws);
        void Statistics(AthenaQueryStatistics statistics) => error.WriteLine(statistics.ToString());
        if (athena.Results == "api") return new AthenaEngine(runner, athena.PricePerTb, Statistics, owned: runner.Athena.Client) { MaxConcurrentQueries = athena.MaxConcurrentQueries };
        return new AthenaEngine(runner, athena.PricePerTb, Statistics, (location, ct) => OpenS3Async(aws, location, ct), runner.Athena.Client, aws.Logs.CreateLogger<AthenaEngine>())
        {
            MaxConcurrentQueries = athena.MaxConcurrentQueries,
        };
    }

    /// <summary>A runner of statements on Athena with these settings; its client's warnings go to the AWS clients' log. The caller disposes its client.</summary>
    public static AthenaQueryRunner AthenaRunner(LoadedSettings settings, AwsClients aws)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(aws);
        var athena = settings.Get<AthenaSettings>();
        var client = aws.Json(AwsService.Athena, aws.Settings.ResolvedRegion!, aws.Settings.AthenaEndpoint, athena.Fips);
        var options = new AthenaQueryOptions { Database = athena.Database, WorkGroup = athena.Workgroup, OutputLocation = athena.OutputLocation, ReuseMinutes = athena.ReuseMinutes };
        return new AthenaQueryRunner(new AthenaClient(client), options, logger: aws.Logs.CreateLogger<AthenaQueryRunner>());
    }

    // s3://bucket/key, streamed; the response is disposed with the stream.
    private static async Task<Stream> OpenS3Async(AwsClients aws, string location, CancellationToken cancellationToken)
    {
        var (bucket, key) = Locations.ParseS3(location)!.Value;
        var response = await aws.S3.GetObjectAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        return new OwningStream(response.ResponseStream, response);
    }
}
