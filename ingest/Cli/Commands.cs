using System.CommandLine;
using System.Text.Json;
using Analytics.Ingest.Collect;
using Analytics.Ingest.Run;
using Analytics.Ingest.Sample;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;

namespace Analytics.Ingest.Cli;

/// <summary>The ingest executable's commands.</summary>
public static class Commands
{
    /// <summary>Exit code of a run that completed (quarantined records included).</summary>
    public const int Ok = 0;
    /// <summary>Exit code when the options are invalid.</summary>
    public const int InvalidOptions = 2;
    /// <summary>Exit code when the run could not complete (unreadable input, lake not writable).</summary>
    public const int Failed = 1;
    /// <summary>Exit code when records were read and every one was quarantined: nothing landed.</summary>
    public const int NothingLanded = 3;
    /// <summary>Exit code: another ingest or compact holds the lake, nothing was done; try again later (EX_TEMPFAIL of sysexits.h).</summary>
    public const int Busy = 75;
    /// <summary>Exit code: the run was cancelled (Ctrl-C, SIGTERM) and stopped cleanly, 128 + SIGINT as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>How the README runs this program; help texts and messages name it so.</summary>
    public const string Program = "dotnet run --project ingest --";

    /// <summary>
    /// Parses and runs a command line: an invalid one gets one line per problem (the option, the value, what is
    /// accepted) and exit code 2, without a help dump.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args, System.CommandLine.InvocationConfiguration? configuration = null) =>
        Analytics.Cli.CommandLineErrors.InvokeAsync(Build(), args, Program, configuration);

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build() =>
        new("Analytics ingest: turns ECS, AWS Health and AWS Support events into a Parquet lake that Athena and DuckDB query.")
        {
            IngestCommand(), CollectCommand(), WorkerCommand(), HealthCommand(), CompactCommand(), DdlCommand(), GenerateCommand(),
        };

