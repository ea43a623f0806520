using Analytics.Ingest.Lake;
using Analytics.Schemas.Tables.EventBridge;

namespace Analytics.Tests.Ingest.Lake;

public sealed class LakeWriterTests
{
    private static EventBridgeEvent Row(string id, int day) => new()
    {
        RecordId = id, EventTime = new DateTime(2026, 11, day, 12, 0, 0, DateTimeKind.Utc), Source = "test", DetailType = "t", RawEvent = "{}",
    };

    [Fact]
    public async Task AddAsync_PartitionForgottenByTheIndex_IsReadBackFromThisRunsHiddenFile()
    {
        using var temp = Some.TempFolder();
        // One id held at most and a flush after every row: day 2's partition is forgotten once day 3 arrives.
        await using var writer = new LakeWriter(new LakeLayout(temp.Path), "run1", batchBytes: 1, maxIndexIds: 1);
        Assert.True(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));
        Assert.True(await writer.AddAsync(Row("b", 3), 1, CancellationToken.None));
        Assert.True(await writer.AddAsync(Row("c", 3), 1, CancellationToken.None));
        Assert.Equal(1, writer.IndexPartitionsForgotten);
        var readsBefore = writer.IndexFilesRead;

        Assert.False(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));

        Assert.Equal(readsBefore + 1, writer.IndexFilesRead);
        await writer.PublishAsync(CancellationToken.None);
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(3L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
    }

    [Fact]
    public async Task AddAsync_MorePartitionsThanOpenFiles_ClosedFilesReopenAndAppend()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        // A write after every row and two files open at most: days 2, 3, 4 in turn close and reopen each other's files.
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 1, maxOpenFiles: 2))
        {
            for (var i = 0; i < 12; i++) Assert.True(await writer.AddAsync(Row($"r{i}", 2 + i % 3), 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
        }
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(12L, Some.Scalar<long>(db, "SELECT count(DISTINCT record_id) FROM eventbridge_events"));
        foreach (var day in new[] { 2, 3, 4 })
        {
            var file = layout.DataFile("eventbridge_events", $"2026-11-0{day}", "run1");
            // Four rows, each its own row group, in one file per partition.
            Assert.Equal(4L, Some.Scalar<long>(db, $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{file}')"));
            Assert.Equal(4L, Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{file}')"));
        }
    }

    [Fact]
    public async Task AddAsync_FileFullOfRowGroups_NextRowGroupsGoToTheNextFileAndAllArePublished()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        // A write after every row, three row groups per file at most, and the index forgets day 2 when day 3
        // arrives: redeliveries of day 2's rows must be found in every one of its files, finished or not.
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 1, maxIndexIds: 1, maxRowGroupsPerFile: 3))
        {
            for (var i = 0; i < 8; i++) Assert.True(await writer.AddAsync(Row($"r{i}", 2), 1, CancellationToken.None));
            Assert.True(await writer.AddAsync(Row("other", 3), 1, CancellationToken.None));
            Assert.Equal(1, writer.IndexPartitionsForgotten);
            for (var i = 0; i < 8; i++) Assert.False(await writer.AddAsync(Row($"r{i}", 2), 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
            Assert.Equal(4, writer.FilesPublished);
        }

        Assert.Equal(["part-run1-1.parquet", "part-run1-2.parquet", "part-run1.parquet"],
            (await layout.PublishedFilesAsync("eventbridge_events", "2026-11-02", CancellationToken.None)).Select(o => Path.GetFileName(o.Key)).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(temp.Path, ".part-*", SearchOption.AllDirectories));
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(9L, Some.Scalar<long>(db, "SELECT count(DISTINCT record_id) FROM eventbridge_events"));
        Assert.Equal(9L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
        Assert.Equal(3L, Some.Scalar<long>(db, $"SELECT max(row_group_id) + 1 FROM parquet_metadata('{layout.DataFile("eventbridge_events", "2026-11-02", "run1")}')"));
    }

    [Fact]
    public async Task AddAsync_PartitionWithBufferedRows_IsNeverForgotten()
    {
        using var temp = Some.TempFolder();
        await using var writer = new LakeWriter(new LakeLayout(temp.Path), "run1", batchBytes: long.MaxValue, maxIndexIds: 1);
        Assert.True(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));
        Assert.True(await writer.AddAsync(Row("b", 3), 1, CancellationToken.None));
        await writer.FlushAsync(CancellationToken.None);
        // Both partitions had buffered rows at the flush: nothing was forgotten, and both ids are still known.
        Assert.Equal(0, writer.IndexPartitionsForgotten);
        Assert.False(await writer.AddAsync(Row("a", 2), 1, CancellationToken.None));
        Assert.False(await writer.AddAsync(Row("b", 3), 1, CancellationToken.None));
    }

    private static EventBridgeEvent RowAt(string id, DateTime time) => new()
    {
        RecordId = id, EventTime = time, Source = "test", DetailType = "t", RawEvent = "{}",
    };

    private static long RowsOutOfTimeOrder(string lake)
    {
        using var db = Some.DuckDb(lake);
        return Some.RowsOutOfTimeOrder(db, $"{lake}/eventbridge_events/*/*.parquet");
    }

    [Fact]
    public async Task AddAsync_RowsArrivingUpToMinutesLate_OneFileSortedByTimeOverManyWrites()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        var t0 = new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 60))
        {
            // A row every 10 s; every seventh arrives 3 minutes late, overtaken by the 18 rows after it.
            for (var i = 0; i < 2000; i++)
                Assert.True(await writer.AddAsync(RowAt($"r{i}", t0.AddSeconds(i * 10 - (i % 7 == 0 ? 180 : 0))), 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
            // The writes kept back the rows a late one could still precede: no file had to be started for one.
            Assert.Equal(0, writer.FilesStartedForLateRows);
            Assert.Equal(1, writer.FilesPublished);
        }

        var file = layout.DataFile("eventbridge_events", "2026-11-02", "run1");
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(2000L, Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{file}')"));
        Assert.True(Some.Scalar<long>(db, $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{file}')") > 20, "a row group per write");
        Assert.Equal(0L, RowsOutOfTimeOrder(temp.Path));
    }

    [Fact]
    public async Task AddAsync_LatenessSpanningMoreThanABatch_RowGroupsStayAboutThreeQuartersOfABatch()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        var t0 = new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 100))
        {
            // A row a second, every seventh 100 s late: the rows kept back for order (150) are more than a batch.
            for (var i = 0; i < 5000; i++)
                Assert.True(await writer.AddAsync(RowAt($"r{i}", t0.AddSeconds(i - (i % 7 == 0 ? 100 : 0))), 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
            Assert.Equal(0, writer.FilesStartedForLateRows);
        }

        var file = layout.DataFile("eventbridge_events", "2026-11-02", "run1");
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(5000L, Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{file}')"));
        // Each write takes about three quarters of a batch (75 rows); the last one takes what is left.
        Assert.InRange(Some.Scalar<double>(db, $"SELECT median(row_group_num_rows) FROM (SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('{file}'))"), 70, 80);
        Assert.Equal(0L, RowsOutOfTimeOrder(temp.Path));
    }

    [Fact]
    public async Task AddAsync_RowOlderThanItsPartitionsFile_StartsTheNextFileAndEachFileIsSorted()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        var t0 = new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc);
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 10))
        {
            for (var i = 0; i < 100; i++) Assert.True(await writer.AddAsync(RowAt($"r{i}", t0.AddMinutes(i)), 1, CancellationToken.None));
            // Hours after its partition's file passed it: no write could have waited for it.
            Assert.True(await writer.AddAsync(RowAt("late", t0.AddMinutes(-30)), 1, CancellationToken.None));
            Assert.True(await writer.AddAsync(RowAt("later", t0.AddMinutes(100)), 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
            Assert.Equal(1, writer.FilesStartedForLateRows);
            Assert.Equal(2, writer.FilesPublished);
        }

        Assert.Equal(["part-run1-1.parquet", "part-run1.parquet"],
            (await layout.PublishedFilesAsync("eventbridge_events", "2026-11-02", CancellationToken.None)).Select(o => Path.GetFileName(o.Key)).Order(StringComparer.Ordinal));
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(102L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
        Assert.Equal(0L, RowsOutOfTimeOrder(temp.Path));
        Assert.Equal(t0.AddMinutes(-30), Some.Scalar<DateTime>(db, $"SELECT min(event_time)::TIMESTAMP FROM read_parquet('{layout.DataFile("eventbridge_events", "2026-11-02", "run1-1")}')"));
    }

    [Fact]
    public async Task AddAsync_ManyPartitionsLateRowsAndSmallBatches_EveryFileReadsBackWholeAndSorted()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        var random = new Random(7);
        var t0 = new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);
        var rows = 0;
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 200, maxOpenFiles: 3))
        {
            // Four days in turn, rows a minute apart, one in ten up to two hours late, one in a hundred a day late:
            // writes keep rows back, force some out when the batch stays full, and start files for late rows.
            for (var i = 0; i < 6000; i++)
            {
                var time = t0.AddMinutes(i) - (random.Next(10) == 0 ? TimeSpan.FromMinutes(random.Next(120)) : TimeSpan.Zero)
                    - (random.Next(100) == 0 ? TimeSpan.FromDays(1) : TimeSpan.Zero);
                if (time < t0) continue;
                var row = RowAt($"r{i}", time);
                row.RawEvent = $"{{\"i\":{i},\"pad\":\"{random.NextInt64():x16}{new string('x', 2000)}\"}}";
                Assert.True(await writer.AddAsync(row, 1 + random.Next(3), CancellationToken.None));
                rows++;
            }
            await writer.PublishAsync(CancellationToken.None);
            Assert.True(writer.FilesStartedForLateRows > 0);
        }

        var files = Directory.GetFiles(temp.Path, "*.parquet", SearchOption.AllDirectories);
        var read = 0L;
        foreach (var file in files)
        {
            // Every column of every row group, through Parquet.Net's reader.
            await using var stream = File.OpenRead(file);
            await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                foreach (var field in reader.Schema.GetDataFields())
                {
                    using var column = await group.ReadRawColumnDataBaseAsync(field);
                }
                read += group.RowCount;
            }
        }
        Assert.Equal(rows, read);
        Assert.Equal(0L, RowsOutOfTimeOrder(temp.Path));
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal((long)rows, Some.Scalar<long>(db, "SELECT count(DISTINCT record_id) FROM eventbridge_events"));
    }

    [Fact]
    public async Task AddAsync_RowsTwoThousandYearsApart_AllWrittenEachFileSorted()
    {
        using var temp = Some.TempFolder();
        var times = new[] { new DateTime(2026, 11, 2, 1, 0, 0, DateTimeKind.Utc), DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc) };
        await using (var writer = new LakeWriter(new LakeLayout(temp.Path), "run1", batchBytes: 5))
        {
            for (var i = 0; i < 60; i++) Assert.True(await writer.AddAsync(RowAt($"r{i}", times[i % 3].AddMinutes(i % 3 == 2 ? -i : i)), 1, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
        }
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(60L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
        Assert.Equal(0L, RowsOutOfTimeOrder(temp.Path));
    }

    [Fact]
    public async Task DisposeAsync_WithoutPublishing_DeletesTheRunsHiddenFilesAndLeavesPublishedOnes()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        await using (var earlier = new LakeWriter(layout, "run0", batchBytes: 1))
        {
            Assert.True(await earlier.AddAsync(Row("published", 2), 1, CancellationToken.None));
            await earlier.PublishAsync(CancellationToken.None);
        }
        await using (var writer = new LakeWriter(layout, "run1", batchBytes: 1, maxRowGroupsPerFile: 1))
        {
            // Written to hidden files (two for day 2: one row group each), then the run stops without publishing.
            foreach (var (id, day) in new[] { ("a", 2), ("b", 2), ("c", 3) })
                Assert.True(await writer.AddAsync(Row(id, day), 1, CancellationToken.None));
            await writer.CompleteWritesAsync();
            Assert.NotEmpty(Directory.GetFiles(temp.Path, ".part-run1*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
        }

        Assert.Empty(Directory.GetFiles(temp.Path, ".part-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
        Assert.Equal([layout.DataFile("eventbridge_events", "2026-11-02", "run0")], Directory.GetFiles(temp.Path, "*.parquet", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AddAsync_BatchFull_WritesTheLargestPartitionsAndKeepsSmallOnesForLater()
    {
        using var temp = Some.TempFolder();
        var layout = new LakeLayout(temp.Path);
        await using var writer = new LakeWriter(layout, "run1", batchBytes: 100);
        Assert.True(await writer.AddAsync(Row("small", 2), 5, CancellationToken.None));
        for (var i = 0; i < 3; i++) Assert.True(await writer.AddAsync(Row($"big{i}", 3), 40, CancellationToken.None));
        await writer.CompleteWritesAsync();

        // 125 bytes buffered: the 120-byte partition is written, the 5-byte one waits (under a quarter of the batch).
        Assert.True(File.Exists(layout.TempFile("eventbridge_events", "2026-11-03", "run1")));
        Assert.False(File.Exists(layout.TempFile("eventbridge_events", "2026-11-02", "run1")));

        await writer.PublishAsync(CancellationToken.None);
        using var db = Some.DuckDb(temp.Path);
        Assert.Equal(4L, Some.Scalar<long>(db, "SELECT count(*) FROM eventbridge_events"));
    }
}

public sealed class ColumnarRowWriterTests
{
    private static readonly DateTime T0 = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);

    private static T Stamp<T>(T row, int i) where T : Analytics.Schemas.LakeRow
    {
        row.EventTime = T0.AddMilliseconds(i * 7919L);
        row.RecordId = $"r{i}";
        row.EventId = i % 3 == 0 ? null : $"e{i}";
        row.AccountId = "123456789012";
        row.Region = "us-east-1";
        row.SourceObject = "s";
        row.IngestedAt = new DateTime(2026, 11, 26, 1, 2, 3, 456, DateTimeKind.Utc);
        return row;
    }

    [Fact]
    public void Supported_EveryTableOfTheContract()
    {
        foreach (var table in Analytics.Schemas.TableCatalog.All)
            Assert.True((bool)typeof(ColumnarRowWriter<>).MakeGenericType(table.RowType).GetProperty("Supported")!.GetValue(null)!, table.Name);
        Assert.True(ColumnarRowWriter<Analytics.Schemas.Tables.Ecs.EcsContainerState>.Supported);
        Assert.True(ColumnarRowWriter<Analytics.Schemas.Tables.Ecs.EcsTaskEvent>.Supported);
        Assert.True(ColumnarRowWriter<Analytics.Schemas.Tables.Ecs.EcsServiceAction>.Supported);
        Assert.True(ColumnarRowWriter<Analytics.Schemas.Tables.Health.HealthAffectedEntity>.Supported);
    }

    [Fact]
    public Task WriteAsync_MapsOfStrings_SameFileAsTheClassSerializer() => AssertSameAsSerializerAsync(Enumerable.Range(0, 300).Select(i => Stamp(new Analytics.Schemas.Tables.Health.HealthAffectedEntity
    {
        EventArn = $"arn:{i}", EntityValue = i % 5 == 0 ? "" : $"i-{i}", EntityArn = i % 4 == 0 ? null : $"arn:e{i}",
        // Null, empty, one entry, several, a null value, unicode.
        Tags = (i % 6) switch
        {
            0 => null,
            1 => [],
            2 => new() { ["team"] = "pagos-ñ-支付" },
            3 => new() { ["a"] = "1", ["b"] = null!, ["c"] = "" },
            _ => Enumerable.Range(0, i % 6).ToDictionary(k => $"k{k}", k => $"v{i}-{k}"),
        },
    }, i)).ToList());

    [Fact]
    public Task WriteAsync_FlatRows_SameFileAsTheClassSerializer() => AssertSameAsSerializerAsync(Enumerable.Range(0, 500).Select(i => Stamp(new Analytics.Schemas.Tables.Ecs.EcsContainerState
    {
        ClusterName = i % 5 == 0 ? null : "prod", ServiceName = i % 7 == 0 ? "" : "pagos-ñ-支付", TaskArn = $"arn:{i}", TaskId = $"{i}",
        TaskVersion = i, TaskRevision = i % 4 == 0 ? null : -i, ContainerName = "app", Image = null, LastStatus = "STOPPED",
        ExitCode = i % 2 == 0 ? null : 137, Reason = i % 11 == 0 ? "OutOfMemoryError: x" : null, OomKilled = i % 11 == 0,
        MemoryMib = i % 3 == 0 ? null : 512, MemoryReservationMib = null,
    }, i)).ToList());

    [Fact]
    public Task WriteAsync_ListsOfStructs_SameFileAsTheClassSerializer() => AssertSameAsSerializerAsync(Enumerable.Range(0, 500).Select(i => WithRaw(Stamp(new Analytics.Schemas.Tables.Ecs.EcsTaskEvent
    {
        TaskArn = $"arn:{i}", TaskVersion = i, StopCode = i % 2 == 0 ? null : "EssentialContainerExited", StoppedAt = i % 3 == 0 ? null : T0.AddSeconds(i),
        // Null, empty, and lists whose containers have null fields. (A null container never comes from an event.)
        Containers = (i % 6) switch
        {
            0 => null,
            1 => [],
            2 => [new Analytics.Schemas.Tables.Ecs.EcsContainer()],
            _ => Enumerable.Range(0, i % 6).Select(k => new Analytics.Schemas.Tables.Ecs.EcsContainer
            {
                Name = $"c{k}", Image = k == 1 ? null : "img", ExitCode = k == 0 ? null : k, Reason = k == 2 ? "OutOfMemoryError" : null, RuntimeId = $"rt{i}-{k}",
            }).ToList(),
        },
    }, i), i)).ToList());

    // raw_event set as text, as UTF-8 bytes (as ingest does; multi-byte characters included), or left empty.
    private static T WithRaw<T>(T row, int i) where T : Analytics.Schemas.RawLakeRow
    {
        var json = $"{{\"i\":{i},\"s\":\"ñ-支付-😀\"}}";
        if (i % 3 == 0) row.RawEvent = json;
        else if (i % 3 == 1) row.SetRawEventUtf8(System.Text.Encoding.UTF8.GetBytes(json));
        return row;
    }

    [Fact]
    public Task WriteAsync_LargeRawEventsAsBytesAndText_SameFileAsTheClassSerializer() => AssertSameAsSerializerAsync(Enumerable.Range(0, 400).Select(i =>
    {
        // About 8 MB of raw JSON, one record larger than the writer's 1 MB chunks for text, multi-byte characters throughout.
        var row = Stamp(new Analytics.Schemas.Tables.EventBridge.EventBridgeEvent { Source = "s", DetailType = "d" }, i);
        var json = $"{{\"i\":{i},\"pad\":\"{new string(i % 3 == 0 ? 'é' : 'x', i == 150 ? 1_500_000 : 20_000 + i)}\"}}";
        if (i % 4 == 0) row.RawEvent = json;
        else row.SetRawEventUtf8(System.Text.Encoding.UTF8.GetBytes(json));
        return row;
    }).ToList());

    [Fact]
    public Task WriteAsync_ListsOfValues_SameFileAsTheClassSerializer() => AssertSameAsSerializerAsync(Enumerable.Range(0, 300).Select(i => Stamp(new Analytics.Schemas.Tables.Ecs.EcsServiceAction
    {
        ServiceArn = $"arn:{i}", EventName = "SERVICE_STEADY_STATE", RawEvent = "{}",
        CapacityProviderArns = (i % 4) switch { 0 => null, 1 => [], 2 => ["a", null!, "c"], _ => [$"p{i}"] },
        ContainerInstanceArns = i % 2 == 0 ? null : [$"ci{i}", $"cj{i}"],
    }, i)).ToList());

    [Fact]
    public async Task WriteAsync_RepeatedStrings_AreDictionaryEncodedAndRawEventKeepsNoMinMax()
    {
        using var temp = Some.TempFolder();
        var file = temp.Sub("tasks.parquet");
        var rows = Enumerable.Range(0, 3000).Select(i => WithRaw(Stamp(new Analytics.Schemas.Tables.Ecs.EcsTaskEvent
        {
            ClusterArn = $"arn:aws:ecs:eu-west-1:111122223333:cluster/c{i % 3}", ClusterName = $"c{i % 3}", TaskArn = $"arn:task/{i}", TaskVersion = i,
            Containers = [new Analytics.Schemas.Tables.Ecs.EcsContainer { Name = "app", Image = $"img:{i % 2}", RuntimeId = $"rt{i}" }],
        }, i), i)).ToList();
        await using (var stream = File.Create(file)) await ColumnarRowWriter<Analytics.Schemas.Tables.Ecs.EcsTaskEvent>.WriteAsync(rows, stream, CancellationToken.None);

        using var db = Some.DuckDb(temp.Sub("none"));
        var chunks = Some.Query(db, $"SELECT path_in_schema AS col, encodings, stats_min IS NULL AND stats_max IS NULL AS no_min_max FROM parquet_metadata('{file}')")
            .ToDictionary(r => (string)r["col"]!, r => (Encodings: (string)r["encodings"]!, NoMinMax: (bool)r["no_min_max"]!));
        // Few distinct values over many rows (top level and inside the containers list): a dictionary.
        foreach (var column in new[] { "cluster_arn", "cluster_name", "source_object", "account_id", "containers, list, element, image" })
            Assert.Contains("DICTIONARY", chunks[column].Encodings, StringComparison.Ordinal);
        // A value per row: plain.
        foreach (var column in new[] { "task_arn", "record_id", "containers, list, element, runtime_id", "raw_event" })
            Assert.DoesNotContain("DICTIONARY", chunks[column].Encodings, StringComparison.Ordinal);
        Assert.True(chunks["raw_event"].NoMinMax);
        Assert.False(chunks["task_arn"].NoMinMax);
        // Columns unique by construction are not even tried (hashing every value of them would be wasted).
        var hinted = ParquetSettings.Create(append: false, Analytics.Schemas.TableCatalog.ForRowType(typeof(Analytics.Schemas.Tables.Ecs.EcsTaskEvent)).ParquetSchema).ColumnEncodingHints.Keys;
        Assert.Contains("cluster_arn", hinted);
        Assert.DoesNotContain("record_id", hinted);
        Assert.DoesNotContain("raw_event", hinted);
        Assert.Equal(rows.Select(r => r.RawEvent), Some.Query(db, $"SELECT raw_event FROM read_parquet('{file}')").Select(r => (string)r["raw_event"]!));
    }

    [Fact]
    public async Task WriteAsync_Afterwards_NoRowsRawEventOrStringsStayReachable()
    {
        var written = await WriteAndForgetAsync();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.All(written, w => Assert.False(w.IsAlive));
    }

    // Returns weak references to what the rows held: each row's raw_event bytes and its unique strings.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<List<WeakReference>> WriteAndForgetAsync()
    {
        var weak = new List<WeakReference>();
        for (var round = 0; round < 3; round++)
        {
            var rows = Enumerable.Range(0, 500).Select(i =>
            {
                var raw = System.Text.Encoding.UTF8.GetBytes($"{{\"round\":{round},\"i\":{i}}}");
                var row = Stamp(new Analytics.Schemas.Tables.Ecs.EcsTaskEvent { TaskArn = $"arn:task/{round}/{i}", TaskVersion = i }, i);
                row.SetRawEventUtf8(raw);
                weak.Add(new WeakReference(raw));
                weak.Add(new WeakReference(row.TaskArn));
                return row;
            }).ToList();
            await ColumnarRowWriter<Analytics.Schemas.Tables.Ecs.EcsTaskEvent>.WriteAsync(rows, new MemoryStream(), CancellationToken.None);
        }
        return weak;
    }

    private static async Task AssertSameAsSerializerAsync<TRow>(List<TRow> rows) where TRow : Analytics.Schemas.LakeRow
    {
        using var temp = Some.TempFolder();
        var fast = temp.Sub("fast.parquet");
        var slow = temp.Sub("slow.parquet");
        var half = rows.Count / 2;
        await using (var stream = File.Create(fast))
        {
            await ColumnarRowWriter<TRow>.WriteAsync(rows.Take(half).ToList(), stream, CancellationToken.None);
        }
        await using (var stream = new FileStream(fast, FileMode.Open, FileAccess.ReadWrite))
        {
            // A second row group appended, as the lake writer does at each flush.
            await ColumnarRowWriter<TRow>.WriteAsync(rows.Skip(half).ToList(), stream, CancellationToken.None);
        }
        await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, slow, ParquetSettings.Create(append: false));

        using var db = Some.DuckDb(temp.Sub("none"));
        Assert.Equal((long)rows.Count, Some.Scalar<long>(db, $"SELECT count(*) FROM read_parquet('{fast}')"));
        Assert.Equal(0L, Some.Scalar<long>(db, $"SELECT count(*) FROM ((SELECT * FROM read_parquet('{fast}') EXCEPT ALL SELECT * FROM read_parquet('{slow}')) UNION ALL (SELECT * FROM read_parquet('{slow}') EXCEPT ALL SELECT * FROM read_parquet('{fast}')))"));
        var schema = (string f) => Some.Query(db, $"SELECT name, type, logical_type, repetition_type FROM parquet_schema('{f}') ORDER BY name")
            .Select(r => string.Join("|", r.Values)).ToList();
        Assert.Equal(schema(slow), schema(fast));
        // Readers differ in how they take a level that is off but still below the maximum (DuckDB reads either as
        // null), so the levels themselves are compared too.
        Assert.Equal(await LevelsAsync(slow), await LevelsAsync(fast));
    }

    private static async Task<List<string>> LevelsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        var levels = new List<string>();
        foreach (var field in reader.Schema.GetDataFields())
        {
            var (definitions, repetitions) = (new List<int>(), new List<int>());
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                using var raw = await group.ReadRawColumnDataBaseAsync(field);
                if (field.MaxDefinitionLevel > 0) definitions.AddRange(raw.DefinitionLevels.ToArray());
                if (field.MaxRepetitionLevel > 0) repetitions.AddRange(raw.RepetitionLevels.ToArray());
            }
            levels.Add($"{field.Path}: d={string.Join(',', definitions)} r={string.Join(',', repetitions)}");
        }
        return levels;
    }
}
