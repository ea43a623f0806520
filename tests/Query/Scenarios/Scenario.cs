using System.Globalization;
using System.Text.Json;
using Analytics.Ingest.Lake;
using Analytics.Ingest.Normalize;
using Analytics.Ingest.Normalize.Support;
using Analytics.Query.Engines;
using Analytics.Schemas;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// A small incident built by hand from EventBridge events shaped as AWS documents them, ingested into a lake of
/// its own, so that a test states what an SRE would find in the raw events and checks that the catalog says it.
/// </summary>
public sealed class Scenario : IAsyncDisposable
{
    private const string Account = "123456789012";
    private readonly TempFolder _temp = Some.TempFolder();
    private readonly List<string> _events = [];
    private readonly List<LakeRow> _observations = [];
    private int _ids;

    /// <summary>The day every scenario happens on.</summary>
    public static readonly DateTime Day = new(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The lake's folder.</summary>
    public string Lake => _temp.Sub("lake");

    /// <summary>The engine over the lake, once <see cref="BuildAsync"/> ran.</summary>
    internal DuckDbEngine Engine { get; private set; } = null!;

    /// <summary><paramref name="hours"/> and <paramref name="minutes"/> into <see cref="Day"/>.</summary>
    public static DateTime At(int hours, int minutes = 0, int seconds = 0) => Day.AddHours(hours).AddMinutes(minutes).AddSeconds(seconds);

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Rfc1123(DateTime t) => t.ToString("ddd, d MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);

    private void Add(string detailType, string source, DateTime time, string[] resources, object detail, string account = Account) =>
        _events.Add(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["version"] = "0", ["id"] = $"00000000-0000-0000-0000-{++_ids:D12}", ["detail-type"] = detailType, ["source"] = source,
            ["account"] = account, ["time"] = time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), ["region"] = "us-east-1",
            ["resources"] = resources, ["detail"] = detail,
        }));

    /// <summary>A task of <paramref name="service"/> that started at <paramref name="started"/> (null: never started) and stopped as said; with a log router beside it when <paramref name="sidecarExitCode"/> is given.</summary>
    public Scenario StoppedTask(string service, DateTime? started, DateTime stopped, string stopCode, string reason,
        int? exitCode = 1, string? containerReason = null, string startedBy = "ecs-svc/1", int revision = 7, string cluster = "prod", string? containerInstanceArn = null,
        int? sidecarExitCode = null, string account = Account)
    {
        var arn = $"arn:aws:ecs:us-east-1:{account}:task/{cluster}/{++_ids:x32}";
        var container = new Dictionary<string, object?> { ["name"] = service, ["lastStatus"] = "STOPPED", ["image"] = $"{service}:r{revision}" };
        if (exitCode is not null) container["exitCode"] = exitCode;
        if (containerReason is not null) container["reason"] = containerReason;
        var detail = new Dictionary<string, object?>
        {
            ["clusterArn"] = $"arn:aws:ecs:us-east-1:{account}:cluster/{cluster}", ["taskArn"] = arn, ["group"] = $"service:{service}",
            ["taskDefinitionArn"] = $"arn:aws:ecs:us-east-1:{account}:task-definition/{service}:{revision}", ["startedBy"] = startedBy,
            ["lastStatus"] = "STOPPED", ["desiredStatus"] = "STOPPED", ["launchType"] = "FARGATE", ["stopCode"] = stopCode, ["stoppedReason"] = reason,
            ["createdAt"] = Iso((started ?? stopped).AddSeconds(-20)), ["stoppingAt"] = Iso(stopped.AddSeconds(-5)), ["stoppedAt"] = Iso(stopped),
            ["updatedAt"] = Iso(stopped), ["version"] = 5,
            ["containers"] = sidecarExitCode is null ? new[] { container }
                : new[] { container, new Dictionary<string, object?> { ["name"] = "log-router", ["lastStatus"] = "STOPPED", ["image"] = "aws-for-fluent-bit:stable", ["exitCode"] = sidecarExitCode } },
        };
        if (started is not null) detail["startedAt"] = Iso(started.Value);
        if (containerInstanceArn is not null) (detail["launchType"], detail["containerInstanceArn"]) = ("EC2", containerInstanceArn);
        Add("ECS Task State Change", "aws.ecs", stopped, [arn], detail, account);
        return this;
    }

    /// <summary>A task of <paramref name="service"/> that reached RUNNING at <paramref name="running"/> (version 2); returns its ARN through <paramref name="arn"/>.</summary>
    public Scenario RunningTask(string service, DateTime running, out string arn, int revision = 7, string cluster = "prod", string startedBy = "ecs-svc/1")
    {
        arn = $"arn:aws:ecs:us-east-1:{Account}:task/{cluster}/{++_ids:x32}";
        Add("ECS Task State Change", "aws.ecs", running, [arn], new Dictionary<string, object?>
        {
            ["clusterArn"] = $"arn:aws:ecs:us-east-1:{Account}:cluster/{cluster}", ["taskArn"] = arn, ["group"] = $"service:{service}",
            ["taskDefinitionArn"] = $"arn:aws:ecs:us-east-1:{Account}:task-definition/{service}:{revision}", ["startedBy"] = startedBy,
            ["lastStatus"] = "RUNNING", ["desiredStatus"] = "RUNNING", ["launchType"] = "FARGATE", ["createdAt"] = Iso(running.AddSeconds(-30)),
            ["startedAt"] = Iso(running), ["updatedAt"] = Iso(running), ["version"] = 2,
            ["containers"] = new[] { new { name = service, lastStatus = "RUNNING", image = $"{service}:r{revision}" } },
        });
        return this;
    }

    /// <summary>The STOPPED version (3) of a task <see cref="RunningTask"/> made.</summary>
    public Scenario TaskStopped(string arn, string service, DateTime running, DateTime stopped, string stopCode, string reason, int exitCode, int revision = 7, string cluster = "prod")
    {
        Add("ECS Task State Change", "aws.ecs", stopped, [arn], new Dictionary<string, object?>
        {
            ["clusterArn"] = $"arn:aws:ecs:us-east-1:{Account}:cluster/{cluster}", ["taskArn"] = arn, ["group"] = $"service:{service}",
            ["taskDefinitionArn"] = $"arn:aws:ecs:us-east-1:{Account}:task-definition/{service}:{revision}", ["startedBy"] = "ecs-svc/1",
            ["lastStatus"] = "STOPPED", ["desiredStatus"] = "STOPPED", ["launchType"] = "FARGATE", ["stopCode"] = stopCode, ["stoppedReason"] = reason,
            ["createdAt"] = Iso(running.AddSeconds(-30)), ["startedAt"] = Iso(running), ["stoppedAt"] = Iso(stopped), ["updatedAt"] = Iso(stopped), ["version"] = 3,
            ["containers"] = new[] { new { name = service, lastStatus = "STOPPED", image = $"{service}:r{revision}", exitCode } },
        });
        return this;
    }

    /// <summary>An ECS Container Instance State Change: the container instance <paramref name="arn"/> (EC2 instance <paramref name="ec2InstanceId"/>) is in <paramref name="status"/> at its <paramref name="version"/>.</summary>
    public Scenario ContainerInstance(string arn, string ec2InstanceId, DateTime at, string cluster = "prod", string status = "ACTIVE", int version = 1)
    {
        Add("ECS Container Instance State Change", "aws.ecs", at, [arn], new
        {
            agentConnected = true, clusterArn = $"arn:aws:ecs:us-east-1:{Account}:cluster/{cluster}", containerInstanceArn = arn,
            ec2InstanceId, status, version, updatedAt = Iso(at),
        });
        return this;
    }

    /// <summary>An ECS Deployment State Change of <paramref name="service"/>.</summary>
    public Scenario Deployment(string service, DateTime at, string id, string name, string reason, string type = "INFO")
    {
        Add("ECS Deployment State Change", "aws.ecs", at, [$"arn:aws:ecs:us-east-1:{Account}:service/prod/{service}"],
            new { eventType = type, eventName = name, deploymentId = id, updatedAt = Iso(at), reason });
        return this;
    }

    /// <summary>An ECS Service Action of <paramref name="service"/>.</summary>
    public Scenario ServiceAction(string service, DateTime at, string name, string type = "INFO", string? reason = null)
    {
        Add("ECS Service Action", "aws.ecs", at, [$"arn:aws:ecs:us-east-1:{Account}:service/prod/{service}"],
            new { eventType = type, eventName = name, clusterArn = $"arn:aws:ecs:us-east-1:{Account}:cluster/prod", reason, createdAt = Iso(at) });
        return this;
    }

    /// <summary>A version of an AWS Health event, published at <paramref name="updated"/> (null: without lastUpdatedTime, published at <paramref name="published"/>).</summary>
    public Scenario Health(string code, string category, string status, DateTime start, DateTime? updated, (string Value, string Status)[] entities,
        string scope = "ACCOUNT_SPECIFIC", DateTime? end = null, string service = "ECS", DateTime? published = null,
        string? affectedAccount = null, int? page = null, int? totalPages = null, string? communicationId = null, string? description = null,
        string deliveredTo = Account, string region = "us-east-1")
    {
        var detail = new Dictionary<string, object?>
        {
            ["eventArn"] = $"arn:aws:health:us-east-1::event/{service}/{code}/{code}_1", ["service"] = service, ["eventTypeCode"] = code,
            ["eventTypeCategory"] = category, ["eventScopeCode"] = scope, ["statusCode"] = status, ["eventRegion"] = "us-east-1",
            ["startTime"] = Rfc1123(start),
            ["affectedEntities"] = entities.Select(e => new { entityValue = e.Value, status = e.Status }).ToArray(),
        };
        if (updated is not null) detail["lastUpdatedTime"] = Rfc1123(updated.Value);
        if (end is not null) detail["endTime"] = Rfc1123(end.Value);
        if (affectedAccount is not null) detail["affectedAccount"] = affectedAccount;
        // EventBridge writes page and totalPages as strings.
        if (page is not null) (detail["page"], detail["totalPages"]) = (page.Value.ToString(CultureInfo.InvariantCulture), (totalPages ?? page.Value).ToString(CultureInfo.InvariantCulture));
        if (communicationId is not null) detail["communicationId"] = communicationId;
        if (description is not null) detail["eventDescription"] = new[] { new { language = "en_US", latestDescription = description } };
        if (region != "us-east-1") (detail["eventArn"], detail["eventRegion"]) = ($"arn:aws:health:{region}::event/{service}/{code}/{code}_1", region);
        Add("AWS Health Event", "aws.health", published ?? updated!.Value, [], detail, deliveredTo);
        return this;
    }

    /// <summary>A Support Case Update event (CreateCase, AddCommunicationToCase, ResolveCase, ReopenCase).</summary>
    public Scenario CaseEvent(string caseId, DateTime at, string name)
    {
        Add("Support Case Update", "aws.support", at, [],
            new Dictionary<string, string> { ["case-id"] = caseId, ["display-id"] = caseId[^4..], ["communication-id"] = "", ["event-name"] = name, ["origin"] = "" });
        return this;
    }

    /// <summary>
    /// A DescribeCases observation of a case made at <paramref name="observed"/>, normalized as the collector's pages
    /// will be (with the observation time recorded) and written to the lake.
    /// </summary>
    public Scenario CaseObserved(string caseId, string status, DateTime created, DateTime observed, string severity = "high")
    {
        var json = JsonSerializer.Serialize(new
        {
            caseId, displayId = caseId[^4..], subject = "Payments failing", status, serviceCode = "amazon-elastic-container-service",
            categoryCode = "other", severityCode = severity, timeCreated = Iso(created), language = "en",
        });
        using var document = JsonDocument.Parse(json);
        var record = SupportNormalizer.FromApiCase(new Fields(document.RootElement, "cases[0]"), json,
            new RecordContext("collector-page.json", observed, observed), "cases[0]");
        _observations.Add(record.Primary!);
        return this;
    }

    /// <summary>
    /// A page the collector stored: an API <paramref name="response"/> observed at <paramref name="observed"/>, in the
    /// collector's wrapper (with the check's definition for a Trusted Advisor result), ingested like any input.
    /// </summary>
    public Scenario Collected(string source, string operation, DateTime observed, object response, object? check = null, string? account = null)
    {
        var collected = new Dictionary<string, object?> { ["source"] = source, ["operation"] = operation, ["observed_at"] = Iso(observed), ["request"] = new { } };
        if (account is not null) collected["account"] = account;
        if (check is not null) collected["check"] = check;
        _events.Add(JsonSerializer.Serialize(new { collected, response }));
        return this;
    }

    /// <summary>What the ingest of the events said, once <see cref="BuildAsync"/> ran.</summary>
    internal Analytics.Ingest.Run.IngestSummary Ingested { get; private set; } = null!;

    /// <summary>Writes the events, ingests them and opens the engine.</summary>
    public async Task<Scenario> BuildAsync()
    {
        Directory.CreateDirectory(_temp.Sub("events"));
        await File.WriteAllLinesAsync(Path.Combine(_temp.Sub("events"), "events.json"), _events);
        var summary = Ingested = await Some.IngestAsync(_temp.Sub("lake"), _temp.Sub("events"));
        Assert.Equal(0L, summary.Quarantined);
        if (_observations.Count > 0)
        {
            await using var writer = new LakeWriter(new LakeLayout(_temp.Sub("lake")), "observations", batchBytes: 1 << 20);
            foreach (var row in _observations) Assert.True(await writer.AddAsync(row, 1024, CancellationToken.None));
            await writer.PublishAsync(CancellationToken.None);
        }
        Engine = await DuckDbEngine.OpenAsync(_temp.Sub("lake"), CancellationToken.None);
        return this;
    }

    /// <summary>Runs a catalog query over the scenario's lake.</summary>
    public Task<List<Dictionary<string, object?>>> RunAsync(string name, DateTime from, DateTime to, params (string Name, string Value)[] more) =>
        QueryLake.RunOnAsync(Engine, name, [("from", Iso(from)), ("to", Iso(to)), .. more]);

    public async ValueTask DisposeAsync()
    {
        if (Engine is not null) await Engine.DisposeAsync();
        _temp.Dispose();
    }
}
