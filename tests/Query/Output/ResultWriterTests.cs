using System.Text;
using System.Text.Json;
using Analytics.Query.Engines;
using Analytics.Query.Output;
using Apache.Arrow.Ipc;

namespace Analytics.Tests.Query.Output;

public sealed class ResultWriterTests : IAsyncLifetime
{
    private const string Sql = """
        SELECT * FROM (VALUES
            ('plain', 1, TIMESTAMP '2026-11-02 14:00:00.250', true, 1.5, ['a', 'b']),
            ('comma, "quote"' || chr(10) || 'line', NULL, NULL, NULL, NULL, NULL)
        ) t(text, n, at_time, flag, ratio, items)
        """;

    private readonly TempFolder _temp = Some.TempFolder();
    private DuckDbEngine _engine = null!;

    public async Task InitializeAsync() => _engine = await DuckDbEngine.OpenAsync(_temp.Path, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<byte[]> WriteAsync(OutputFormat format)
    {
        using var stream = new MemoryStream();
        var rows = await ResultWriter.WriteAsync(await _engine.RunSqlAsync(Sql, [], CancellationToken.None), format, stream, CancellationToken.None);
        Assert.Equal(2, rows);
        return stream.ToArray();
    }

    [Fact]
    public async Task Csv_FollowsRfc4180()
    {
        var csv = Encoding.UTF8.GetString(await WriteAsync(OutputFormat.Csv));
        Assert.Equal("text,n,at_time,flag,ratio,items\r\nplain,1,2026-11-02T14:00:00.250Z,true,1.5,\"a, b\"\r\n\"comma, \"\"quote\"\"\nline\",,,,,\r\n", csv);
    }

    [Fact]
    public async Task Json_ArrayOfRowObjectsWithTypedValues()
    {
        using var json = JsonDocument.Parse(await WriteAsync(OutputFormat.Json));
        var first = json.RootElement[0];
        Assert.Equal(1, first.GetProperty("n").GetInt64());
        Assert.Equal("2026-11-02T14:00:00.250Z", first.GetProperty("at_time").GetString());
        Assert.True(first.GetProperty("flag").GetBoolean());
        Assert.Equal(1.5, first.GetProperty("ratio").GetDouble());
        Assert.Equal(["a", "b"], first.GetProperty("items").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(JsonValueKind.Null, json.RootElement[1].GetProperty("n").ValueKind);
        Assert.Equal("comma, \"quote\"\nline", json.RootElement[1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Markdown_EscapesPipesAndLineBreaks()
    {
        using var stream = new MemoryStream();
        await ResultWriter.WriteAsync(await _engine.RunSqlAsync("SELECT 'a|b' || chr(10) || 'c' AS v", [], CancellationToken.None), OutputFormat.Markdown, stream, CancellationToken.None);
        Assert.Equal("| v      |\n|--------|\n| a\\|b c |\n", Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Arrow_ReadsBackWithTypes()
    {
        using var reader = new ArrowFileReader(new MemoryStream(await WriteAsync(OutputFormat.Arrow)));
        var batch = await reader.ReadNextRecordBatchAsync();
        Assert.Equal(2, batch.Length);
        Assert.Equal(new DateTime(2026, 11, 2, 14, 0, 0, 250, DateTimeKind.Utc), Cells.Value(batch.Column(2), 0));
        Assert.Equal(1, Cells.Value(batch.Column(1), 0));
    }

    [Fact]
    public async Task Parquet_ReadsBackInDuckDbWithMillisecondUtcTimestamps()
    {
        var path = _temp.Sub("out.parquet");
        await File.WriteAllBytesAsync(path, await WriteAsync(OutputFormat.Parquet));
        using var db = Some.DuckDb(_temp.Sub("none"));
        var rows = Some.Query(db, $"SELECT text, n, CAST(at_time AS VARCHAR) AS at_time, flag, ratio, items FROM read_parquet('{path}') ORDER BY text DESC");
        Assert.Equal("plain", rows[0]["text"]);
        Assert.Equal(1, rows[0]["n"]);
        Assert.Equal("2026-11-02 14:00:00.25+00", rows[0]["at_time"]);
        Assert.Equal("a, b", rows[0]["items"]);
        Assert.Null(rows[1]["n"]);
        var type = Some.Query(db, $"SELECT type FROM parquet_schema('{path}') WHERE name = 'at_time'").Single()["type"];
        Assert.Equal("INT64", type);
    }
}
