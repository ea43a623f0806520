using System.Text;
using System.Text.Json;
using Analytics.Query.Cli;

namespace Analytics.Tests.Query.Cli;

public sealed class QueryCommandsTests : IAsyncLifetime
{
    private readonly TempFolder _temp = Some.TempFolder();

    private string Lake => _temp.Sub("lake");

    public async Task InitializeAsync() => await Some.IngestAsync(Lake, Path.Combine(Some.RepoRoot, "samples"));

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        Some.ProgramAsync((c, i) => Commands.Build(c).Parse(args).InvokeAsync(i));

    [Fact]
    public async Task List_ShowsEveryQueryWithItsParameters()
    {
        var (code, output, _) = await RunAsync("list");
        Assert.Equal(Commands.Ok, code);
        foreach (var query in Analytics.Query.Catalog.QueryCatalog.Default.Queries)
        {
            Assert.Contains(query.Name + "\n  " + query.Description, output, StringComparison.Ordinal);
            foreach (var p in query.Parameters) Assert.Contains($"--param {p.Name}=", output, StringComparison.Ordinal);
        }
        // Columns aligned and apart, however long a type: an enum of three words, an integer with its range.
        var lines = output.Split('\n').Where(l => l.StartsWith("    --param ", StringComparison.Ordinal)).ToList();
        Assert.Single(lines.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^    --param \S+=\s+").Length).Distinct());
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"--param min_severity=\s+enum\(info\|warning\|error\)\s{2,}default info\s{2,}\S"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"--param min_stops=\s+integer\(1\.\.100000\)\s{2,}default 3\s{2,}Fewest"));
    }

    [Fact]
    public async Task Run_InvalidParameters_Exits2NamingEachOne()
    {
        var (code, _, err) = await RunAsync("run", "crash-loops", "--lake", Lake, "-p", "from=soon", "-p", "min_stops=x", "-p", "nonsense");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("'nonsense' is not name=value", err, StringComparison.Ordinal);

        (code, _, err) = await RunAsync("run", "crash-loops", "--lake", Lake, "-p", "from=soon", "-p", "min_stops=x");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("parameter 'from' is 'soon'", err, StringComparison.Ordinal);
        Assert.Contains("parameter 'to' is required", err, StringComparison.Ordinal);
        Assert.Contains("parameter 'min_stops' is 'x': expected a whole number", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownQueryOrMissingLake_SaysSo()
    {
        var (code, _, err) = await RunAsync("run", "no-such-query", "--lake", Lake);
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("No query 'no-such-query' in the catalog. Queries: cluster-state, crash-loops,", err, StringComparison.Ordinal);

        (code, _, err) = await RunAsync("run", "oom-kills", "--lake", _temp.Sub("nowhere"), "-p", "from=2026-11-02", "-p", "to=2026-11-03");
        Assert.Equal(Commands.Failed, code);
        Assert.Contains("does not exist", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_JsonToFile_WritesTheRows()
    {
        var path = _temp.Sub("out.json");
        var (code, _, err) = await RunAsync("run", "deployment-outcomes", "--lake", Lake, "-p", "from=2026-11-02", "-p", "to=2026-11-03", "-p", "service=payments", "-f", "json", "-o", path);
        Assert.Equal(Commands.Ok, code);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var outcomes = json.RootElement.EnumerateArray().Select(r => r.GetProperty("outcome").GetString()).ToList();
        Assert.Contains("failed", outcomes);
        Assert.Contains(json.RootElement.EnumerateArray(), r => r.GetProperty("is_rollback").GetBoolean() && r.GetProperty("outcome").GetString() == "completed");
        Assert.Contains($"{outcomes.Count} rows written to {path}", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_AServiceTheLakeDoesNotHave_SaysSoWithTheClosestNames()
    {
        var (code, output, err) = await RunAsync("review", "--lake", Lake, "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z", "--service", "paymnts");
        Assert.Equal(Commands.Failed, code);
        Assert.Empty(output);
        Assert.Contains("The lake has no service 'paymnts' between 2026-11-02 14:00 and 2026-11-02 15:30 UTC. Services it has then, closest first: payments, ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("No abnormal signal", output + err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);

        var path = _temp.Sub("none.csv");
        var (runCode, _, runErr) = await RunAsync("run", "oom-kills", "--lake", Lake, "-p", "from=2026-11-02", "-p", "to=2026-11-03", "-p", "service=paymnts", "-f", "csv", "-o", path);
        Assert.Equal(Commands.Ok, runCode);
        Assert.Contains("warning: The lake has no service 'paymnts' between 2026-11-02 00:00 and 2026-11-03 00:00 UTC. Services it has then, closest first: payments, ", runErr, StringComparison.Ordinal);
        Assert.Contains($"0 rows written to {path}", runErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_ADamagedParquetFile_OneLineNamingItAndWhatToDo()
    {
        var lake = _temp.Sub("damaged");
        await Some.IngestAsync(lake, Path.Combine(Some.RepoRoot, "samples", "generated"));
        var file = Directory.GetFiles(Path.Combine(lake, "ecs_task_events"), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        await using (var stream = File.OpenWrite(file)) stream.SetLength(5000);

        var (code, output, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(["review", "--lake", lake, "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z"], c, i));

        Assert.Equal(Commands.Failed, code);
        Assert.Empty(output);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"The lake file {file} is damaged or not Parquet (", line, StringComparison.Ordinal);
        Assert.EndsWith("Move it out of the lake and run the ingest over its inputs again to restore its rows (they are no longer in the lake, so they land again).", line, StringComparison.Ordinal);
    }

    [Theory]
    // A parameter given as an option: say how parameters are given.
    [InlineData(new[] { "run", "oom-kills", "--from", "2026-11-02" }, "Unrecognized command or argument '--from'. A catalog query's parameters are given as -p NAME=VALUE: -p from=….")]
    // An engine that does not exist: that alone, not the Athena settings it would need.
    [InlineData(new[] { "run", "oom-kills", "--engine", "athena2", "-p", "from=2026-11-02", "-p", "to=2026-11-03" }, "--engine is 'athena2': expected duckdb or athena")]
    public async Task CommandLine_Rough_OneClearLine(string[] args, string expected)
    {
        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(args, c, i));
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Equal(expected, err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
        Assert.DoesNotContain("--region is missing", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OutIntoAFolderThatDoesNotExist_CreatesIt()
    {
        var path = Path.Combine(_temp.Sub("new"), "deeper", "oom.csv");
        var (code, _, err) = await RunAsync("run", "oom-kills", "--lake", Lake, "-p", "from=2026-11-02", "-p", "to=2026-11-03", "-f", "csv", "-o", path);
        Assert.True(code == Commands.Ok, err);
        Assert.Contains("service_name", (await File.ReadAllLinesAsync(path))[0], StringComparison.Ordinal);
        var review = Path.Combine(_temp.Sub("new2"), "review.md");
        (code, _, err) = await RunAsync("review", "--lake", Lake, "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z", "-o", review);
        Assert.True(code == Commands.Ok, err);
        Assert.True(File.Exists(review));
    }

    [Fact]
    public async Task Run_OnAFolderWithoutTables_Warns()
    {
        var empty = _temp.Sub("empty");
        Directory.CreateDirectory(empty);
        var (code, _, err) = await RunAsync("run", "oom-kills", "--lake", empty, "-p", "from=2026-11-02", "-p", "to=2026-11-03");
        Assert.Equal(Commands.Ok, code);
        Assert.Contains($"warning: {empty} holds no lake table (TABLE/dt=yyyy-MM-dd/*.parquet), so every answer is empty.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_WritesTheMarkdownFile()
    {
        var path = _temp.Sub("review.md");
        // The bundled sample incident, from 14:00: its Health issue opened before (13:5x) and its bad deployment
        // started at 13:57 are already under way; tasks fail on start or their health checks until the rollback.
        var (code, _, _) = await RunAsync("review", "--lake", Lake, "--from", "2026-11-02T14:00:00Z", "--to", "2026-11-02T15:30:00Z", "--service", "payments", "-o", path);
        Assert.Equal(Commands.Ok, code);
        var review = await File.ReadAllTextAsync(path, Encoding.UTF8);
        Assert.StartsWith("# Post-incident review: service payments, 2026-11-02 14:00 to 2026-11-02 15:30 UTC", review, StringComparison.Ordinal);
        Assert.Contains("tasks of payments (task definition revision 42) failed", review, StringComparison.Ordinal);
        // The organization view names a member account's service too: the names say whose.
        Assert.Matches(@"- AWS Health AWS_ECS_OPERATIONAL_ISSUE was already open \(since 2026-11-02 13:5\d\), naming 123456789012:prod/checkout,123456789012:prod/payments,210987654321:prod/ledger", review);
        Assert.Matches(@"- Deployment ecs-svc/\d+ of payments was under way \(started 2026-11-02 13:57, task definition revision 42\); it failed at 2026-11-02 15:12\.", review);
        Assert.Matches(@"tasks stopped abnormally \(\d+ health_check_failed, \d+ essential_container_exited\) in payments", review);
        Assert.Contains("- Deployments: 1 failed; 1 rolled back by the circuit breaker.", review, StringComparison.Ordinal);
        Assert.Matches(@"- Time to detect: \d+ minutes \(2026-11-02 14:20, Support case \d+ opened", review);
        Assert.Matches(@"- Time to mitigate: \d+ minutes \(2026-11-02 15:12, rollback of payments to ecs-svc/\d+ started, undoing failed deployment ecs-svc/\d+\)", review);
        Assert.Matches(@"- Time to recover: \d+ minutes \(2026-11-02 15:18, payments back to steady state\)", review);
    }

    [Fact]
    public async Task Review_ToBeforeFrom_Exits2()
    {
        var (code, _, err) = await RunAsync("review", "--lake", Lake, "--from", "2026-11-02T15:00:00Z", "--to", "2026-11-02T14:00:00Z");
        Assert.Equal(Commands.InvalidArguments, code);
        // In the options the user typed, not the parameters of the query behind the review.
        Assert.Equal("--to (2026-11-02T14:00:00.000Z) must be after --from (2026-11-02T15:00:00.000Z): the window is [--from, --to)\n", err);

        (code, _, err) = await RunAsync("review", "--lake", Lake, "--from", "soon", "--to", "2026-11-02T14:00:00Z");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Equal("--from is 'soon': expected an ISO 8601 timestamp such as 2026-11-02T14:00:00Z (no offset means UTC)\n", err);
    }

    private static Task<(int Code, string Out, string Err)> InvokeAsync(params string[] args) =>
        Some.ProgramAsync((c, i) => Commands.InvokeAsync(args, c, i));

    [Theory]
    [InlineData(new[] { "run", "oom-kills", "--lake", "x", "-f", "xml" }, "--format is 'xml': expected table, csv, json, markdown, arrow or parquet")]
    [InlineData(new[] { "report", "weekly", "--lake", "x", "--weeks", "many" }, "--weeks is 'many': expected a whole number")]
    [InlineData(new[] { "review", "--lake", "x", "--from", "2026-11-02" }, "--to is required: End of the window (exclusive).")]
    public async Task CommandLine_Invalid_OneLineEachAndExit2(string[] args, string expected)
    {
        var (code, output, err) = await InvokeAsync(args);
        Assert.Equal(Commands.InvalidArguments, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines[0]);
        Assert.StartsWith("See: dotnet run --project query -- ", lines[^1], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.Empty(output);
        Assert.DoesNotContain("Analytics.", err, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesTheCommandsAsTheReadmeRunsThem()
    {
        foreach (var command in new[] { "run", "review", "report weekly", "athena-setup" })
        {
            var (_, output, _) = await InvokeAsync([.. command.Split(' '), "--help"]);
            Assert.Contains("Example: dotnet run --project query -- " + command, output, StringComparison.Ordinal);
            Assert.DoesNotContain("analytics-query", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReportWeekly_IntoAFolderThatCannotBeMade_SaysWhereAndWhatToDo()
    {
        var file = _temp.Sub("a-file");
        await File.WriteAllTextAsync(file, "x");
        var (code, _, err) = await RunAsync("report", "weekly", "--lake", Lake, "--weeks", "1", "--until", "2026-11-08", "-o", Path.Combine(file, "report"));
        Assert.Equal(Commands.Failed, code);
        Assert.StartsWith($"Cannot write the report into {Path.Combine(file, "report")}: ", err, StringComparison.Ordinal);
        Assert.Contains("Give -o a folder you can write to", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportWeekly_WritesMarkdownAndHtml()
    {
        var folder = _temp.Sub("report");
        var (code, _, _) = await RunAsync("report", "weekly", "--lake", Lake, "--weeks", "2", "--until", "2026-11-08", "-o", folder);
        Assert.Equal(Commands.Ok, code);
        Assert.Contains("| 2026-W45 | 2026-11-02 |", await File.ReadAllTextAsync(Path.Combine(folder, "weekly-report.md")), StringComparison.Ordinal);
        Assert.Contains("data-chart=\"oom_kills\"", await File.ReadAllTextAsync(Path.Combine(folder, "weekly-report.html")), StringComparison.Ordinal);

        (code, _, var err) = await RunAsync("report", "weekly", "--lake", Lake, "--weeks", "0", "--until", "next week");
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("--weeks is 0: expected 1 to 260; --until is 'next week': expected a date yyyy-MM-dd", err, StringComparison.Ordinal);
    }
}
