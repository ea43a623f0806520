using System.Text.Json;
using Analytics.Ingest.Lake;
using Analytics.Schemas;

namespace Analytics.Tests.Ingest.Lake;

public sealed class CompactorTests
{
    private static readonly string Day = Path.Combine(Some.RepoRoot, "samples", "generated", "2026", "11", "02");

    // One ingest run per hour of the bundled generated day: many small files per partition, as hourly runs leave them.
    private static async Task<string> HourlyLakeAsync(TempFolder temp)
    {
        foreach (var hour in Directory.GetDirectories(Day).Order(StringComparer.Ordinal))
            await Some.IngestAsync(temp.Sub("lake"), hour);
        return temp.Sub("lake");
    }

    private static Dictionary<string, long> Snapshot(string lake)
    {
        using var db = Some.DuckDb(lake);
        return TableCatalog.All.Where(t => Directory.Exists(Path.Combine(lake, t.Name))).ToDictionary(t => t.Name, t =>
            Some.Scalar<long>(db, $"SELECT count(*) FROM {t.Name}"));
    }

    // Rows of either set of Parquet files (globs) that the other lacks, every column compared: 0 when both hold the same rows.
    private static long RowsDifferingBothWays(DuckDB.NET.Data.DuckDBConnection db, string before, string after, bool hive = false)
    {
        var options = hive ? ", hive_partitioning = true" : "";
        return Some.Scalar<long>(db, $"""
            SELECT count(*) FROM (
              (SELECT * FROM read_parquet('{before}'{options}) EXCEPT ALL SELECT * FROM read_parquet('{after}'{options}))
              UNION ALL
              (SELECT * FROM read_parquet('{after}'{options}) EXCEPT ALL SELECT * FROM read_parquet('{before}'{options})))
            """);
    }

