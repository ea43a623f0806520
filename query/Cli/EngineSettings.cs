using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Aws;
using Analytics.Aws.Athena;
using Analytics.Query.Engines;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Analytics.Query.Cli;

/// <summary>
/// Which engine runs the queries and how it is reached. Each setting comes from the command line, else the environment
/// (<c>ANALYTICS_</c> and the setting's name in capitals: <c>ANALYTICS_ENGINE</c>, <c>ANALYTICS_ATHENA_DATABASE</c>…),
/// else a JSON settings file (<c>--settings FILE</c> or <c>ANALYTICS_SETTINGS</c>; keys are the names below), else its
/// default. The region also comes from <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c> or the shared profile.
/// </summary>
public sealed partial record EngineSettings
{
    /// <summary>The setting names (settings file keys; environment variables are ANALYTICS_ and the name in capitals).</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["engine", "lake", "athena_database", "athena_workgroup", "athena_output_location", "athena_endpoint", "athena_fips", "athena_reuse_minutes", "athena_price_per_tb", "athena_results", "s3_endpoint", "region"];

    /// <summary><c>duckdb</c> (default) or <c>athena</c>.</summary>
    public string Engine { get; init; } = "duckdb";

    /// <summary>The local lake folder (DuckDB).</summary>
    public string? Lake { get; init; }

    /// <summary>The Glue database of the lake's tables (Athena).</summary>
    public string Database { get; init; } = "analytics";

    /// <summary>The Athena workgroup.</summary>
    public string Workgroup { get; init; } = "primary";

    /// <summary>Where Athena writes results; null for the workgroup's setting.</summary>
    public string? OutputLocation { get; init; }

    /// <summary>An Athena endpoint replacing the regional one.</summary>
    public Uri? AthenaEndpoint { get; init; }

    /// <summary>Use Athena's FIPS endpoint.</summary>
    public bool Fips { get; init; }

    /// <summary>Minutes an identical query's result may be reused; 0 for never.</summary>
    public int ReuseMinutes { get; init; } = AthenaQueryOptions.DefaultReuseMinutes;

    /// <summary>Dollars per TB scanned, for the printed cost.</summary>
    public decimal PricePerTb { get; init; } = AthenaEngine.DefaultPricePerTb;

    /// <summary>The AWS region.</summary>
    public string? Region { get; init; }

    /// <summary>How results longer than one page are read: <c>s3</c> (the result CSV, one GET; default) or <c>api</c> (GetQueryResults pages).</summary>
    public string Results { get; init; } = "s3";

    /// <summary>An S3 endpoint replacing the regional one (path-style; S3-compatible stores, tests).</summary>
    public Uri? S3Endpoint { get; init; }

