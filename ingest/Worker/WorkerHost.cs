using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Worker;

/// <summary>The worker's settings, as loaded and checked, and the program's AWS clients.</summary>
/// <param name="Worker">What it watches and collects.</param>
/// <param name="Lake">The lake.</param>
/// <param name="Ingest">How its runs read and write.</param>
/// <param name="Collect">How often each API source is collected.</param>
/// <param name="Aws">The program's AWS clients.</param>
/// <param name="Alerts">Where alerts go and the rules' settings; null for none.</param>
internal sealed record WorkerServices(WorkerSettings Worker, LakeSettings Lake, IngestSettings Ingest, CollectSettings Collect, AwsClients Aws, AlertSettings? Alerts = null);

/// <summary>
/// The worker's composition root (Microsoft.Extensions.Hosting): its settings and AWS clients, made once by the command,
/// are registered and handed to the hosted services; logs on the console, one line each or JSON for containers;
/// SIGTERM and Ctrl-C stop it.
/// </summary>
internal static class WorkerHost
{
    /// <summary>The sections of settings the worker reads and checks.</summary>
    public static IReadOnlyList<Type> Sections { get; } = [typeof(WorkerSettings), typeof(LakeSettings), typeof(IngestSettings), typeof(CollectSettings), typeof(AwsSettings), typeof(AlertSettings)];

    /// <summary>The worker's own rules across sections: a lake, and something to watch or collect.</summary>
    public static void Require(LoadedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Check<LakeSettings>().Required(nameof(LakeSettings.Location), settings.Get<LakeSettings>().Location, "the lake folder or s3://bucket/prefix/.");
        var worker = settings.Get<WorkerSettings>();
        var check = settings.Check<WorkerSettings>();
        if (worker.Sources.Count == 0 && worker.FirehoseStream is null && worker.Collect.Count == 0)
            check.Add($"{check.Name(nameof(WorkerSettings.Sources))}, {check.Name(nameof(WorkerSettings.FirehoseStream))} or {check.Name(nameof(WorkerSettings.Collect))} is required: a folder or s3://bucket/prefix/ to watch (repeat for each), a Firehose stream, or API sources to collect.");
        if (settings.Get<AlertSettings>().EventBus is not null && settings.Get<AwsSettings>().ResolvedRegion is null)
            settings.Check<AwsSettings>().Add($"{settings.NameOf("Aws:Region")} is required with {settings.Check<AlertSettings>().Name(nameof(AlertSettings.EventBus))}: set it, or AWS_REGION.");
        if (worker.FirehoseStream is not null && settings.Get<AwsSettings>().ResolvedRegion is null)
            settings.Check<AwsSettings>().Add($"{settings.NameOf("Aws:Region")} is required with {check.Name(nameof(WorkerSettings.FirehoseStream))}: set it, or AWS_REGION.");
    }

    /// <summary>
    /// Adds the S3 delivery of <see cref="WorkerSettings.FirehoseStream"/> to the sources (DescribeDeliveryStream through
    /// the shared AWS client): its objects' prefix and, when separate, its error output prefix.
    /// </summary>
    public static async Task<Analytics.Aws.Firehose.FirehoseS3Delivery?> ResolveFirehoseAsync(WorkerSettings options, AwsClients aws, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(aws);
        if (options.FirehoseStream is null) return null;
        using var client = aws.Json(Analytics.Aws.AwsService.Firehose, aws.Settings.ResolvedRegion!, aws.Settings.FirehoseEndpoint);
        var delivery = await new Analytics.Aws.Firehose.FirehoseClient(client).S3DeliveryAsync(options.FirehoseStream, cancellationToken).ConfigureAwait(false);
        foreach (var source in delivery.Sources) if (!options.Sources.Contains(source)) options.Sources.Add(source);
        return delivery;
    }

    /// <summary>Builds the host that runs <see cref="IngestWorker"/> and <see cref="CollectWorker"/>.</summary>
    /// <param name="services">The checked settings and the AWS clients.</param>
    /// <param name="configuration">The configuration they came from (its Logging section sets log levels); null for none.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logs">Where logs go instead of the console (tests).</param>
    public static IHost Build(WorkerServices services, IConfiguration? configuration = null, TimeProvider? time = null, ILoggerProvider? logs = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.Worker;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (configuration is not null) builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddSingleton(services.Worker).AddSingleton(services.Lake).AddSingleton(services.Ingest).AddSingleton(services.Collect).AddSingleton(services.Aws);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        if (services.Alerts?.Enabled == true) builder.Services.AddSingleton(provider => Alerts(services, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<Alerts.AlertService>>()));
        if (options.Sources.Count > 0 || options.FirehoseStream is not null) builder.Services.AddHostedService<IngestWorker>();
        if (options.Collect.Count > 0) builder.Services.AddHostedService<CollectWorker>();
        // A run under way gets the grace period to publish and checkpoint, and the host a little more to close.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.StopGraceSeconds + 5));
        builder.Logging.ClearProviders();
        if (configuration?.GetSection("Logging") is { } logging) builder.Logging.AddConfiguration(logging);
        if (logs is not null) builder.Logging.AddProvider(logs);
        else if (options.JsonLogs) builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' "; });
        builder.Services.AddSingleton<IHostLifetime, Microsoft.Extensions.Hosting.Internal.ConsoleLifetime>();
        return builder.Build();
    }

    // The alerts' rules, state in the lake, and sinks: the webhook, the event bus.
    private static Alerts.AlertService Alerts(WorkerServices services, TimeProvider time, ILogger<Alerts.AlertService> logger)
    {
        var settings = services.Alerts!;
        var sinks = new List<Alerts.IAlertSink>();
        if (settings.Webhook is { } url) sinks.Add(new Alerts.WebhookSink(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, new Uri(url), time));
        if (settings.EventBus is { } bus)
            sinks.Add(new Alerts.EventBusSink(services.Aws.Json(Analytics.Aws.AwsService.Events, services.Aws.Settings.ResolvedRegion!, services.Aws.Settings.EventsEndpoint), bus, time));
        var lake = Lake.LakeLayout.Open(services.Lake.Location!, () => services.Aws.StoreS3, services.Lake.StagingFolder).Store;
        return new Alerts.AlertService(Analytics.Ingest.Alerts.AlertOptions.From(settings), lake, sinks, logger);
    }
}
