using Analytics.Query.Cli;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;
using Analytics.Schemas.Views;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Query.Cli;

/// <summary>
/// athena-setup against a local Athena whose catalog applies the DDL it receives (one statement per call, as Athena
/// runs them): from an empty account, again with nothing to do, and after the contract grew or the catalog drifted.
/// </summary>
public sealed class AthenaSetupTests : IDisposable
{
    private readonly FakeAthena _athena = new();

    public AthenaSetupTests()
    {
        _athena.ViewColumnsOf = name => SharedViews.All.Single(v => v.Name == name).Columns;
    }

    public void Dispose() => _athena.Dispose();

    private Task<(int Code, string Out, string Err)> SetupAsync(params string[] more) =>
        Some.ProgramAsync((c, i) => Commands.Build(c).Parse(["athena-setup", "--location", "s3://lake-bucket/ops/", "--database", "ops", "--region", "eu-west-1",
            "--athena-endpoint", _athena.Url.ToString(), .. more]).InvokeAsync(i));

    private List<string> Statements => _athena.Received.Where(r => r.Operation == "StartQueryExecution").Select(r => (string)r.Json["QueryString"]!).ToList();

    [Fact]
    public async Task Setup_EmptyAccount_CreatesTheDatabaseAndEveryTableOneStatementPerCall()
    {
        var (code, output, err) = await SetupAsync();

        Assert.True(code == Commands.Ok, err);
        var tables = TableCatalog.All.Select(t => t.Name).ToList();
        var views = SharedViews.All.Select(v => v.Name).ToList();
        Assert.Equal(["ops: created", .. tables.Select(t => $"ops.{t}: created"), .. views.Select(v => $"ops.{v}: created")], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var objects = 1 + tables.Count + views.Count;
        Assert.Contains($"{objects} objects checked, {objects} changed, {objects} statements sent.", err, StringComparison.Ordinal);
        var statements = Statements;
        Assert.Equal(objects, statements.Count);
        Assert.Equal(views.Select(v => $"CREATE OR REPLACE VIEW `ops`.`{v}` AS\n"), statements.TakeLast(views.Count).Select(s => s[..(s.IndexOf('\n', StringComparison.Ordinal) + 1)]));
        Assert.Contains("bi_task_stops", views);
        Assert.All(statements, s => Assert.False(s.TrimEnd().EndsWith(';'), "one statement, no terminator"));
        // The database is created from "default" (it does not exist yet); the tables in it.
        var starts = _athena.Received.Where(r => r.Operation == "StartQueryExecution").ToList();
        Assert.Equal("default", (string)starts[0].Json["QueryExecutionContext"]!["Database"]!);
        Assert.All(starts.Skip(1), s => Assert.Equal("ops", (string)s.Json["QueryExecutionContext"]!["Database"]!));
        // Every table is in the catalog with the contract's columns and partition projection on dt.
        var tasks = _athena.Tables["ops.ecs_task_events"];
        Assert.Equal(AthenaDdl.Columns(TableCatalog.ForName("ecs_task_events")).Select(c => (c.Name, c.Type)), tasks.Columns);
        Assert.Equal("s3://lake-bucket/ops/ecs_task_events/dt=${dt}/", tasks.Parameters["storage.location.template"]);
        Assert.Equal("true", tasks.Parameters["projection.enabled"]);
    }

    [Fact]
    public async Task Setup_AgainWithNothingToDo_ChangesNothing()
    {
        await SetupAsync();
        var sent = Statements.Count;

        var (code, output, err) = await SetupAsync();

        Assert.True(code == Commands.Ok, err);
        Assert.Equal(sent, Statements.Count);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith(": unchanged", line, StringComparison.Ordinal));
        Assert.Contains("0 changed, 0 statements sent.", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_ContractGrewOrCatalogDrifted_SendsOnlyWhatDiffers()
    {
        await SetupAsync();
        var sent = Statements.Count;
        // An older contract: the task table without its last two columns; a narrower projection range on the Health
        // table; and a column retyped by hand on the deployments table.
        var tasks = _athena.Tables["ops.ecs_task_events"];
        var removed = tasks.Columns.Skip(tasks.Columns.Count - 2).Select(c => c.Name).ToList();
        tasks.Columns.RemoveRange(tasks.Columns.Count - 2, 2);
        _athena.Tables["ops.health_events"].Parameters["projection.dt.range"] = "2024-01-01,NOW";
        var deployments = _athena.Tables["ops.ecs_deployment_events"];
        deployments.Columns[1] = (deployments.Columns[1].Name, "int");

        var (code, output, err) = await SetupAsync();

        Assert.True(code == Commands.Ok, err);
        Assert.Contains($"ops.ecs_task_events: columns added ({string.Join(", ", removed)})", output, StringComparison.Ordinal);
        Assert.Contains("ops.health_events: properties updated (projection.dt.range)", output, StringComparison.Ordinal);
        Assert.Contains($"ops.ecs_deployment_events: replaced (columns differ: column 2 is {deployments.Columns[1].Name} int", output, StringComparison.Ordinal);
        var statements = Statements.Skip(sent).ToList();
        Assert.Equal(4, statements.Count);
        Assert.StartsWith("ALTER TABLE `ops`.`ecs_task_events` ADD COLUMNS (", statements[0], StringComparison.Ordinal);
        Assert.Contains(statements, s => s == "DROP TABLE IF EXISTS `ops`.`ecs_deployment_events`");
        Assert.Contains(statements, s => s == "ALTER TABLE `ops`.`health_events` SET TBLPROPERTIES ('projection.dt.range'='2015-01-01,NOW')");
        // Now the catalog is the contract's.
        Assert.Equal(AthenaDdl.Columns(TableCatalog.ForName("ecs_task_events")).Select(c => (c.Name, c.Type)), _athena.Tables["ops.ecs_task_events"].Columns);
        Assert.Equal(AthenaDdl.Columns(TableCatalog.ForName("ecs_deployment_events")).Select(c => (c.Name, c.Type)), _athena.Tables["ops.ecs_deployment_events"].Columns);
    }

    [Fact]
    public async Task Setup_ViewsAskedOrChanged_AreReplaced()
    {
        await SetupAsync();
        var sent = Statements.Count;
        _athena.Tables["ops.task_latest_state"].Columns.RemoveAt(0);

        var (code, output, err) = await SetupAsync();
        Assert.True(code == Commands.Ok, err);
        Assert.Contains("ops.task_latest_state: replaced (columns differ)", output, StringComparison.Ordinal);
        Assert.Contains("ops.support_case_resolution: unchanged", output, StringComparison.Ordinal);
        Assert.Equal(sent + 1, Statements.Count);

        (code, output, err) = await SetupAsync("--replace-views");
        Assert.True(code == Commands.Ok, err);
        Assert.Contains("ops.support_case_resolution: replaced (asked)", output, StringComparison.Ordinal);
        Assert.Equal(sent + 1 + SharedViews.All.Count, Statements.Count);
    }

    [Fact]
    public async Task Setup_AStatementFails_Exits1WithAthenasMessageAndKeepsWhatWasDone()
    {
        _athena.RefuseDdlContaining = "`ecs_service_actions`";

        var (code, output, err) = await SetupAsync();

        Assert.Equal(Commands.Failed, code);
        Assert.Contains("failed: Insufficient permissions to execute the query on `ecs_service_actions`", err, StringComparison.Ordinal);
        Assert.Contains("ops: created", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ecs_service_actions", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_LocationNotS3_Exits2()
    {
        var (code, _, err) = await Some.ProgramAsync((c, i) => Commands.Build(c).Parse(["athena-setup", "--location", "my-bucket/lake", "--region", "eu-west-1"]).InvokeAsync(i));
        Assert.Equal(Commands.InvalidArguments, code);
        Assert.Contains("Location 'my-bucket/lake' must be an S3 URI: s3://bucket/prefix/.", err, StringComparison.Ordinal);
        Assert.Empty(_athena.Received);
    }
}