    private static Command IngestCommand()
    {
        var lake = new Option<string>("--lake") { Description = "Folder of the lake (created when missing) or s3://bucket/prefix/. Tables are TABLE/dt=yyyy-MM-dd/*.parquet; rejected records go to _quarantine/.", Required = true };
        var inputs = new Argument<string[]>("inputs") { Description = "Files, folders (searched recursively) or s3://bucket/prefix/ of raw events: EventBridge events as newline-delimited JSON, JSON arrays or Firehose's concatenated objects, optionally gzip; or Health / Support API responses.", Arity = ArgumentArity.OneOrMore };
        var batch = new Option<int>("--batch-mb") { Description = "Rows buffered (estimated MiB in memory) before they are written out; bounds memory.", DefaultValueFactory = _ => 24 };
        var maxObject = new Option<int>("--max-object-mb") { Description = "Largest whole JSON-array document (an API response), once decompressed, in MiB. Objects of any size are read a window at a time; a larger document is quarantined as a fault of its object and the run goes on.", DefaultValueFactory = _ => 512 };
        var maxRecord = new Option<int>("--max-record-mb") { Description = "Largest single record, once decompressed, in MiB (EventBridge events are at most 1 MB, Firehose records 1,000 KiB). A larger one is quarantined as too large with its first bytes, skipped without being held; the rest of its object lands.", DefaultValueFactory = _ => 16 };
        var parallelism = new Option<int>("--parallelism") { Description = "Input objects parsed at once; their rows still reach the writer in input order, so files come out the same.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var indexMaxIds = new Option<long>("--index-max-ids") { Description = "Record ids the dedupe index holds (about 40 bytes each) before it forgets the partitions touched least recently.", DefaultValueFactory = _ => LakeWriter.DefaultMaxIndexIds };
        var s3Endpoint = S3EndpointOption();
        var settings = SettingsOption();
        var staging = StagingOption();
        var lease = LeaseOption();
        var summaryJson = new Option<string?>("--summary-json") { Description = "Also write the run's summary as JSON to this file (for scripts and the benchmark)." };
        var quiet = QuietOption();
        var waitForLake = WaitForLakeOption();
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
            """) { lake, inputs, batch, maxObject, maxRecord, parallelism, indexMaxIds, waitForLake, s3Endpoint, settings, staging, lease, summaryJson, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var settingsErrors = new List<string>();
            var options = new IngestOptions
            {
                Lake = parse.GetValue(lake)!,
                Inputs = parse.GetValue(inputs) ?? [],
                BatchMegabytes = parse.GetValue(batch),
                MaxObjectMegabytes = parse.GetValue(maxObject),
                MaxRecordMegabytes = parse.GetValue(maxRecord),
                Parallelism = parse.GetValue(parallelism),
                IndexMaxIds = parse.GetValue(indexMaxIds),
                WaitForLakeSeconds = parse.GetValue(waitForLake),
                S3Endpoint = S3Endpoint(parse, s3Endpoint, settings, settingsErrors),
                StagingFolder = parse.GetValue(staging),
                LeaseSeconds = parse.GetValue(lease),
            };
            List<string> errors = [.. settingsErrors, .. options.Validate()];
            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync(CannotStart(errors)).ConfigureAwait(false);
                return InvalidOptions;
            }
            var progress = parse.GetValue(quiet) ? null : (Action<string>)(line => Console.Error.WriteLine(line));
            try
            {
                var summary = await new IngestRunner(options, TimeProvider.System, progress).RunAsync(ct).ConfigureAwait(false);
                if (summary.ObjectsRead == 0)
                {
                    await Console.Error.WriteLineAsync($"Nothing to ingest: no input object in {string.Join(", ", options.Inputs)} (no lake was created or changed).").ConfigureAwait(false);
                    return Ok;
                }
                Console.Out.Write(summary.ToText());
                if (parse.GetValue(summaryJson) is { } path)
                    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary, SummaryJson.Options), ct).ConfigureAwait(false);
                if (summary.RecordsRead > 0 && summary.Quarantined == summary.RecordsRead)
                {
                    await Console.Error.WriteLineAsync($"Nothing landed: all {summary.RecordsRead:N0} records were quarantined (see the reasons above and in the lake's _quarantine/ folder). Exit code {NothingLanded}.").ConfigureAwait(false);
                    return NothingLanded;
                }
                return Ok;
            }
            catch (LakeBusyException ex)
            {
                await Console.Error.WriteLineAsync($"Ingest did not start: {ex.Message}").ConfigureAwait(false);
                return Busy;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Ingest failed, nothing of this run was published: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Ingest cancelled: nothing of this run was published, and its hidden files are deleted; run it again to land everything.").ConfigureAwait(false);
                return Cancelled;
            }
        });
        return command;
    }

    private static Command WorkerCommand()
    {
        var lake = new Option<string?>("--lake") { Description = "Folder of the lake, or s3://bucket/prefix/ (Worker:Lake)." };
        var sources = new Option<string[]>("--source") { Description = "A folder or s3://bucket/prefix/ to watch for new objects, such as Firehose's raw prefix (Worker:Sources); repeat for each.", AllowMultipleArgumentsPerToken = false };
        var interval = new Option<int?>("--interval-seconds") { Description = "Seconds between two looks at the sources (Worker:IntervalSeconds, default 60)." };
        var status = new Option<int?>("--status-seconds") { Description = "Seconds between two status lines (Worker:StatusSeconds, default 60)." };
        var grace = new Option<int?>("--stop-grace-seconds") { Description = "Seconds a run under way may take to publish and checkpoint once told to stop (Worker:StopGraceSeconds, default 20)." };
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "An S3-compatible endpoint URL for s3:// sources and lake (Worker:S3Endpoint)." };
        var batchObjects = new Option<int?>("--batch-max-objects") { Description = "New objects one run ingests at most; more start the next run at once (Worker:BatchMaxObjects, default 1000)." };
        var batchMb = new Option<int?>("--batch-max-mb") { Description = "MiB of new objects (as stored) that start a run without waiting (Worker:BatchMaxMegabytes, default 256)." };
        var buffering = new Option<int?>("--buffering-seconds") { Description = "Seconds the oldest new object may wait for more before a run ingests them: fewer, larger files (Worker:BufferingSeconds, default 0: every look)." };
        var queueLimit = new Option<int?>("--queue-limit") { Description = "New objects held waiting at most; the rest stay in the source for a later look (Worker:QueueLimit, default 100000)." };
        var healthFile = new Option<string?>("--health-file") { Description = "A file rewritten after every look, for the health command (Worker:HealthFile)." };
        var staging = new Option<string?>("--staging") { Description = "A lake on S3: local folder runs stage their files in (Worker:StagingFolder)." };
        var lease = new Option<int?>("--lease-seconds") { Description = "A lake on S3: seconds the writer's lease holds without renewal (Worker:LeaseSeconds, default 60)." };
        var collect = new Option<string?>("--collect") { Description = "API sources to collect on a schedule, comma-separated: health, health-org, support, trusted-advisor (Worker:Collect); each pass as the collect command makes it." };
        var healthInterval = new Option<int?>("--health-interval-seconds") { Description = "Seconds between two Health passes (Worker:HealthIntervalSeconds, default 300)." };
        var supportInterval = new Option<int?>("--support-interval-seconds") { Description = "Seconds between two Support passes (Worker:SupportIntervalSeconds, default 900)." };
        var taInterval = new Option<int?>("--trusted-advisor-interval-seconds") { Description = "Seconds between two Trusted Advisor passes (Worker:TrustedAdvisorIntervalSeconds, default 3600)." };
        var healthEndpoint = new Option<string?>("--health-endpoint") { Description = "A Health endpoint URL replacing the active region's (Worker:HealthEndpoint)." };
        var supportEndpoint = new Option<string?>("--support-endpoint") { Description = "A Support endpoint URL replacing us-east-1's (Worker:SupportEndpoint)." };
        var stsEndpoint = new Option<string?>("--sts-endpoint") { Description = "An STS endpoint URL for GetCallerIdentity, the account collected pages belong to (Worker:StsEndpoint); asked of the regional STS unless the Health or Support endpoint is replaced." };
        var json = new Option<bool>("--json-logs") { Description = "Logs as JSON lines (for containers)." };
        var firehose = new Option<string?>("--firehose-stream") { Description = "A Firehose stream: its S3 delivery prefix and error output prefix are watched, found with DescribeDeliveryStream (Worker:FirehoseStream)." };
        var firehoseEndpoint = new Option<string?>("--firehose-endpoint") { Description = "A Firehose endpoint URL replacing the regional one (Worker:FirehoseEndpoint)." };
        var region = new Option<string?>("--region") { Description = "AWS region of the Firehose stream (Worker:Region; default AWS_REGION or the profile's)." };
        var command = new Command("worker", """
            Runs for good: watches the sources and ingests each new object once (late ones under an older hour too),
            and collects the --collect API sources on their schedules (Health every 5 minutes, Support every 15,
            Trusted Advisor hourly),
            keeping a checkpoint per source in the lake (_checkpoints/); a status line every minute. SIGTERM or Ctrl-C
            lets a run under way publish and checkpoint, then exits (0). Settings also come from appsettings.json
            (section Worker) and ANALYTICS_Worker__* environment variables; every problem is listed at start (exit 2).

            Example: dotnet run --project ingest -- worker --lake ./lake --source ./events --interval-seconds 30
            On AWS: … worker --lake s3://lake-bucket/ops/ --firehose-stream ops-events --region eu-west-1 --health-file /tmp/worker.health
            """) { lake, sources, interval, status, grace, s3Endpoint, json, firehose, firehoseEndpoint, region, batchObjects, batchMb, buffering, queueLimit, healthFile, staging, lease,
                collect, healthInterval, supportInterval, taInterval, healthEndpoint, supportEndpoint, stsEndpoint };
        command.SetAction(async (parse, ct) =>
        {
            var given = new List<KeyValuePair<string, string?>>();
            if (parse.GetValue(lake) is { } l) given.Add(new("Worker:Lake", l));
            var i = 0;
            foreach (var source in parse.GetValue(sources) ?? []) given.Add(new($"Worker:Sources:{i++}", source));
            if (parse.GetValue(interval) is { } n) given.Add(new("Worker:IntervalSeconds", n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(status) is { } st) given.Add(new("Worker:StatusSeconds", st.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(grace) is { } g) given.Add(new("Worker:StopGraceSeconds", g.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(s3Endpoint) is { } e) given.Add(new("Worker:S3Endpoint", e));
            if (parse.GetValue(firehose) is { } f) given.Add(new("Worker:FirehoseStream", f));
            if (parse.GetValue(firehoseEndpoint) is { } fe) given.Add(new("Worker:FirehoseEndpoint", fe));
            if (parse.GetValue(region) is { } r) given.Add(new("Worker:Region", r));
            if (parse.GetValue(batchObjects) is { } bo) given.Add(new("Worker:BatchMaxObjects", bo.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(batchMb) is { } bm) given.Add(new("Worker:BatchMaxMegabytes", bm.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(buffering) is { } bs) given.Add(new("Worker:BufferingSeconds", bs.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(queueLimit) is { } ql) given.Add(new("Worker:QueueLimit", ql.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(healthFile) is { } hf) given.Add(new("Worker:HealthFile", hf));
            if (parse.GetValue(staging) is { } sf) given.Add(new("Worker:StagingFolder", sf));
            if (parse.GetValue(lease) is { } ls) given.Add(new("Worker:LeaseSeconds", ls.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var c = 0;
            foreach (var name in (parse.GetValue(collect) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) given.Add(new($"Worker:Collect:{c++}", name));
            if (parse.GetValue(healthInterval) is { } hi) given.Add(new("Worker:HealthIntervalSeconds", hi.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(supportInterval) is { } si) given.Add(new("Worker:SupportIntervalSeconds", si.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(taInterval) is { } ti) given.Add(new("Worker:TrustedAdvisorIntervalSeconds", ti.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (parse.GetValue(healthEndpoint) is { } he) given.Add(new("Worker:HealthEndpoint", he));
            if (parse.GetValue(supportEndpoint) is { } se) given.Add(new("Worker:SupportEndpoint", se));
            if (parse.GetValue(stsEndpoint) is { } ste) given.Add(new("Worker:StsEndpoint", ste));
            var (options, errors, configuration) = Worker.WorkerHost.Configure(given);
            if (errors.Count > 0)
            {
                foreach (var error in errors) await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
                return InvalidOptions;
            }
            try
            {
                if (await Worker.WorkerHost.ResolveFirehoseAsync(options, ct).ConfigureAwait(false) is { } delivery)
                    await Console.Error.WriteLineAsync($"Firehose stream {options.FirehoseStream}: watching {string.Join(", ", delivery.Sources)} ({delivery.Compression})").ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Analytics.Aws.AwsServiceException or Analytics.Aws.AwsCredentialsException or HttpRequestException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"Cannot find the Firehose stream's S3 delivery: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
            using var host = Worker.WorkerHost.Build(options, configuration, parse.GetValue(json));
            await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(host, ct).ConfigureAwait(false);
            return Ok;
        });
        return command;
    }

    private static Command CollectCommand()
    {
        var lake = new Option<string>("--lake") { Description = "Folder of the lake, or s3://bucket/prefix/.", Required = true };
        var sources = new Option<string>("--sources") { Description = "Comma-separated: health (AWS Health, this account), health-org (the organization view, from the management or delegated administrator account), support (AWS Support cases and communications), trusted-advisor (every check, its result and flagged resources).", DefaultValueFactory = _ => "health,support" };
        var since = new Option<string?>("--since") { Description = "Where a first pass starts, ISO 8601 (default: Health 90 days back, Support 365); later passes go on from the checkpoint in the lake." };
        var healthEndpoint = new Option<string?>("--health-endpoint") { Description = "A Health endpoint URL replacing the active region's (found from global.health.amazonaws.com)." };
        var supportEndpoint = new Option<string?>("--support-endpoint") { Description = "A Support endpoint URL replacing support.us-east-1.amazonaws.com." };
        var stsEndpoint = new Option<string?>("--sts-endpoint") { Description = "An STS endpoint URL for GetCallerIdentity, which tells the account the pages belong to (asked of the regional STS unless the Health or Support endpoint is replaced)." };
        var region = new Option<string?>("--region") { Description = "The region requests to a replaced endpoint are signed for (default: the service's)." };
        var s3Endpoint = S3EndpointOption();
        var settings = SettingsOption();
        var staging = StagingOption();
        var lease = LeaseOption();
        var waitForLake = WaitForLakeOption();
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
            """) { lake, sources, since, healthEndpoint, supportEndpoint, stsEndpoint, region, s3Endpoint, settings, staging, lease, waitForLake, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var errors = new List<string>();
            DateTimeOffset? from = null;
            try
            {
                from = CollectOptions.ParseSince(parse.GetValue(since));
            }
            catch (FormatException ex)
            {
                errors.Add(ex.Message);
            }
            var options = new CollectOptions
            {
                Lake = parse.GetValue(lake)!,
                Sources = parse.GetValue(sources)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Since = from,
                HealthEndpoint = parse.GetValue(healthEndpoint),
                SupportEndpoint = parse.GetValue(supportEndpoint),
                StsEndpoint = parse.GetValue(stsEndpoint),
                Region = parse.GetValue(region),
                S3Endpoint = S3Endpoint(parse, s3Endpoint, settings, errors),
                StagingFolder = parse.GetValue(staging),
                LeaseSeconds = parse.GetValue(lease),
                WaitForLakeSeconds = parse.GetValue(waitForLake),
            };
            errors.AddRange(options.Validate());
            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync(CannotStart(errors)).ConfigureAwait(false);
                return InvalidOptions;
            }
            try
            {
                var results = await new Collector(options, TimeProvider.System, parse.GetValue(quiet) ? null : line => Console.Error.WriteLine(line)).RunAsync(ct).ConfigureAwait(false);
                foreach (var result in results)
                    await Console.Out.WriteLineAsync(result.Error is { } error ? $"{result.Source}: FAILED: {error}" : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{result.Source}: {result.Pages.Values.Sum()} pages, {result.Ingest?.RecordsLanded ?? 0} records landed, {result.Ingest?.Duplicates ?? 0} duplicates, {result.Ingest?.Quarantined ?? 0} quarantined")).ConfigureAwait(false);
                return results.Any(r => r.Error is not null) ? Failed : Ok;
            }
            catch (LakeBusyException ex)
            {
                await Console.Error.WriteLineAsync($"Collect did not finish: {ex.Message}").ConfigureAwait(false);
                return Busy;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Collect failed: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Collect cancelled: the pages stored are ingested by the next pass, which asks again from the checkpoint.").ConfigureAwait(false);
                return Cancelled;
            }
        });
        return command;
    }

    private static Command HealthCommand()
    {
        var file = new Option<string>("--file") { Description = "The worker's health file (its --health-file).", Required = true };
        var maxAge = new Option<int>("--max-age-seconds") { Description = "How old the worker's last look, and its last successful look, may be. Give at least twice its --interval-seconds plus a run's length.", DefaultValueFactory = _ => 300 };
        var command = new Command("health", """
            For a container health check: exit 0 when the worker's health file says it finished a look and read every
            source successfully within --max-age-seconds; 1 with a line saying why otherwise (stuck, stopped, or failing).

            Example (ECS task definition): "healthCheck": {"command": ["CMD", "dotnet", "analytics-ingest.dll", "health", "--file", "/tmp/worker.health"]}
            """) { file, maxAge };
        command.SetAction(parse =>
        {
            if (parse.GetValue(maxAge) is < 1 or > 86_400)
            {
                Console.Error.WriteLine($"--max-age-seconds {parse.GetValue(maxAge)} must be between 1 and 86400.");
                return InvalidOptions;
            }
            if (Worker.WorkerHealth.Problem(parse.GetValue(file)!, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(parse.GetValue(maxAge))) is { } problem)
            {
                Console.Error.WriteLine($"Unhealthy: {problem}");
                return Failed;
            }
            Console.Out.WriteLine("Healthy.");
            return Ok;
        });
        return command;
    }

    private static Option<bool> QuietOption() => new("--quiet") { Description = "No progress lines on stderr." };

    private static Option<string?> S3EndpointOption() => new("--s3-endpoint")
    {
        Description = "An S3-compatible endpoint URL (path-style) for s3:// inputs and lakes, instead of AWS's; also ANALYTICS_S3_ENDPOINT.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ANALYTICS_S3_ENDPOINT"),
    };

    private static Option<string?> SettingsOption() => new("--settings")
    {
        Description = "The JSON settings file the query program reads too (default ANALYTICS_SETTINGS): its s3_endpoint applies when neither --s3-endpoint nor ANALYTICS_S3_ENDPOINT is given.",
    };

    // --s3-endpoint, else ANALYTICS_S3_ENDPOINT (the option's default), else the settings file's s3_endpoint.
    private static string? S3Endpoint(ParseResult parse, Option<string?> endpoint, Option<string?> settings, List<string> errors)
    {
        if (parse.GetValue(endpoint) is { } given) return given;
        var (fromFile, error) = SettingsFile.Read(parse.GetValue(settings));
        if (error is not null) errors.Add(error);
        return fromFile;
    }

    private static Option<string?> StagingOption() => new("--staging")
    {
        Description = "A lake on S3: the local folder files are written in before they are uploaded (default: one in the system's temp folder, named after the lake).",
    };

    private static Option<int> LeaseOption() => new("--lease-seconds")
    {
        Description = "A lake on S3: how long the writer's lease (_lake.lease) holds without renewal, so how long a killed writer keeps the lake. Renewed every third of it.",
        DefaultValueFactory = _ => (int)S3Lease.DefaultDuration.TotalSeconds,
    };

    private static Option<int> WaitForLakeOption() => new("--wait-for-lake")
    {
        Description = "Seconds to wait when another ingest or compact is writing to the lake (one writer at a time). 0: exit at once with code 75.",
        DefaultValueFactory = _ => 0,
    };

    // Every option error, one per line, so a user fixes them all at once.
    private static string CannotStart(IEnumerable<string> errors) => "Cannot start: " + string.Join("\n  ", ["", .. errors]).TrimStart();

    private static Command CompactCommand()
    {
        var lake = new Option<string>("--lake") { Description = "Folder of the lake, or s3://bucket/prefix/.", Required = true };
        var s3Endpoint = S3EndpointOption();
        var settings = SettingsOption();
        var staging = StagingOption();
        var lease = LeaseOption();
        var target = new Option<int>("--target-mb") { Description = "Size to merge small files up to; files of half this size or more are left alone.", DefaultValueFactory = _ => 128 };
        var tables = new Option<string[]>("--table") { Description = "Only this table; repeat for several. Default: every table." };
        var waitForLake = WaitForLakeOption();
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
            """) { lake, target, tables, waitForLake, s3Endpoint, settings, staging, lease, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var errors = new List<string>();
            var root = parse.GetValue(lake)!;
            var onS3 = root.StartsWith("s3://", StringComparison.Ordinal);
            if (onS3 && IngestOptions.LakeError(root) is { } lakeError) errors.Add(lakeError);
            else if (!onS3 && !Directory.Exists(root)) errors.Add($"--lake '{root}' does not exist.");
            var endpoint = S3Endpoint(parse, s3Endpoint, settings, errors);
            if (IngestOptions.S3EndpointError(endpoint) is { } endpointError) errors.Add(endpointError);
            if (IngestOptions.LeaseError(parse.GetValue(lease)) is { } leaseError) errors.Add(leaseError);
            if (LakeLock.WaitError(parse.GetValue(waitForLake)) is { } waitError) errors.Add(waitError);
            if (parse.GetValue(target) is < 1 or > 4096) errors.Add($"--target-mb {parse.GetValue(target)} must be between 1 and 4096.");
            var names = parse.GetValue(tables) ?? [];
            foreach (var name in names.Where(n => TableCatalog.All.All(t => t.Name != n)))
                errors.Add($"--table '{name}' is not a table of the lake: {string.Join(", ", TableCatalog.All.Select(t => t.Name))}.");
            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync(CannotStart(errors)).ConfigureAwait(false);
                return InvalidOptions;
            }
            var s3Options = new IngestOptions { S3Endpoint = endpoint };
            Amazon.S3.AmazonS3Client? s3 = null;
            try
            {
                var compactor = new Compactor(Lake.LakeLayout.Open(root, () => s3 ??= s3Options.S3Client(), parse.GetValue(staging)), TimeProvider.System)
                {
                    WaitForLake = TimeSpan.FromSeconds(parse.GetValue(waitForLake)),
                    Lease = TimeSpan.FromSeconds(parse.GetValue(lease)),
                    Progress = parse.GetValue(quiet) ? null : line => Console.Error.WriteLine(line),
                };
                var summary = await compactor.RunAsync(names, (long)parse.GetValue(target) << 20, ct).ConfigureAwait(false);
                Console.Out.Write(summary.ToText());
                return Ok;
            }
            catch (LakeBusyException ex)
            {
                await Console.Error.WriteLineAsync($"Compaction did not start: {ex.Message}").ConfigureAwait(false);
                return Busy;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or Amazon.Runtime.AmazonServiceException or HttpRequestException)
            {
                await Console.Error.WriteLineAsync($"Compaction failed: {ex.Message}").ConfigureAwait(false);
                return Failed;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Compaction cancelled: the merges done are published, the one under way is undone; run it again to go on.").ConfigureAwait(false);
                return Cancelled;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync($"Compaction stopped: it lost its lease on {root} to another writer (it could not renew it in time); the merges done are published, run it again to go on.").ConfigureAwait(false);
                return Failed;
            }
            finally
            {
                s3?.Dispose();
            }
        });
        return command;
    }

    private static Command DdlCommand()
    {
        var database = new Option<string>("--database") { Description = "Glue database name (lowercase).", DefaultValueFactory = _ => "analytics" };
        var location = new Option<string>("--location") { Description = "S3 root of the lake, e.g. s3://my-bucket/lake/. Each table lives in TABLE/ below it.", Required = true };
        var since = new Option<string>("--since") { Description = "First dt covered by partition projection (yyyy-MM-dd).", DefaultValueFactory = _ => AthenaDdl.DefaultRangeStart };
        var command = new Command("ddl", "Prints the Athena DDL of every table (CREATE EXTERNAL TABLE … with partition projection on dt).\n\nExample: dotnet run --project ingest -- ddl --location s3://my-bucket/lake/ --database analytics") { database, location, since };
        command.SetAction(parse =>
        {
            var problems = AthenaDdl.Problems(parse.GetValue(database)!, parse.GetValue(location)!, parse.GetValue(since)!);
            if (problems.Count > 0)
            {
                foreach (var problem in problems) Console.Error.WriteLine($"Cannot generate DDL: {problem}");
                return InvalidOptions;
            }
            Console.Out.Write(AthenaDdl.CreateAll(TableCatalog.All, parse.GetValue(database)!, parse.GetValue(location)!, parse.GetValue(since)!));
            return Ok;
        });
        return command;
    }

    private static Command GenerateCommand()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the Firehose-style objects to.", Required = true };
        var days = new Option<int>("--days") { Description = "Days of events.", DefaultValueFactory = _ => 1 };
        var start = new Option<string>("--start") { Description = "First day (yyyy-MM-dd, UTC).", DefaultValueFactory = _ => "2026-11-02" };
        var taskEvents = new Option<int>("--task-events-per-day") { Description = "Approximate ECS task state changes per day (the bulk of the volume).", DefaultValueFactory = _ => 4000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same events.", DefaultValueFactory = _ => 7 };
        var truncated = new Option<int>("--truncated") { Description = "Records to cut short, as a crashed producer would.", DefaultValueFactory = _ => 1 };
        var command = new Command("generate", """
            Writes a realistic, deterministic set of raw events as Firehose delivers them: YYYY/MM/dd/HH/ objects,
            records concatenated without delimiter (some newline-delimited), most gzip, with redeliveries,
            out-of-order versions and truncated records. Services crash-loop, get OOM-killed, lose Spot capacity,
            deploy and roll back; Health events open and close; Support cases are opened and resolved.

            Example: dotnet run --project ingest -- generate --out ./events --days 7
            """) { output, days, start, taskEvents, seed, truncated };
        command.SetAction(parse =>
        {
            var errors = new List<string>();
            if (!DateOnly.TryParseExact(parse.GetValue(start), "yyyy-MM-dd", out var first)) errors.Add($"--start is '{parse.GetValue(start)}': expected a date yyyy-MM-dd");
            if (parse.GetValue(days) is < 1 or > 3660) errors.Add($"--days is {parse.GetValue(days)}: expected 1 to 3660");
            if (parse.GetValue(taskEvents) is < 1 or > 10_000_000) errors.Add($"--task-events-per-day is {parse.GetValue(taskEvents)}: expected 1 to 10,000,000");
            if (parse.GetValue(truncated) < 0) errors.Add($"--truncated is {parse.GetValue(truncated)}: expected 0 or more");
            if (errors.Count > 0)
            {
                foreach (var error in errors) Console.Error.WriteLine(error);
                return InvalidOptions;
            }
            var manifest = new EventGenerator(new GeneratorOptions
            {
                Start = first,
                Days = parse.GetValue(days),
                TaskEventsPerDay = parse.GetValue(taskEvents),
                Seed = parse.GetValue(seed),
                TruncatedRecords = parse.GetValue(truncated),
            }).WriteTo(parse.GetValue(output)!);
            Console.Out.WriteLine(manifest.ToText());
            return Ok;
        });
        return command;
    }
}

/// <summary>JSON settings of the summary file.</summary>
internal static class SummaryJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
