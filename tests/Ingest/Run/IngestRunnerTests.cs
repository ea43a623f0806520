using Analytics.Ingest.Lake;
using Analytics.Ingest.Run;
using Analytics.Generator;

namespace Analytics.Tests.Ingest.Run;

public class IngestRunnerTests
{
    private static GeneratorManifest Generate(string folder, int days = 3, int truncated = 2, int taskEventsPerDay = 1500) =>
        new EventGenerator(new GeneratorOptions { Days = days, TaskEventsPerDay = taskEventsPerDay, TruncatedRecords = truncated, Seed = 11 }).WriteTo(folder);

    [Fact]
    public async Task Run_MultiDayInputWithRedeliveriesAndTruncation_LandsEachDistinctEventOnce()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"));
        Assert.True(manifest.Duplicates > 0 && manifest.OutOfOrderTasks > 0 && manifest.GzipObjects > 0 && manifest.NewlineDelimitedObjects > 0);
        Assert.Contains(Directory.GetFiles(temp.Sub("events"), "*", SearchOption.AllDirectories),
            f => File.ReadAllBytes(f) is [(byte)'{', ..] && File.ReadAllText(f).Contains("}{", StringComparison.Ordinal));

        var summary = await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));

        Assert.Equal(manifest.RecordsWritten, summary.RecordsRead);
        Assert.Equal(manifest.Duplicates, summary.Duplicates);
        Assert.Equal(manifest.Truncated, summary.Quarantined);
        Assert.Equal(manifest.Truncated, summary.QuarantinedByKind["malformed"]);
        Assert.True(summary.Balanced);
        Assert.Equal(manifest.ExpectedRows.OrderBy(k => k.Key), summary.RowsPerTable.OrderBy(k => k.Key));
        using var db = Some.DuckDb(temp.Sub("lake"));
        foreach (var (table, rows) in manifest.ExpectedRows)
        {
            Assert.Equal(rows, Some.Scalar<long>(db, $"SELECT count(*) FROM {table}"));
            Assert.Equal(rows, Some.Scalar<long>(db, $"SELECT count(DISTINCT record_id) FROM {table}"));
        }
    }

    [Fact]
    public async Task Run_LargeObject_GoesToTheWriterInPartsAndLandsWhole()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"), days: 2, truncated: 0);
        // Every generated object in one file (about 8 MB of JSON), with a malformed record first and last.
        var records = Directory.GetFiles(temp.Sub("events"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f =>
            {
                using var input = Analytics.Ingest.Input.InputObject.FromBytes(f, File.ReadAllBytes(f), DateTime.UnixEpoch);
                return System.Text.Encoding.UTF8.GetString(input.Data.Span).Trim();
            });
        var big = temp.Sub("big/all.json");
        Directory.CreateDirectory(temp.Sub("big"));
        File.WriteAllText(big, "{\"broken\": \n" + string.Join("\n", records) + "\n{\"also\": broken}\n");
        var options = new IngestOptions { Lake = new() { Location = temp.Sub("lake") }, Settings = new() { BatchMegabytes = 1 }, Inputs = [big] };

        // With a 1 MB batch the object's rows go to the writer in parts of 1 MiB (estimated), not all at once.
        using (var input = Analytics.Ingest.Input.InputObject.FromBytes(big, File.ReadAllBytes(big), DateTime.UnixEpoch))
        {
            var segments = Analytics.Ingest.Input.RecordSplitter.Split(input.Data.Span);
            var starts = IngestRunner.PartStarts(segments, 1 << 20);
            Assert.InRange(starts[1], 2, segments.Count / 4);
        }
        var summary = await new IngestRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(1, summary.ObjectsRead);
        Assert.Equal(manifest.RecordsWritten + 2, summary.RecordsRead);
        Assert.Equal(2, summary.Quarantined);
        Assert.True(summary.Balanced);
        Assert.Equal(manifest.ExpectedRows.OrderBy(k => k.Key), summary.RowsPerTable.OrderBy(k => k.Key));
        // The quarantine file is the object's, whole: the record of its first part and that of its last.
        var quarantine = File.ReadAllLines(QuarantineWriter.PathFor(new LakeLayout(temp.Sub("lake")), big));
        Assert.Equal(2, quarantine.Length);
        Assert.Contains("record 1 ", quarantine[0], StringComparison.Ordinal);
        Assert.Contains("also", quarantine[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ObjectsLargerThanTheLimit_LandWhole_PlainAndGzip()
    {
        using var temp = Some.TempFolder();
        // Over 1 MiB each of distinct task events (a corpus sample, its id varied), plain and gzip, with a 1 MiB
        // limit: objects of any size are read a window at a time, and only a record or document may not exceed it.
        var sample = File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "task-state-change-running-fargate.json"));
        string Events(string prefix) => string.Concat(Enumerable.Range(0, 400).Select(i =>
            sample.Replace("3317b2af-7005-947d-b652-f55e762e571a", $"{prefix}-{i}", StringComparison.Ordinal) + "\n"));
        Directory.CreateDirectory(temp.Sub("events"));
        File.WriteAllText(temp.Sub("events/big.json"), Events("plain"));
        await using (var gzip = new System.IO.Compression.GZipStream(File.Create(temp.Sub("events/big.json.gz")), System.IO.Compression.CompressionLevel.Fastest))
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(Events("gzip")));
        Assert.True(new FileInfo(temp.Sub("events/big.json")).Length > 1 << 20);
        var options = new IngestOptions { Lake = new() { Location = temp.Sub("lake") }, Settings = new() { MaxObjectMegabytes = 1 }, Inputs = [temp.Sub("events")] };

        var summary = await new IngestRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Equal(800, summary.RecordsLanded);
        Assert.Equal(0, summary.Quarantined);
        Assert.Empty(summary.FirstQuarantined);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(Events("plain") + Events("gzip")), summary.BytesRead);
    }

    [Fact]
    public async Task Run_ARecordFarLargerThanAnyEvent_IsQuarantinedAndTheSampleBesideItLandsWhole()
    {
        // The bundled sample, and beside it a small gzip object that expands to one 24 MiB record between two events: no
        // event is that large (EventBridge's are at most 1 MB), so it is quarantined as too large; the rest lands.
        using var temp = Some.TempFolder();
        var samples = Path.Combine(Some.RepoRoot, "samples");
        var alone = await new IngestRunner(new IngestOptions { Lake = new() { Location = temp.Sub("alone") }, Inputs = [samples] }, TimeProvider.System).RunAsync(CancellationToken.None);
        var sample = File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "task-state-change-running-fargate.json"));
        Directory.CreateDirectory(temp.Sub("poison"));
        await using (var gzip = new System.IO.Compression.GZipStream(File.Create(temp.Sub("poison/huge.gz")), System.IO.Compression.CompressionLevel.Optimal))
        {
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(sample.Replace("3317b2af-7005-947d-b652-f55e762e571a", "before", StringComparison.Ordinal) + "\n{\"detail\":\""));
            var chunk = System.Text.Encoding.UTF8.GetBytes(new string('a', 1 << 20));
            for (var i = 0; i < 24; i++) await gzip.WriteAsync(chunk);
            await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes("\"}\n" + sample.Replace("3317b2af-7005-947d-b652-f55e762e571a", "after", StringComparison.Ordinal)));
        }
        Assert.True(new FileInfo(temp.Sub("poison/huge.gz")).Length < 1 << 20);
        var options = new IngestOptions { Lake = new() { Location = temp.Sub("lake") }, Settings = new() { MaxRecordMegabytes = 4 }, Inputs = [samples, temp.Sub("poison")] };

        var summary = await new IngestRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.True(summary.Balanced);
        Assert.Equal(alone.RecordsLanded + 2, summary.RecordsLanded);
        Assert.Equal(alone.Quarantined + 1, summary.Quarantined);
        Assert.Equal(1, summary.QuarantinedByKind["too_large"]);
        // The quarantine keeps its source, position, reason and first bytes; the raw object stays where it was.
        var quarantine = Directory.GetFiles(Path.Combine(temp.Sub("lake"), "_quarantine"), "*.jsonl").Select(File.ReadAllText).Single(t => t.Contains("too_large", StringComparison.Ordinal));
        using var entry = System.Text.Json.JsonDocument.Parse(quarantine.Split('\n')[0]);
        Assert.Contains("huge.gz", entry.RootElement.GetProperty("source_object").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("record 2 (line ", entry.RootElement.GetProperty("position").GetString(), StringComparison.Ordinal);
        // {"detail":" (11 bytes), 24 MiB of a, "} (2 bytes); its first 1,024 bytes kept.
        Assert.Contains($"record too large: {(24 << 20) + 13:N0} bytes, more than the 4 MiB allowed", entry.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("{\"detail\":\"" + new string('a', 1024 - 11), entry.RootElement.GetProperty("raw").GetString());
        Assert.True(File.Exists(temp.Sub("poison/huge.gz")));
    }

    [Fact]
    public async Task Run_OutOfOrderVersions_LatestStateIsHighestVersion()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"), days: 2, truncated: 0);
        await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));
        using var db = Some.DuckDb(temp.Sub("lake"));
        var latest = Some.Query(db, "SELECT task_arn, arg_max(last_status, task_version) AS status FROM ecs_task_events GROUP BY task_arn")
            .ToDictionary(r => (string)r["task_arn"]!, r => (string)r["status"]!);
        Assert.Equal(manifest.LatestTaskStatus.OrderBy(k => k.Key), latest.OrderBy(k => k.Key));
        Assert.Contains("RUNNING", latest.Values);
        Assert.Contains("STOPPED", latest.Values);
    }

    [Fact]
    public async Task Run_SameInputTwice_SecondRunChangesNothing()
    {
        using var temp = Some.TempFolder();
        Generate(temp.Sub("events"), days: 2);
        var first = await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));
        var filesBefore = LakeFiles(temp.Sub("lake"));

        var second = await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));

        Assert.Equal(0, second.RecordsLanded);
        Assert.Equal(first.RecordsLanded + first.Duplicates, second.Duplicates);
        Assert.Equal(first.Quarantined, second.Quarantined);
        Assert.Equal(0, second.FilesWritten);
        Assert.Equal(filesBefore, LakeFiles(temp.Sub("lake")));
    }

    [Fact]
    public async Task Run_RedeliveryInALaterRun_IsADuplicate()
    {
        using var temp = Some.TempFolder();
        Generate(temp.Sub("events"), days: 1, truncated: 0);
        var objects = Directory.GetFiles(temp.Sub("events"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(temp.Sub("later"));
        // The later delivery carries the same events under another object name, as a Firehose retry would.
        File.Copy(objects[3], Path.Combine(temp.Sub("later"), "retry-object"));
        await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));

        var later = await Some.IngestAsync(temp.Sub("lake"), temp.Sub("later"));

        Assert.True(later.RecordsRead > 0);
        Assert.Equal(later.RecordsRead, later.Duplicates);
        Assert.Equal(0, later.FilesWritten);
    }

    [Fact]
    public async Task Run_KilledBeforePublishing_RerunLosesNothingAndDuplicatesNothing()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"), days: 2, truncated: 0);
        var lake = temp.Sub("lake");
        // A first run over part of the input publishes; a second dies after writing but before publishing
        // (its hidden temp files stay behind, and a published file of it is there for one partition).
        await Some.IngestAsync(lake, Directory.GetDirectories(temp.Sub("events"), "*", SearchOption.AllDirectories).First(d => d.EndsWith("02", StringComparison.Ordinal)));
        var layout = new LakeLayout(lake);
        var deadRun = new LakeWriter(layout, "20261101T000000Z-deadbeef", batchBytes: 1);
        var parsed = IngestRunner.Parse(Analytics.Ingest.Input.InputObject.FromBytes("x", File.ReadAllBytes(Directory.GetFiles(temp.Sub("events"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last()), DateTime.UtcNow), DateTime.UtcNow);
        foreach (var record in parsed.Records) await deadRun.AddAsync(record.Record.Primary!, 1, CancellationToken.None);
        await deadRun.CompleteWritesAsync();
        Assert.NotEmpty(Directory.GetFiles(lake, ".part-*.tmp", SearchOption.AllDirectories));

        var rerun = await new IngestRunner(new IngestOptions { Lake = new() { Location = lake }, Settings = new() { StaleTempMinutes = 0 }, Inputs = [temp.Sub("events")] }, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.Empty(Directory.GetFiles(lake, ".part-*.tmp", SearchOption.AllDirectories));
        Some.AssertRowsAsExpected(lake, manifest);
        Assert.True(rerun.Duplicates > manifest.Duplicates, "the records of the first run were found in the lake");
    }

    [Fact]
    public async Task Run_LakeReadsBackWithHivePartitionsAndUtcMilliseconds()
    {
        using var temp = Some.TempFolder();
        Generate(temp.Sub("events"), days: 3, truncated: 0, taskEventsPerDay: 400);
        await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));
        using var db = Some.DuckDb(temp.Sub("lake"));
        // dt is the UTC date of event_time, for every row of every table.
        foreach (var table in Analytics.Schemas.TableCatalog.All.Select(t => t.Name).Where(t => Directory.Exists(Path.Combine(temp.Sub("lake"), t))))
            Assert.Equal(0L, Some.Scalar<long>(db, $"SELECT count(*) FROM {table} WHERE dt <> strftime(event_time AT TIME ZONE 'UTC', '%Y-%m-%d')"));
        var dts = Some.Query(db, "SELECT DISTINCT dt FROM ecs_task_events ORDER BY dt").Select(r => (string)r["dt"]!).ToList();
        Assert.Equal(["2026-11-02", "2026-11-03", "2026-11-04"], dts.Take(3));
        Assert.Equal("VARCHAR", Some.Scalar<string>(db, "SELECT typeof(dt) FROM ecs_task_events LIMIT 1"));
        Assert.Equal("TIMESTAMP WITH TIME ZONE", Some.Scalar<string>(db, "SELECT typeof(event_time) FROM ecs_task_events LIMIT 1"));
        // Files are sorted by event time.
        Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, $"{temp.Sub("lake")}/ecs_task_events/*/*.parquet"));
    }

    [Fact]
    public async Task Run_ManyWritesOverDaysWithParallelParsing_EveryFileSortedAndTheSameLayoutWhateverTheParallelism()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"), days: 3, truncated: 0, taskEventsPerDay: 3000);
        Assert.True(manifest.OutOfOrderTasks > 0);

        // Rows per row group of each file, by table, partition and the file's place among the partition's files.
        async Task<(IngestSummary Summary, List<string> Layout)> RunAsync(string lake, int parallelism)
        {
            // The Firehose objects: the collector's pages beside them (collected/, read after them) are days older than the
            // newest Firehose rows by then, and each day's would start a file of its own.
            var options = new IngestOptions { Lake = new() { Location = lake }, Settings = new() { BatchMegabytes = 2, Parallelism = parallelism }, Inputs = [Path.Combine(temp.Sub("events"), "2026")] };
            var summary = await new IngestRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);
            using var db = Some.DuckDb(lake);
            var layout = Some.Query(db, $"""
                SELECT regexp_replace(file_name, 'part-[0-9]+T[0-9]+Z-[0-9a-f]+(-[0-9]+)?\.parquet$', 'part\1') AS file, row_group_id, row_group_num_rows
                FROM (SELECT DISTINCT file_name, row_group_id, row_group_num_rows FROM parquet_metadata('{lake}/*/*/*.parquet'))
                ORDER BY 1, 2
                """).Select(r => $"{((string)r["file"]!)[lake.Length..]} #{r["row_group_id"]}: {r["row_group_num_rows"]}").ToList();
            // No row of a file comes after a later one.
            foreach (var table in summary.RowsPerTable.Keys)
                Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, $"{lake}/{table}/*/*.parquet"));
            return (summary, layout);
        }

        var (one, oneLayout) = await RunAsync(temp.Sub("lake1"), parallelism: 1);
        var (four, fourLayout) = await RunAsync(temp.Sub("lake4"), parallelism: 4);

        // Many writes (a 2 MB batch), each partition's rows kept in one sorted file despite the out-of-order arrivals.
        Assert.True(oneLayout.Count > 3 * 20, $"{oneLayout.Count} row groups");
        // The hold-back is a measured estimate: a record held back longer than 1.5 times the lateness of the last
        // two batches still starts a file (this input has two such late arrivals, one table's row and its containers').
        Assert.True(one.FilesStartedForLateRows <= 2, $"{one.FilesStartedForLateRows} files started for late rows");
        Assert.Equal(oneLayout, fourLayout);
        Assert.Equal(one.RowsPerTable.OrderBy(k => k.Key), four.RowsPerTable.OrderBy(k => k.Key));
    }

    [Fact]
    public void Options_Invalid_ListsEveryError()
    {
        var errors = new IngestOptions { Lake = new() { Location = "" }, Settings = new() { BatchMegabytes = 0, Parallelism = 0 }, Inputs = ["/no/such/input"] }.Validate();
        Assert.Equal(
        [
            "--lake is required: the folder or s3://bucket/prefix/ the lake is written to.",
            "input '/no/such/input' does not exist.",
            "--batch-mb 0 must be between 1 and 4096.",
            "--parallelism 0 must be between 1 and 64.",
        ], errors);
        var ex = Assert.Throws<ArgumentException>(() => new IngestRunner(new IngestOptions { Lake = new() }, TimeProvider.System));
        Assert.Contains("--lake is required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at least one input", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Defaults_ArePinned()
    {
        var options = new IngestOptions { Lake = new() };
        Assert.Equal(24, options.Settings.BatchMegabytes);
        Assert.Equal(512, options.Settings.MaxObjectMegabytes);
        Assert.Equal(Environment.ProcessorCount, options.Settings.Parallelism);
        Assert.Equal(60, options.Settings.StaleTempMinutes);
        Assert.Equal(1_000_000, options.Settings.IndexMaxIds);
        Assert.Equal(0, options.Lake.WaitSeconds);
    }

    [Fact]
    public async Task Run_IndexForgetsPartitions_RedeliveriesStillLandOnce()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"), days: 3, truncated: 0, taskEventsPerDay: 600);
        // A limit far below one partition's ids and a tiny batch: partitions are forgotten once written and read back
        // (published files and this run's hidden files) when a redelivery or a later event touches them.
        // One object at a time, so the order (and whether a forgotten partition is touched again) is the files' order.
        var options = new IngestOptions { Lake = new() { Location = temp.Sub("lake") }, Settings = new() { IndexMaxIds = 50, BatchMegabytes = 1, Parallelism = 1 }, Inputs = [temp.Sub("events")] };
        // The first object delivered again at the end (it sorts last): days later, when its partitions are long written and forgotten.
        var first = Directory.GetFiles(temp.Sub("events"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.Copy(first, temp.Sub("events/zz-redelivered"));

        var summary = await new IngestRunner(options, TimeProvider.System).RunAsync(CancellationToken.None);

        Assert.True(summary.Balanced);
        Assert.Equal(manifest.RecordsWritten, summary.RecordsRead - summary.Duplicates + manifest.Duplicates);
        Assert.True(summary.IndexFilesRead > 0, "no partition was read back: the limit did not make the index forget");
        Some.AssertRowsAsExpected(temp.Sub("lake"), manifest);
    }

    [Fact]
    public async Task Run_RecordsTheParserAcceptsButNoFieldCanBeReadFrom_AreQuarantinedAndTheOthersLandVerbatim()
    {
        using var temp = Some.TempFolder();
        var sample = File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "task-state-change-running-fargate.json"));
        string WithId(string prefix) => sample.Insert(sample.IndexOf("\"id\": \"", StringComparison.Ordinal) + 7, prefix);
        // Non-ASCII text, and an extra field nested 100 deep (within the splitter's limit, past System.Text.Json's default of 64).
        var good = System.Text.Encoding.UTF8.GetBytes(WithId("ok-ünïcödé-").Replace("\"detail\": {", "\"detail\": {\"nested\": " + new string('[', 100) + new string(']', 100) + ",", StringComparison.Ordinal));
        // The same event with one byte that is never UTF-8 inside a field the normalizer reads (the task ARN).
        var bad = System.Text.Encoding.UTF8.GetBytes(WithId("bad-"));
        var arn = bad.AsSpan().LastIndexOf("\"taskArn\""u8); // detail.taskArn
        bad[arn + bad.AsSpan(arn).IndexOf((byte)'/')] = 0xFF;
        // And with half a surrogate pair escaped in the task ARN.
        var half = System.Text.Encoding.UTF8.GetBytes(WithId("half-").Replace("\"taskArn\": \"arn:", "\"taskArn\": \"\\ud800arn:", StringComparison.Ordinal));
        Directory.CreateDirectory(temp.Sub("events"));
        await File.WriteAllBytesAsync(Path.Combine(temp.Sub("events"), "mixed.json"), [.. bad, (byte)'\n', .. good, (byte)'\n', .. half]);

        var summary = await Some.IngestAsync(temp.Sub("lake"), temp.Sub("events"));

        Assert.Equal(3, summary.RecordsRead);
        Assert.Equal(1, summary.RecordsLanded);
        Assert.Equal(2, summary.QuarantinedByKind["malformed"]);
        Assert.Collection(summary.FirstQuarantined,
            q => Assert.Contains("not valid UTF-8", q.Reason, StringComparison.Ordinal),
            q => Assert.Contains("\\ud800 at byte", q.Reason, StringComparison.Ordinal));
        using var db = Some.DuckDb(temp.Sub("lake"));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(good).TrimEnd(), Some.Scalar<string>(db, "SELECT raw_event FROM ecs_task_events"));
    }

    [Fact]
    public async Task Run_LakeInsideTheInputFolder_IsNeverReadAsInput()
    {
        using var temp = Some.TempFolder();
        var manifest = Generate(temp.Sub("events"), days: 1, truncated: 0, taskEventsPerDay: 200);
        var lake = Path.Combine(temp.Sub("events"), "lake");

        var first = await Some.IngestAsync(lake, temp.Sub("events"));
        var second = await Some.IngestAsync(lake, temp.Sub("events"));

        Assert.Equal(manifest.RecordsWritten, first.RecordsRead);
        Assert.Equal(first.ObjectsRead, second.ObjectsRead);
        Assert.Equal(first.RecordsRead, second.RecordsRead);
        Assert.Equal(0, second.Quarantined);
        Assert.Equal(0, second.RecordsLanded);
    }

    [Fact]
    public async Task Run_RerunOverFilesOfManyRowGroups_FindsEveryIdInEveryRowGroup()
    {
        using var temp = Some.TempFolder();
        Generate(temp.Sub("events"), days: 2, truncated: 0);
        // A 1 MiB batch: each partition's file gets a row group per flush.
        Task<IngestSummary> IngestAsync() => new IngestRunner(new IngestOptions { Lake = new() { Location = temp.Sub("lake") }, Settings = new() { BatchMegabytes = 1 }, Inputs = [temp.Sub("events")] }, TimeProvider.System).RunAsync(CancellationToken.None);
        var first = await IngestAsync();
        using (var db = Some.DuckDb(temp.Sub("lake")))
            Assert.True(Some.Scalar<long>(db, $"SELECT max(row_group_id) FROM parquet_metadata('{temp.Sub("lake")}/ecs_task_events/*/*.parquet')") >= 3);

        var second = await IngestAsync();

        Assert.Equal(0, second.RecordsLanded);
        Assert.Equal(first.RecordsLanded + first.Duplicates, second.Duplicates);
    }

    private static List<string> LakeFiles(string lake) =>
        Directory.GetFiles(lake, "*", SearchOption.AllDirectories).Select(f => $"{Path.GetRelativePath(lake, f)}:{new FileInfo(f).Length}").Order(StringComparer.Ordinal).ToList();
}
