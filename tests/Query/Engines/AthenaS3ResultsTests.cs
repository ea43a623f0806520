using System.Globalization;
using System.Text;
using Analytics.Query.Catalog;
using Analytics.Query.Cli;
using Analytics.Query.Engines;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Query.Engines;

/// <summary>
/// A result longer than one page read as the CSV Athena wrote to its output location, from a real S3-compatible server
/// (s3rver on 127.0.0.1), against the same rows read page by page.
/// </summary>
public sealed class AthenaS3ResultsTests(S3Server s3) : IClassFixture<S3Server>
{
    // 2,500 rows of every kind of value Athena's CSV holds: quotes, commas, line breaks, empty strings and nulls.
    private static FakeAthena Athena()
    {
        var athena = new FakeAthena { OutputLocationOf = id => $"s3://results/athena/{id}.csv" };
        athena.Columns.AddRange([("name", "varchar"), ("at", "timestamp"), ("n", "bigint"), ("note", "varchar")]);
        for (var i = 0; i < 2500; i++)
            athena.Rows.Add([$"task-{i}", $"2026-11-02 14:{i / 60 % 60:00}:{i % 60:00}.000", i.ToString(CultureInfo.InvariantCulture),
                (i % 4) switch { 0 => null, 1 => "", 2 => "said \"no\", then\nleft", _ => "plain" }]);
        return athena;
    }

    // Athena's CSV: every value quoted (quotes doubled), a null an empty unquoted field, a header row first.
    private static string Csv(FakeAthena athena)
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", athena.Columns.Select(c => $"\"{c.Name}\""))).Append('\n');
        foreach (var row in athena.Rows) text.Append(string.Join(",", row.Select(v => v is null ? "" : $"\"{v.Replace("\"", "\"\"", StringComparison.Ordinal)}\""))).Append('\n');
        return text.ToString();
    }

    [Fact]
    public async Task Run_LongResult_ReadInOneGetOfItsCsvAsThePagesWouldGiveIt()
    {
        using var athena = Athena();
        await s3.PutAsync("results", "athena/q-1.csv", Csv(athena));
        await s3.PutAsync("results", "athena/q-2.csv", Csv(athena));
        var query = new RenderedQuery("long", "SELECT …", []);

        await using var viaS3 = new AthenaEngine(AthenaRequestReferenceTests.Runner(athena.Url), 5m, null,
            async (location, ct) => (await s3.Client.GetObjectAsync("results", location["s3://results/".Length..], ct)).ResponseStream);
        var fromCsv = await Rows(await viaS3.RunAsync(query, CancellationToken.None));
        Assert.Equal(1, athena.Operations.Count(o => o == "GetQueryResults"));

        await using var viaApi = new AthenaEngine(AthenaRequestReferenceTests.Runner(athena.Url), 5m);
        var fromPages = await Rows(await viaApi.RunAsync(query, CancellationToken.None));
        Assert.Equal(1 + 3, athena.Operations.Count(o => o == "GetQueryResults"));

        Assert.Equal(2500, fromCsv.Count);
        Assert.Equal(fromPages, fromCsv);
        Assert.Equal(["task-2", "2026-11-02T14:00:02.000Z", "2", "said \"no\", then\nleft"], fromCsv[2]);
        Assert.Equal("", fromCsv[1][3]);
        Assert.Equal("(null)", fromCsv[0][3]);
    }

    [Fact]
    public async Task Run_ResultCsvUnreadable_PagesThroughTheApiWithOneWarning()
    {
        using var athena = Athena();
        var query = new RenderedQuery("long", "SELECT …", []);
        var log = new ListLogger();
        // No such object (as for a bucket the reader may not read): the query itself succeeded.
        await using var engine = new AthenaEngine(AthenaRequestReferenceTests.Runner(athena.Url), 5m, null,
            async (location, ct) => (await s3.Client.GetObjectAsync("results", "athena/missing.csv", ct)).ResponseStream, logger: log);

        var rows = await Rows(await engine.RunAsync(query, CancellationToken.None));

        Assert.Equal(2500, rows.Count);
        Assert.Equal(["task-2", "2026-11-02T14:00:02.000Z", "2", "said \"no\", then\nleft"], rows[2]);
        Assert.Equal(1 + 2, athena.Operations.Count(o => o == "GetQueryResults"));
        var warning = Assert.Single(log.Lines);
        Assert.StartsWith("Athena query 'long' (q-1) succeeded but its result s3://results/athena/q-1.csv could not be read (", warning, StringComparison.Ordinal);
        Assert.EndsWith("reading its rows through GetQueryResults instead, 1,000 a call.", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCommand_LongResult_S3AndApiPrintTheSame()
    {
        using var athena = Athena();
        await s3.PutAsync("results", "athena/q-1.csv", Csv(athena));
        using var temp = Some.TempFolder();
        string[] common = ["run", "oom-kills", "-p", "from=2026-11-02", "-p", "to=2026-11-03", "--engine", "athena", "--athena-endpoint", athena.Url.ToString(),
            "--region", "us-east-1", "--s3-endpoint", s3.Url.ToString(), "-f", "csv"];

        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.Build(c).Parse([.. common, "-o", temp.Sub("s3.csv")]).InvokeAsync(i));
        Assert.True(code == Commands.Ok, err);
        Assert.Equal(1, athena.Operations.Count(o => o == "GetQueryResults"));
        (code, _, err) = await Some.ProgramAsync((c, i) => Commands.Build(c).Parse([.. common, "--results", "api", "-o", temp.Sub("api.csv")]).InvokeAsync(i));
        Assert.True(code == Commands.Ok, err);

        Assert.Equal(await File.ReadAllTextAsync(temp.Sub("api.csv")), await File.ReadAllTextAsync(temp.Sub("s3.csv")));
        Assert.Contains("2,500 rows written", err, StringComparison.Ordinal);
    }

    private static async Task<List<string[]>> Rows(QueryResult result)
    {
        var rows = new List<string[]>();
        foreach (var batch in await result.ToListAsync(CancellationToken.None))
            for (var r = 0; r < batch.Length; r++)
                rows.Add(Enumerable.Range(0, batch.ColumnCount).Select(c => Analytics.Query.Engines.Cells.Value(batch.Column(c), r) is { } v ? Analytics.Query.Engines.Cells.Text(v) : "(null)").ToArray());
        return rows;
    }
}
