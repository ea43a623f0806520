using System.Text;
using System.Text.Json.Nodes;
using Analytics.Query.Catalog;
using Analytics.Query.Engines;

namespace Analytics.Tests.Query.Catalog;

/// <summary>
/// Values built to break out of a string literal never change a query's shape and are matched literally,
/// bound natively on DuckDB and rendered as Athena execution parameters. The lake holds one stopped task
/// per hostile service name, so a literal match returns exactly that task.
/// </summary>
public sealed class HostileParameterTests : IAsyncLifetime
{
    public static readonly string[] Hostile =
    [
        "o'brien",
        "'; DROP TABLE ecs_task_events; --",
        "x' OR '1'='1",
        "pay/* comment */ments",
        "payments -- trailing comment",
        "?",
        ":service",
        "${minutes}",
        "back\\slash\\' quote",
        "pagos-ñ-支付-🚀-\u202Eevil",
        "line\nbreak\r\ttab",
        new string('\'', 300) + new string('x', 2700),
    ];

    private readonly TempFolder _temp = Some.TempFolder();
    private DuckDbEngine _engine = null!;
    private static readonly (string, string)[] Window = [("from", "2020-01-01T00:00:00Z"), ("to", "2030-01-01T00:00:00Z")];

    public async Task InitializeAsync()
    {
        // One stopped task per hostile service name, from a captured ECS event.
        var template = File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "captured", "task-state-change-stopped-fargate-exit137-servicescheduler-captured.json"));
        var lines = new StringBuilder();
        for (var i = 0; i < Hostile.Length; i++)
        {
            var e = JsonNode.Parse(template)!.AsObject();
            e["id"] = $"00000000-0000-0000-0000-{i:D12}";
            var detail = e["detail"]!.AsObject();
            detail["group"] = "service:" + Hostile[i];
            var arn = (string)detail["taskArn"]!;
            detail["taskArn"] = arn[..arn.LastIndexOf('/')] + $"/hostile{i:D4}";
            lines.Append(e.ToJsonString()).Append('\n');
        }
        Directory.CreateDirectory(_temp.Sub("events"));
        await File.WriteAllTextAsync(Path.Combine(_temp.Sub("events"), "hostile.json"), lines.ToString());
        await Some.IngestAsync(_temp.Sub("lake"), _temp.Sub("events"));
        _engine = await DuckDbEngine.OpenAsync(_temp.Sub("lake"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _temp.Dispose();
    }

    private static RenderedQuery Render(string service) =>
        QueryCatalog.Default.Get("task-stop-reasons") is var q
            ? q.Render(ParameterParser.Parse(q, Window.Append(("service", service)).Select(p => KeyValuePair.Create(p.Item1, p.Item2))))
            : throw new InvalidOperationException();

    [Fact]
    public void Render_HostileValues_SqlTextNeverChanges()
    {
        var benign = Render("payments");
        foreach (var value in Hostile)
        {
            var rendered = Render(value);
            Assert.Equal(benign.Sql, rendered.Sql);
            if (!benign.Sql.Contains(value, StringComparison.Ordinal)) Assert.DoesNotContain(value, rendered.Sql, StringComparison.Ordinal);
            Assert.Contains(rendered.Bound, b => Equals(b.Value, value));
        }
    }

    [Fact]
    public async Task DuckDb_HostileValuesBound_MatchExactlyTheirOwnTask()
    {
        foreach (var value in Hostile)
        {
            var rows = await QueryLake.Rows(await _engine.RunAsync(Render(value), CancellationToken.None));
            var row = Assert.Single(rows);
            Assert.Equal(value, row["service_name"]);
            Assert.Equal(1L, row["tasks"]);
            Assert.Empty(await QueryLake.Rows(await _engine.RunAsync(Render(value + "x"), CancellationToken.None)));
        }
        // Nothing was dropped.
        Assert.Equal(Hostile.Length, (await QueryLake.Rows(await _engine.RunSqlAsync("SELECT task_arn FROM ecs_task_events", [], CancellationToken.None))).Count);
    }

    [Fact]
    public async Task Athena_HostileValuesAsExecutionParameters_AreLiteralsThatMatchExactlyTheirOwnTask()
    {
        foreach (var value in Hostile.Where(v => SqlLiteral.Of(v).Length <= RenderedQuery.AthenaParameterMaxLength))
        {
            var rendered = Render(value);
            var parameters = rendered.AthenaExecutionParameters();
            // What Athena does with ExecutionParameters: each ? becomes its literal text. Run that on DuckDB,
            // whose string literals follow the same rules (quotes doubled, no backslash escapes).
            var inlined = Inline(rendered.Sql, parameters);
            var rows = await QueryLake.Rows(await _engine.RunSqlAsync(inlined, [], CancellationToken.None));
            var row = Assert.Single(rows);
            Assert.Equal(value, row["service_name"]);
        }
        Assert.Equal(Hostile.Length, (await QueryLake.Rows(await _engine.RunSqlAsync("SELECT task_arn FROM ecs_task_events", [], CancellationToken.None))).Count);
    }

    [Fact]
    public void Athena_ValueLongerThanAnExecutionParameter_IsAnErrorNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => Render(Hostile[^1]).AthenaExecutionParameters());
        Assert.Contains("parameter 'service'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1,024", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValueLongerThanTheLimit_IsRejectedBeforeAnythingRuns()
    {
        var query = QueryCatalog.Default.Get("task-stop-reasons");
        var ex = Assert.Throws<ArgumentException>(() => ParameterParser.Parse(query, Window.Append(("service", new string('a', ParameterParser.MaxStringLength + 1))).Select(p => KeyValuePair.Create(p.Item1, p.Item2))));
        Assert.Contains("parameter 'service'", ex.Message, StringComparison.Ordinal);
    }

    // The catalog's SQL has no '?' of its own (checked by CatalogTests), so every '?' is a marker.
    private static string Inline(string sql, IReadOnlyList<string> literals)
    {
        var result = new StringBuilder();
        var next = 0;
        foreach (var c in sql)
        {
            if (c == '?') result.Append(literals[next++]);
            else result.Append(c);
        }
        Assert.Equal(literals.Count, next);
        return result.ToString();
    }
}
