using Analytics.Common.Aws;
using Analytics.Common.Cli;
using Analytics.Common.Logging;
using Analytics.Common.Settings;
using Analytics.Ingest.Collect;
using Analytics.Ingest.Run;
using Analytics.Ingest.Worker;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingest.Cli;

/// <summary>
/// The ingest program's composition root: from a command's checked settings and the program's context it makes, once,
/// the AWS clients and the log, and hands them to what the command runs (the runner, the collector, the compactor, the
/// worker's host). Disposed when the command ends.
/// </summary>
internal sealed class IngestServices : IDisposable
{
    private readonly LoadedSettings _settings;
    private readonly ProgramContext _context;

    private IngestServices(LoadedSettings settings, ProgramContext context, ILoggerFactory logs)
    {
        _settings = settings;
        _context = context;
        Logs = logs;
        Aws = new AwsClients(settings.Get<AwsSettings>(), context.Credentials, context.Time, logs);
    }

    /// <summary>The program's AWS clients.</summary>
    public AwsClients Aws { get; }

    /// <summary>The command's log.</summary>
    public ILoggerFactory Logs { get; }

    /// <summary>The lake's settings.</summary>
    public LakeSettings Lake => _settings.Get<LakeSettings>();

    /// <summary>The services of a command whose log goes to <paramref name="error"/>: progress lines unless <paramref name="quiet"/>, and warnings.</summary>
    public static IngestServices Create(LoadedSettings settings, ProgramContext context, TextWriter error, bool quiet) =>
        new(settings, context, CommandLog.To(error, quiet ? LogLevel.Warning : LogLevel.Information));

    /// <summary>An ingest run of <paramref name="inputs"/>.</summary>
    public IngestRunner Runner(IReadOnlyList<string> inputs) =>
        new(new IngestOptions { Lake = Lake, Settings = _settings.Get<IngestSettings>(), Inputs = inputs, S3 = () => Aws.StoreS3 }, _context.Time, Logs.CreateLogger<IngestRunner>());

    /// <summary>A collection pass.</summary>
    public Collector Collector(CollectOptions options) => new(options, Lake, Aws, _context.Time, Logs.CreateLogger<Collector>());

    /// <summary>The lake, to read.</summary>
    public LakeLayout Layout() => LakeLayout.Open(Lake.Location!, () => Aws.StoreS3, Lake.StagingFolder);

    /// <summary>A compaction of the lake.</summary>
    public Compactor Compactor() => new(Layout(), _context.Time)
    {
        WaitForLake = TimeSpan.FromSeconds(Lake.WaitSeconds),
        Lease = TimeSpan.FromSeconds(Lake.LeaseSeconds),
        Logger = Logs.CreateLogger<Compactor>(),
    };

    /// <summary>What the worker's host is given.</summary>
    public WorkerServices Worker() =>
        new(_settings.Get<WorkerSettings>(), Lake, _settings.Get<IngestSettings>(), _settings.Get<CollectSettings>(), Aws, _settings.Get<AlertSettings>());

    /// <inheritdoc/>
    public void Dispose()
    {
        Aws.Dispose();
        Logs.Dispose();
    }
}
