using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Worker;

/// <summary>
/// The worker's host (Microsoft.Extensions.Hosting): configuration from <c>appsettings.json</c> (section <c>Worker</c>),
/// then <c>ANALYTICS_</c> environment variables (<c>ANALYTICS_Worker__Lake</c>, <c>ANALYTICS_Worker__Sources__0</c>),
/// then the command line; logs on the console, one line each or JSON for containers; SIGTERM and Ctrl-C stop it.
/// </summary>
public static class WorkerHost
{
    /// <summary>The worker's settings from every source, and every problem with them.</summary>
    public static (WorkerOptions Options, List<string> Errors, IConfiguration Configuration) Configure(IEnumerable<KeyValuePair<string, string?>> commandLine, string? contentRoot = null)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(contentRoot ?? Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("ANALYTICS_")
            .AddInMemoryCollection(commandLine)
            .Build();
        var options = new WorkerOptions();
        configuration.GetSection("Worker").Bind(options);
        return (options, options.Validate(), configuration);
    }

    /// <summary>
    /// Adds the S3 delivery of <see cref="WorkerOptions.FirehoseStream"/> to the sources (DescribeDeliveryStream through
    /// the shared AWS client): its objects' prefix and, when separate, its error output prefix.
    /// </summary>
    public static async Task<Analytics.Aws.Firehose.FirehoseS3Delivery?> ResolveFirehoseAsync(WorkerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FirehoseStream is null) return null;
        using var client = new Analytics.Aws.AwsJsonClient(Analytics.Aws.AwsService.Firehose, new Analytics.Aws.AwsClientOptions
        {
            Region = Analytics.Aws.AwsEndpoints.ResolveRegion(options.Region)!,
            Endpoint = options.FirehoseEndpoint is null ? null : new Uri(options.FirehoseEndpoint),
        });
        var delivery = await new Analytics.Aws.Firehose.FirehoseClient(client).S3DeliveryAsync(options.FirehoseStream, cancellationToken).ConfigureAwait(false);
        foreach (var source in delivery.Sources) if (!options.Sources.Contains(source)) options.Sources.Add(source);
        return delivery;
    }

    /// <summary>Builds the host that runs <see cref="IngestWorker"/>.</summary>
    /// <param name="options">The validated settings.</param>
    /// <param name="configuration">The configuration they came from.</param>
    /// <param name="jsonLogs">Console logs as JSON lines.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logs">Where logs go instead of the console (tests).</param>
    public static IHost Build(WorkerOptions options, IConfiguration configuration, bool jsonLogs, TimeProvider? time = null, ILoggerProvider? logs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        if (options.Sources.Count > 0 || options.FirehoseStream is not null) builder.Services.AddHostedService<IngestWorker>();
        if (options.Collect.Count > 0) builder.Services.AddHostedService<CollectWorker>();
        // A run under way gets the grace period to publish and checkpoint, and the host a little more to close.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.StopGraceSeconds + 5));
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs);
        else if (jsonLogs) builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' "; });
        builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
        return builder.Build();
    }
}