    private static void CopyTable(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*.parquet", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public async Task Run_ManySmallFiles_OneFilePerPartitionWithExactlyTheSameRows()
    {
        using var temp = Some.TempFolder();
        var lake = await HourlyLakeAsync(temp);
        CopyTable(lake, temp.Sub("before"));
        var filesBefore = Directory.GetFiles(lake, "*.parquet", SearchOption.AllDirectories).Length;

        var log = new ListLogger();
        var summary = await new Compactor(new LakeLayout(lake), TimeProvider.System) { Logger = log, ProgressEvery = TimeSpan.Zero }
            .RunAsync([], 128L << 20, CancellationToken.None);
        var progress = log.Lines;

        var partitions = Directory.GetDirectories(lake, "dt=*", SearchOption.AllDirectories);
        Assert.All(partitions, p => Assert.Single(Directory.GetFiles(p, "*.parquet")));
        // A line per partition here (every 3 s by default), the last one the whole count.
        Assert.Equal(partitions.Length, progress.Count);
        Assert.StartsWith($"… {partitions.Length}/{partitions.Length} partitions (at ", progress[^1], StringComparison.Ordinal);
        Assert.Contains($"), {summary.FilesMerged:N0} files merged into {summary.FilesWritten:N0}, ", progress[^1], StringComparison.Ordinal);
        Assert.Equal(filesBefore, summary.FilesMerged + partitions.Length - summary.FilesWritten);
        Assert.True(summary.FilesMerged > partitions.Length);
        Assert.Equal(Snapshot(temp.Sub("before")), Snapshot(lake));
        using var db = Some.DuckDb(lake);
        foreach (var table in Directory.GetDirectories(lake).Select(Path.GetFileName).Where(n => !n!.StartsWith('_')))
        {
            var before = Path.Combine(temp.Sub("before"), table!).Replace("'", "''", StringComparison.Ordinal);
            var after = Path.Combine(lake, table!).Replace("'", "''", StringComparison.Ordinal);
            // Every row, every column, both ways: nothing lost, nothing added, nothing changed.
            Assert.Equal(0L, RowsDifferingBothWays(db, $"{before}/*/*.parquet", $"{after}/*/*.parquet", hive: true));
        }
    }

    [Fact]
    public async Task Run_MergedFile_KeepsTheContractTypesAndReadsInTimeOrder()
    {
        using var temp = Some.TempFolder();
        var lake = await HourlyLakeAsync(temp);
        await new Compactor(new LakeLayout(lake), TimeProvider.System).RunAsync(["ecs_task_events"], 128L << 20, CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(lake, "ecs_task_events", "dt=2026-11-02"), "*.parquet"));
        using var db = Some.DuckDb(lake);
        var types = Some.Query(db, $"SELECT name, type, logical_type FROM parquet_schema('{file}') WHERE name = 'event_time'").Single();
        Assert.Equal("INT64", types["type"]);
        Assert.Contains("isAdjustedToUTC=1", (string)types["logical_type"]!, StringComparison.Ordinal);
        Assert.Contains("MILLIS=MilliSeconds()", (string)types["logical_type"]!, StringComparison.Ordinal);
        // Row groups follow each other in time: each starts no earlier than the one before.
        var starts = Some.Query(db, $"SELECT stats_min_value FROM parquet_metadata('{file}') WHERE path_in_schema = 'event_time' ORDER BY row_group_id")
            .Select(r => (string)r["stats_min_value"]!).ToList();
        // (A day of the bundled sample fits one 8 MB output row group; more would follow each other.)
        Assert.NotEmpty(starts);
        Assert.Equal(starts.Order(StringComparer.Ordinal), starts);
        // And so do the rows.
        Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, file));
    }

    // One run of the lake writer per list of event times (minutes after midnight of 2 Nov), each writing a row group per 50 rows.
    private static async Task<string> LakeOfRunsAsync(TempFolder temp, params IEnumerable<int>[] runs)
    {
        var layout = new LakeLayout(temp.Sub("lake"));
        for (var r = 0; r < runs.Length; r++)
        {
            await using var writer = new LakeWriter(layout, $"run{r}", batchBytes: 50);
            foreach (var minute in runs[r])
                Assert.True(await writer.AddAsync(new Analytics.Schemas.Tables.EventBridge.EventBridgeEvent
                {
                    RecordId = $"{r}-{minute}", EventTime = new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc).AddMinutes(minute),
                    Source = "test", DetailType = "t", RawEvent = $"{{\"run\":{r},\"minute\":{minute}}}", SourceObject = $"object-{r}",
                }, 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
        }
        return layout.Root;
    }

    [Fact]
    public async Task Run_OverlappingFilesWithLargeRowGroups_MergedTwoAtATimeIntoOneSortedFile()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Sub("lake"));
        // Three runs over the same hour, each one row group of about 10 MB: a merge holds 24 MB of them at most.
        for (var r = 0; r < 3; r++)
        {
            await using var writer = new LakeWriter(layout, $"run{r}", batchBytes: long.MaxValue);
            for (var i = 0; i < 1000; i++)
                Assert.True(await writer.AddAsync(new Analytics.Schemas.Tables.EventBridge.EventBridgeEvent
                {
                    RecordId = $"{r}-{i}", EventTime = new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc).AddSeconds(i * 3 + r),
                    Source = "test", DetailType = "t", RawEvent = $"{{\"r\":{r},\"i\":{i},\"pad\":\"{Guid.NewGuid():N}{new string('x', 10_000)}\"}}",
                }, 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
        }
        CopyTable(layout.Root, temp.Sub("before"));

        var summary = await new Compactor(layout, TimeProvider.System).RunAsync([], 128L << 20, CancellationToken.None);

        Assert.Equal((3, 1, 2), (summary.FilesMerged, summary.FilesWritten, summary.Merges));
        var file = Assert.Single(Directory.GetFiles(Path.Combine(layout.Root, "eventbridge_events", "dt=2026-11-02"), "*.parquet"));
        using var db = Some.DuckDb(layout.Root);
        Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, file));
        Assert.Equal(3000L, Some.Scalar<long>(db, $"SELECT count(DISTINCT record_id) FROM read_parquet('{file}')"));
        Assert.Equal(0L, RowsDifferingBothWays(db, $"{temp.Sub("before")}/*/*/*.parquet", file));
    }

    [Fact]
    public async Task Run_OverlappingFilesWithListsAndMaps_InterleavedWithEveryValueAndLevelKept()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Sub("lake"));
        var t0 = new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);
        // Two runs over the same minutes, rows with null, empty and longer lists of structs, and maps with null values.
        for (var r = 0; r < 2; r++)
        {
            await using var writer = new LakeWriter(layout, $"run{r}", batchBytes: 40);
            for (var i = 0; i < 300; i++)
            {
                var time = t0.AddSeconds(i * 2 + r);
                var task = new Analytics.Schemas.Tables.Ecs.EcsTaskEvent
                {
                    RecordId = $"{r}-{i}", EventTime = time, TaskArn = $"arn:task/{r}/{i}", TaskVersion = i, StoppedAt = i % 3 == 0 ? null : time,
                    Containers = (i % 5) switch
                    {
                        0 => null,
                        1 => [],
                        2 => [new Analytics.Schemas.Tables.Ecs.EcsContainer()],
                        _ => Enumerable.Range(0, i % 5).Select(k => new Analytics.Schemas.Tables.Ecs.EcsContainer { Name = $"c{k}", ExitCode = k == 0 ? null : k, Reason = k == 1 ? "OutOfMemoryError" : null }).ToList(),
                    },
                };
                task.SetRawEventUtf8(System.Text.Encoding.UTF8.GetBytes($"{{\"r\":{r},\"i\":{i},\"s\":\"ñ-支付\"}}"));
                Assert.True(await writer.AddAsync(task, 1, CancellationToken.None));
                Assert.True(await writer.AddAsync(new Analytics.Schemas.Tables.Health.HealthAffectedEntity
                {
                    RecordId = $"{r}-{i}", EventTime = time, EventArn = $"arn:{i}", EntityValue = $"i-{i}",
                    Tags = (i % 4) switch { 0 => null, 1 => [], 2 => new() { ["team"] = "pagos", ["empty"] = null! }, _ => new() { [$"k{i}"] = $"v{i}" } },
                }, 1, CancellationToken.None));
            }
            await writer.PublishAsync(CancellationToken.None);
        }
        CopyTable(layout.Root, temp.Sub("before"));

        var summary = await new Compactor(layout, TimeProvider.System).RunAsync([], 128L << 20, CancellationToken.None);

        Assert.Equal((4, 2), (summary.FilesMerged, summary.FilesWritten));
        using var db = Some.DuckDb(layout.Root);
        foreach (var table in new[] { "ecs_task_events", "health_affected_entities" })
        {
            var before = Directory.GetFiles(Path.Combine(temp.Sub("before"), table), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            var after = Assert.Single(Directory.GetFiles(Path.Combine(layout.Root, table), "*.parquet", SearchOption.AllDirectories));
            Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, after));
            Assert.Equal(0L, RowsDifferingBothWays(db, $"{temp.Sub("before")}/{table}/*/*.parquet", after));
            // The levels themselves, row by row in time order: readers differ in how they take some levels.
            Assert.Equal(await LevelsByRowAsync(before), await LevelsByRowAsync([after]));
        }
    }

    // Each row's event time, record id and definition and repetition levels of every column, sorted by time then record id.
    private static async Task<List<string>> LevelsByRowAsync(List<string> files)
    {
        var rows = new List<(DateTime Time, string Id, string Levels)>();
        foreach (var path in files)
        {
            await using var stream = File.OpenRead(path);
            await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
            var fields = reader.Schema.GetDataFields();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var perRow = Enumerable.Range(0, (int)group.RowCount).Select(_ => new System.Text.StringBuilder()).ToList();
                var (times, ids) = (new DateTime[group.RowCount], new string[group.RowCount]);
                foreach (var field in fields)
                {
                    using var raw = await group.ReadRawColumnDataBaseAsync(field);
                    if (field.Name == "event_time") times = ((Parquet.Data.RawColumnData<DateTime>)raw).Values.ToArray();
                    if (field.Name == "record_id") ids = ((Parquet.Data.RawColumnData<ReadOnlyMemory<char>>)raw).Values.ToArray().Select(v => v.ToString()).ToArray();
                    if (field.MaxDefinitionLevel == 0) continue;
                    var definitions = raw.DefinitionLevels.ToArray();
                    var repetitions = field.MaxRepetitionLevel > 0 ? raw.RepetitionLevels.ToArray() : null;
                    var row = -1;
                    for (var i = 0; i < definitions.Length; i++)
                    {
                        if (repetitions is null || repetitions[i] == 0) perRow[++row].Append(System.Globalization.CultureInfo.InvariantCulture, $" {field.Name}:");
                        perRow[row].Append(System.Globalization.CultureInfo.InvariantCulture, $"{definitions[i]}/{repetitions?[i] ?? 0},");
                    }
                }
                for (var r = 0; r < perRow.Count; r++) rows.Add((times[r], ids[r], perRow[r].ToString()));
            }
        }
        return rows.OrderBy(r => r.Time).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => $"{r.Id}{r.Levels}").ToList();
    }

    [Fact]
    public async Task Run_FilesThatFollowEachOtherInTime_RowGroupsCopiedAsTheyWere()
    {
        using var temp = Some.TempFolder();
        var lake = await LakeOfRunsAsync(temp, Enumerable.Range(0, 200), Enumerable.Range(300, 200), Enumerable.Range(600, 100));
        CopyTable(lake, temp.Sub("before"));

        var summary = await new Compactor(new LakeLayout(lake), TimeProvider.System).RunAsync([], 128L << 20, CancellationToken.None);

        Assert.Equal((3, 1), (summary.FilesMerged, summary.FilesWritten));
        var file = Assert.Single(Directory.GetFiles(Path.Combine(lake, "eventbridge_events", "dt=2026-11-02"), "*.parquet"));
        using var db = Some.DuckDb(lake);
        // The inputs' row groups, not rows written anew.
        Assert.Equal(Some.Scalar<long>(db, $"SELECT count(DISTINCT (file_name, row_group_id)) FROM parquet_metadata('{temp.Sub("before")}/*/*/*.parquet')"),
            Some.Scalar<long>(db, $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{file}')"));
        Assert.Equal(500L, Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{file}')"));
        Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, file));
    }

    [Fact]
    public async Task Run_FilesThatOverlapInTime_RowsInterleavedIntoOneSortedFileWithTheSameRows()
    {
        using var temp = Some.TempFolder();
        // Three runs over the same hours (even minutes, odd minutes, a late stretch), and 20 more small runs after
        // them: more sorted stretches than one merge takes, so the output of the first merge is merged again.
        var runs = new List<IEnumerable<int>> { Enumerable.Range(0, 150).Select(i => i * 2), Enumerable.Range(0, 150).Select(i => i * 2 + 1), Enumerable.Range(100, 20) };
        runs.AddRange(Enumerable.Range(0, 20).Select(r => Enumerable.Range(400 + r * 5, 7).Select(m => m * 1)));
        var lake = await LakeOfRunsAsync(temp, [.. runs]);
        CopyTable(lake, temp.Sub("before"));
        var filesBefore = Directory.GetFiles(lake, "*.parquet", SearchOption.AllDirectories).Length;
        Assert.Equal(23, filesBefore);

        var summary = await new Compactor(new LakeLayout(lake), TimeProvider.System).RunAsync([], 128L << 20, CancellationToken.None);

        Assert.Equal((23, 1), (summary.FilesMerged, summary.FilesWritten));
        // Eight sorted stretches a merge: 23 files take three merges of eight or fewer, then one of their outputs.
        Assert.Equal(4, summary.Merges);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(lake, "eventbridge_events", "dt=2026-11-02"), "*.parquet"));
        using var db = Some.DuckDb(lake);
        Assert.Equal(0L, Some.RowsOutOfTimeOrder(db, file));
        Assert.Equal(0L, RowsDifferingBothWays(db, $"{temp.Sub("before")}/*/*/*.parquet", file));
        Assert.Equal(Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{temp.Sub("before")}/*/*/*.parquet')"), summary.Rows);
        var types = Some.Query(db, $"SELECT logical_type FROM parquet_schema('{file}') WHERE name = 'event_time'").Single();
        Assert.Contains("MILLIS=MilliSeconds()", (string)types["logical_type"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Again_ChangesNothing()
    {
        using var temp = Some.TempFolder();
        var lake = await HourlyLakeAsync(temp);
        var compactor = new Compactor(new LakeLayout(lake), TimeProvider.System);
        await compactor.RunAsync([], 128L << 20, CancellationToken.None);
        var files = Directory.GetFiles(lake, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var again = await compactor.RunAsync([], 128L << 20, CancellationToken.None);

        Assert.Equal(0, again.FilesMerged);
        Assert.Equal(files, Directory.GetFiles(lake, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_FilesOfHalfTheTargetOrMore_AreLeftAlone()
    {
        using var temp = Some.TempFolder();
        var lake = await HourlyLakeAsync(temp);
        var smallest = Directory.GetFiles(lake, "*.parquet", SearchOption.AllDirectories).Min(f => new FileInfo(f).Length);

        var summary = await new Compactor(new LakeLayout(lake), TimeProvider.System).RunAsync([], smallest * 2, CancellationToken.None);

        Assert.Equal(0, summary.FilesMerged);
    }

    [Fact]
    public async Task Recover_MergePublishedButInputsNotDeleted_DeletesTheInputs()
    {
        using var temp = Some.TempFolder();
        var lake = await HourlyLakeAsync(temp);
        var partition = Path.Combine(lake, "ecs_task_events", "dt=2026-11-02");
        var inputs = Directory.GetFiles(partition, "*.parquet").Order(StringComparer.Ordinal).ToList();
        var expected = Snapshot(lake)["ecs_task_events"];
        // A run that died right after publishing its merge: the merged file and its inputs are both there.
        var compactor = new Compactor(new LakeLayout(lake), TimeProvider.System);
        CopyTable(lake, temp.Sub("merged-elsewhere"));
        await new Compactor(new LakeLayout(temp.Sub("merged-elsewhere")), TimeProvider.System).RunAsync(["ecs_task_events"], 128L << 20, CancellationToken.None);
        var merged = Path.Combine(partition, "part-compacted-dead.parquet");
        File.Copy(Assert.Single(Directory.GetFiles(Path.Combine(temp.Sub("merged-elsewhere"), "ecs_task_events", "dt=2026-11-02"), "*.parquet")), merged);
        Directory.CreateDirectory(Path.Combine(lake, "_compaction"));
        File.WriteAllText(Path.Combine(lake, "_compaction", "dead.json"), JsonSerializer.Serialize(new { Output = merged, Temp = merged + ".tmp", Inputs = inputs }));
        Assert.Equal(2 * expected, Snapshot(lake)["ecs_task_events"]);

        Assert.Equal(1, await compactor.RecoverAsync(CancellationToken.None));

        Assert.Equal([merged], Directory.GetFiles(partition, "*.parquet"));
        Assert.Equal(expected, Snapshot(lake)["ecs_task_events"]);
        Assert.Empty(Directory.GetFiles(Path.Combine(lake, "_compaction")));
    }

    [Fact]
    public async Task Recover_MergeNotPublished_KeepsTheInputsAndDropsTheTemp()
    {
        using var temp = Some.TempFolder();
        var lake = await HourlyLakeAsync(temp);
        var partition = Path.Combine(lake, "ecs_task_events", "dt=2026-11-02");
        var inputs = Directory.GetFiles(partition, "*.parquet").Order(StringComparer.Ordinal).ToList();
        var tempFile = Path.Combine(partition, ".part-compacted-dead.parquet.tmp");
        File.WriteAllText(tempFile, "half a file");
        Directory.CreateDirectory(Path.Combine(lake, "_compaction"));
        File.WriteAllText(Path.Combine(lake, "_compaction", "dead.json"),
            JsonSerializer.Serialize(new { Output = Path.Combine(partition, "part-compacted-dead.parquet"), Temp = tempFile, Inputs = inputs }));

        Assert.Equal(1, await new Compactor(new LakeLayout(lake), TimeProvider.System).RecoverAsync(CancellationToken.None));

        Assert.False(File.Exists(tempFile));
        Assert.Equal(inputs, Directory.GetFiles(partition, "*.parquet").Order(StringComparer.Ordinal));
    }
}