    /// <summary>Reads the settings and lists every problem with them (empty when they are usable).</summary>
    public static (EngineSettings Settings, List<string> Errors) Resolve(IReadOnlyDictionary<string, string?> commandLine, string? settingsFile)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var errors = new List<string>();
        var builder = new ConfigurationBuilder();
        settingsFile ??= Environment.GetEnvironmentVariable("ANALYTICS_SETTINGS");
        if (settingsFile is not null)
        {
            // The file is read once: checked for keys this program does not know, then laid under the rest.
            if (!File.Exists(settingsFile)) errors.Add($"--settings: file '{settingsFile}' does not exist");
            else
            {
                try
                {
                    var file = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(settingsFile), optional: false).Build();
                    foreach (var key in file.GetChildren().Select(c => c.Key).Where(k => !Names.Contains(k, StringComparer.OrdinalIgnoreCase)))
                        errors.Add($"--settings: unknown setting '{key}' in '{settingsFile}'; known: {string.Join(", ", Names)}");
                    builder.AddConfiguration(file);
                }
                catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
                {
                    errors.Add($"--settings: '{settingsFile}' is not a JSON object of settings: {ex.Message}");
                }
            }
        }
        builder.AddEnvironmentVariables("ANALYTICS_");
        builder.AddInMemoryCollection(commandLine.Where(p => p.Value is not null));
        var config = builder.Build();

        var settings = new EngineSettings();
        var engine = (config["engine"] ?? settings.Engine).ToLowerInvariant();
        if (engine is not ("duckdb" or "athena"))
        {
            // Which engine's settings to check is not known: the rest would be guesses.
            errors.Add($"--engine is '{engine}': expected duckdb or athena");
            return (settings, errors);
        }
        settings = settings with { Engine = engine, Lake = config["lake"] };
        if (engine == "duckdb")
        {
            if (string.IsNullOrWhiteSpace(settings.Lake)) errors.Add("--lake is required with the duckdb engine: the folder written by ingest (or --engine athena)");
            return (settings, errors);
        }

        var database = config["athena_database"] ?? settings.Database;
        if (!SnakeCase().IsMatch(database)) errors.Add($"--database is '{database}': expected a Glue database name of lowercase letters, digits and _");
        var workgroup = config["athena_workgroup"] ?? settings.Workgroup;
        if (!WorkgroupName().IsMatch(workgroup)) errors.Add($"--workgroup is '{workgroup}': expected 1 to 128 letters, digits, '.', '_' or '-'");
        var output = config["athena_output_location"];
        if (output is not null && !output.StartsWith("s3://", StringComparison.Ordinal)) errors.Add($"--output-location is '{output}': expected s3://bucket/prefix/");
        Uri? endpoint = null;
        if (config["athena_endpoint"] is { } endpointText
            && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            errors.Add($"--athena-endpoint is '{endpointText}': expected an http(s) URL such as https://vpce-….athena.us-east-1.vpce.amazonaws.com");
        var fips = config["athena_fips"] is { } fipsText && (bool.TryParse(fipsText, out var f) ? f : Add(errors, $"--fips is '{fipsText}': expected true or false"));
        var reuse = settings.ReuseMinutes;
        if (config["athena_reuse_minutes"] is { } reuseText && (!int.TryParse(reuseText, NumberStyles.Integer, CultureInfo.InvariantCulture, out reuse) || reuse is < 0 or > AthenaQueryOptions.MaxReuseMinutes))
            errors.Add($"--reuse-minutes is '{reuseText}': expected 0 (no reuse) to {AthenaQueryOptions.MaxReuseMinutes} (7 days)");
        var price = settings.PricePerTb;
        if (config["athena_price_per_tb"] is { } priceText && (!decimal.TryParse(priceText, NumberStyles.Number, CultureInfo.InvariantCulture, out price) || price <= 0))
            errors.Add($"--price-per-tb is '{priceText}': expected dollars per TB scanned, such as 5 or 6.75");
        var results = (config["athena_results"] ?? settings.Results).ToLowerInvariant();
        if (results is not ("s3" or "api")) errors.Add($"--results is '{results}': expected s3 (read a long result's CSV from the output location) or api (GetQueryResults pages)");
        Uri? s3Endpoint = null;
        if (config["s3_endpoint"] is { } s3Text && (!Uri.TryCreate(s3Text, UriKind.Absolute, out s3Endpoint) || s3Endpoint.Scheme is not ("http" or "https")))
            errors.Add($"--s3-endpoint is '{s3Text}': expected an http(s) URL");
        var region = AwsEndpoints.ResolveRegion(config["region"]);
        if (region is null) errors.Add("--region is missing: give --region, or set AWS_REGION, or a region in the shared AWS profile");
        else if (!RegionName().IsMatch(region)) errors.Add($"--region is '{region}': expected a region name such as us-east-1");
        return (settings with
        {
            Database = database, Workgroup = workgroup, OutputLocation = output, AthenaEndpoint = endpoint, Fips = fips,
            ReuseMinutes = reuse, PricePerTb = price, Region = region, Results = results, S3Endpoint = s3Endpoint,
        }, errors);
    }

    private static bool Add(List<string> errors, string error)
    {
        errors.Add(error);
        return false;
    }

    /// <summary>Opens the engine these settings name.</summary>
    public async Task<IQueryEngine> OpenAsync(CancellationToken cancellationToken)
    {
        if (Engine == "duckdb") return await DuckDbEngine.OpenAsync(Lake!, cancellationToken).ConfigureAwait(false);
        if (Results == "api") return new AthenaEngine(AthenaRunner(), PricePerTb, statistics => Console.Error.WriteLine(statistics.ToString()));
        var s3 = S3Client();
        return new AthenaEngine(AthenaRunner(), PricePerTb, statistics => Console.Error.WriteLine(statistics.ToString()),
            (location, ct) => OpenS3Async(s3, location, ct), s3, warning => Console.Error.WriteLine(warning));
    }

    private AmazonS3Client S3Client() => S3Clients.Create(S3Endpoint, Region);

    // s3://bucket/key, streamed; the response is disposed with the stream.
    private static async Task<Stream> OpenS3Async(AmazonS3Client s3, string location, CancellationToken cancellationToken)
    {
        var path = location["s3://".Length..];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var response = await s3.GetObjectAsync(path[..slash], path[(slash + 1)..], cancellationToken).ConfigureAwait(false);
        return new Analytics.Aws.OwningStream(response.ResponseStream, response);
    }

    /// <summary>A runner of statements on Athena with these settings (its client's warnings go to stderr).</summary>
    public AthenaQueryRunner AthenaRunner()
    {
        var logger = new StderrLogger();
        var client = new AwsJsonClient(AwsService.Athena, new AwsClientOptions { Region = Region!, Endpoint = AthenaEndpoint, UseFips = Fips }, logger: logger);
        var options = new AthenaQueryOptions { Database = Database, WorkGroup = Workgroup, OutputLocation = OutputLocation, ReuseMinutes = ReuseMinutes };
        return new AthenaQueryRunner(new AthenaClient(client), options, logger: logger);
    }

    [GeneratedRegex("^[a-z0-9_]{1,255}$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,128}$")]
    private static partial Regex WorkgroupName();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionName();

    // Warnings of the AWS client (retries, a query stopped) as lines on stderr.
    private sealed class StderrLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel)) Console.Error.WriteLine($"{(logLevel >= LogLevel.Error ? "error" : "warning")}: {formatter(state, exception)}");
        }
    }
}

