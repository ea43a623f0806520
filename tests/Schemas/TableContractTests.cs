using System.Text.RegularExpressions;
using Analytics.Ingest.Lake;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;

namespace Analytics.Tests.Schemas;

public partial class TableContractTests
{
    public static TheoryData<string> Tables => new(TableCatalog.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task ParquetFile_HasExactlyTheColumnsAndTypesOfItsDdl(string name)
    {
        var table = TableCatalog.ForName(name);
        using var temp = Some.TempFolder();
        var file = await WriteOneRowAsync(table, temp.Sub("one.parquet"));
        using var db = Some.DuckDb(temp.Path);

        // What a reader finds in the file, turned into Athena types by this test's own mapping.
        var inFile = Some.Query(db, $"DESCRIBE SELECT * FROM read_parquet('{file}')")
            .Select(r => ((string)r["column_name"]!, AthenaTypeOf((string)r["column_type"]!))).ToList();
        var ddl = AthenaDdl.CreateTable(table, "analytics", "s3://bucket/lake/");
        var declared = DdlColumn().Matches(ddl.Split("PARTITIONED BY")[0]).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();

        Assert.Equal(declared, inFile);
        Assert.Contains("PARTITIONED BY (`dt` string", ddl, StringComparison.Ordinal);
        Assert.DoesNotContain(inFile, c => c.Item1 == "dt");
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task ParquetFile_TimestampsAreInt64MillisUtc(string name)
    {
        using var temp = Some.TempFolder();
        var file = await WriteOneRowAsync(TableCatalog.ForName(name), temp.Sub("one.parquet"));
        using var db = Some.DuckDb(temp.Path);
        var timestamps = Some.Query(db, $"SELECT name, type, logical_type FROM parquet_schema('{file}') WHERE logical_type LIKE 'TimestampType%'");
        Assert.Contains(timestamps, t => (string)t["name"]! == "event_time");
        Assert.All(timestamps, t =>
        {
            Assert.Equal("INT64", t["type"]);
            Assert.Contains("isAdjustedToUTC=1", (string)t["logical_type"]!, StringComparison.Ordinal);
            Assert.Contains("MILLIS=MilliSeconds()", (string)t["logical_type"]!, StringComparison.Ordinal);
        });
        Assert.Empty(Some.Query(db, $"SELECT name FROM parquet_schema('{file}') WHERE type = 'INT96'"));
    }

    [Fact]
    public void Ddl_HasPartitionProjectionWithTemplateEndingInSlash()
    {
        var ddl = AthenaDdl.CreateTable(TableCatalog.ForName("ecs_task_events"), "analytics", "s3://bucket/lake");
        Assert.Contains("LOCATION 's3://bucket/lake/ecs_task_events/'", ddl, StringComparison.Ordinal);
        Assert.Contains("'projection.enabled'='true'", ddl, StringComparison.Ordinal);
        Assert.Contains("'projection.dt.type'='date'", ddl, StringComparison.Ordinal);
        Assert.Contains("'projection.dt.format'='yyyy-MM-dd'", ddl, StringComparison.Ordinal);
        Assert.Contains("'projection.dt.range'='2015-01-01,NOW'", ddl, StringComparison.Ordinal);
        Assert.Contains("'storage.location.template'='s3://bucket/lake/ecs_task_events/dt=${dt}/'", ddl, StringComparison.Ordinal);
        Assert.Contains("STORED AS PARQUET", ddl, StringComparison.Ordinal);
    }

    [Fact]
    public void Ddl_InvalidArguments_AreRejectedWithTheRule()
    {
        var table = TableCatalog.ForName("ecs_task_events");
        Assert.Contains("lowercase", Assert.Throws<ArgumentException>(() => AthenaDdl.CreateTable(table, "Analytics", "s3://b/")).Message, StringComparison.Ordinal);
        Assert.Contains("without quotes", Assert.Throws<ArgumentException>(() => AthenaDdl.CreateTable(table, "a", "s3://b/'x")).Message, StringComparison.Ordinal);
        Assert.Contains("must be an S3 URI: s3://bucket/prefix/", Assert.Throws<ArgumentException>(() => AthenaDdl.CreateTable(table, "a", "my-bucket/lake")).Message, StringComparison.Ordinal);
        Assert.Contains("yyyy-MM-dd", Assert.Throws<ArgumentException>(() => AthenaDdl.CreateTable(table, "a", "s3://b/", "2020/01/01")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_EveryNameIsSnakeCase_AndEveryTableHasTheCommonColumns()
    {
        Assert.Equal(14, TableCatalog.All.Count);
        foreach (var table in TableCatalog.All)
        {
            Assert.True(Naming.IsSnakeCase(table.Name));
            var columns = table.ParquetSchema.Fields.Select(f => f.Name).ToList();
            Assert.Subset(columns.ToHashSet(), new HashSet<string> { "event_time", "record_id", "event_id", "account_id", "region", "source_object", "ingested_at" });
        }
        Assert.Equal(11, TableCatalog.All.Count(t => t.ParquetSchema.Fields.Any(f => f.Name == "raw_event")));
    }

    private static async Task<string> WriteOneRowAsync(TableDefinition table, string path)
    {
        var row = (LakeRow)Activator.CreateInstance(table.RowType)!;
        row.EventTime = new DateTime(2026, 11, 2, 14, 5, 6, 789, DateTimeKind.Utc);
        row.IngestedAt = row.EventTime;
        var buffer = TableBuffer.For(table);
        buffer.Add("2026-11-02", row);
        await using var stream = File.Create(path);
        await buffer.FlushAsync("2026-11-02", stream, CancellationToken.None);
        return path;
    }

    // DuckDB's names for what it read, mapped to Athena's: written here independently of AthenaDdl.
    private static string AthenaTypeOf(string duck)
    {
        if (duck.EndsWith("[]", StringComparison.Ordinal)) return $"array<{AthenaTypeOf(duck[..^2])}>";
        if (duck.StartsWith("STRUCT(", StringComparison.Ordinal))
        {
            var fields = SplitTopLevel(duck[7..^1]).Select(f =>
            {
                var space = f.IndexOf(' ', StringComparison.Ordinal);
                return $"{f[..space].Trim('"')}:{AthenaTypeOf(f[(space + 1)..])}";
            });
            return $"struct<{string.Join(",", fields)}>";
        }
        if (duck.StartsWith("MAP(", StringComparison.Ordinal))
        {
            var parts = SplitTopLevel(duck[4..^1]);
            return $"map<{AthenaTypeOf(parts[0])},{AthenaTypeOf(parts[1])}>";
        }
        return duck switch
        {
            "VARCHAR" => "string",
            "INTEGER" => "int",
            "BIGINT" => "bigint",
            "BOOLEAN" => "boolean",
            "DOUBLE" => "double",
            "TIMESTAMP WITH TIME ZONE" => "timestamp",
            _ => throw new InvalidOperationException($"No Athena type for DuckDB type {duck}"),
        };
    }

    private static List<string> SplitTopLevel(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0) { parts.Add(text[start..i].Trim()); start = i + 1; }
        }
        parts.Add(text[start..].Trim());
        return parts;
    }

    [GeneratedRegex(@"^  `([a-z0-9_]+)` (\S+)", RegexOptions.Multiline)]
    private static partial Regex DdlColumn();
}