/// <summary>The command-line options of the engine settings, shared by run, review and report.</summary>
public sealed class EngineOptions
{
    /// <summary>--engine.</summary>
    public Option<string?> Engine { get; } = new("--engine") { Description = "duckdb (default: the local lake) or athena (the lake's tables in Athena)." };

    /// <summary>--lake.</summary>
    public Option<string?> Lake { get; } = new("--lake") { Description = "Folder of the lake written by ingest (duckdb engine)." };

    /// <summary>--settings.</summary>
    public Option<string?> Settings { get; } = new("--settings") { Description = "JSON file of settings (keys: engine, lake, athena_database, athena_workgroup, athena_output_location, athena_endpoint, athena_fips, athena_reuse_minutes, athena_price_per_tb, athena_results, s3_endpoint, region); the command line and ANALYTICS_* variables win over it." };

    /// <summary>--database.</summary>
    public Option<string?> Database { get; } = new("--database") { Description = "Athena: the Glue database of the lake's tables (default analytics)." };

    /// <summary>--workgroup.</summary>
    public Option<string?> Workgroup { get; } = new("--workgroup") { Description = "Athena: the workgroup (default primary)." };

    /// <summary>--output-location.</summary>
    public Option<string?> OutputLocation { get; } = new("--output-location") { Description = "Athena: s3:// location for results (default: the workgroup's)." };

    /// <summary>--region.</summary>
    public Option<string?> Region { get; } = new("--region") { Description = "Athena: AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)." };

    /// <summary>--athena-endpoint.</summary>
    public Option<string?> AthenaEndpoint { get; } = new("--athena-endpoint") { Description = "Athena: an endpoint URL replacing the regional one (VPC endpoints, other partitions, tests)." };

    /// <summary>--fips.</summary>
    public Option<string?> Fips { get; } = new("--fips") { Description = "Athena: true to use the FIPS endpoint." };

    /// <summary>--reuse-minutes.</summary>
    public Option<string?> ReuseMinutes { get; } = new("--reuse-minutes") { Description = $"Athena: reuse the result of the same query up to this many minutes old (default {AthenaQueryOptions.DefaultReuseMinutes}; 0 never; at most {AthenaQueryOptions.MaxReuseMinutes})." };

    /// <summary>--price-per-tb.</summary>
    public Option<string?> PricePerTb { get; } = new("--price-per-tb") { Description = "Athena: dollars per TB scanned for the printed cost (default 5)." };

    /// <summary>--results.</summary>
    public Option<string?> Results { get; } = new("--results") { Description = "Athena: how a result longer than one page (1,000 rows) is read: s3 (its CSV in the output location, one streamed GET; default) or api (GetQueryResults pages)." };

    /// <summary>--s3-endpoint.</summary>
    public Option<string?> S3Endpoint { get; } = new("--s3-endpoint") { Description = "An S3 endpoint URL replacing the regional one (path-style), for S3-compatible stores and tests." };

    /// <summary>Every option, to add to a command.</summary>
    public IEnumerable<Option> All => [Engine, Lake, Settings, Database, Workgroup, OutputLocation, Region, AthenaEndpoint, Fips, ReuseMinutes, PricePerTb, Results, S3Endpoint];

    /// <summary>The settings from this command line, the environment and the settings file.</summary>
    public (EngineSettings Settings, List<string> Errors) Resolve(ParseResult parse, string? engine = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var values = new Dictionary<string, string?>
        {
            ["engine"] = engine ?? parse.GetValue(Engine), ["lake"] = parse.GetValue(Lake), ["athena_database"] = parse.GetValue(Database),
            ["athena_workgroup"] = parse.GetValue(Workgroup), ["athena_output_location"] = parse.GetValue(OutputLocation),
            ["athena_endpoint"] = parse.GetValue(AthenaEndpoint), ["athena_fips"] = parse.GetValue(Fips), ["athena_reuse_minutes"] = parse.GetValue(ReuseMinutes),
            ["athena_price_per_tb"] = parse.GetValue(PricePerTb), ["region"] = parse.GetValue(Region),
            ["athena_results"] = parse.GetValue(Results), ["s3_endpoint"] = parse.GetValue(S3Endpoint),
        };
        return EngineSettings.Resolve(values, parse.GetValue(Settings));
    }
}
