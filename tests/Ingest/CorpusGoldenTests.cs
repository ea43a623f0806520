using System.Text.Json;
using Analytics.Ingest.Run;
using DuckDB.NET.Data;

namespace Analytics.Tests.Ingest;

/// <summary>Ingests the whole bundled corpus once (real published samples; see samples/corpus/_SOURCES.md).</summary>
public sealed class CorpusLake : IDisposable
{
    private readonly TempFolder _folder = Some.TempFolder();

    public CorpusLake()
    {
        Summary = Some.IngestAsync(Lake, Some.Corpus).GetAwaiter().GetResult();
        Db = Some.DuckDb(Lake);
        Quarantine = Directory.GetFiles(Path.Combine(Lake, "_quarantine"), "*.jsonl")
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
    }

    public string Lake => _folder.Sub("lake");
    internal IngestSummary Summary { get; }
    public DuckDBConnection Db { get; }
    public List<JsonElement> Quarantine { get; }

    public void Dispose()
    {
        Db.Dispose();
        _folder.Dispose();
    }
}

public class CorpusGoldenTests(CorpusLake corpus) : IClassFixture<CorpusLake>
{
    private Dictionary<string, object?> One(string sql)
    {
        var rows = Some.Query(corpus.Db, sql);
        return Assert.Single(rows);
    }

    [Fact]
    public void Ingest_Corpus_EveryRecordIsARowADuplicateOrQuarantined()
    {
        var s = corpus.Summary;
        Assert.True(s.Balanced);
        Assert.Equal(s.RecordsRead, s.RecordsLanded + s.Duplicates + s.Quarantined);
        Assert.Equal(s.Quarantined, corpus.Quarantine.Count);
    }

    [Fact]
    public void TaskStateChange_CapturedFargateStop_HasEveryValue()
    {
        var row = One("SELECT * FROM ecs_task_events WHERE task_id = 'c50e321c974248dbaf4ae2cfa1662986' AND last_status = 'STOPPED'");
        Assert.Equal("DemoTrafficGen01-ClusterEB0386A7-sCRgDrfn5BP9", row["cluster_name"]);
        Assert.Equal("DemoTrafficGen01-ServiceD69D759B-EfyMIBhdCKVk", row["service_name"]);
        Assert.Equal("service:DemoTrafficGen01-ServiceD69D759B-EfyMIBhdCKVk", row["task_group"]);
        Assert.Equal("ecs-svc/8646900195280463695", row["started_by"]);
        Assert.Equal("DemoTrafficGen01TaskDef59B414B2", row["task_family"]);
        Assert.Equal(10, row["task_revision"]);
        Assert.Equal("FARGATE", row["launch_type"]);
        Assert.Equal("1.4.0", row["platform_version"]);
        Assert.Equal("us-east-2a", row["availability_zone"]);
        Assert.Equal("ServiceSchedulerInitiated", row["stop_code"]);
        Assert.Equal("Scaling activity initiated by (deployment ecs-svc/8646900195280463695)", row["stopped_reason"]);
        Assert.Equal(6L, row["task_version"]);
        Assert.Equal(256, row["cpu_units"]);
        Assert.Equal(512, row["memory_mib"]);
        Assert.Equal("47cc72d7-e8dd-320c-cba3-a8d73d1f8d0d", row["event_id"]);
        Assert.Equal("XXXXXXXXXXXX", row["account_id"]);
        Assert.Equal("us-east-2", row["region"]);
        Assert.Equal("2023-05-02", row["dt"]);
        // "…14.98Z" has two fraction digits: 980 ms.
        Assert.Equal("2023-05-02 14:19:14.980", Ts("created_at", row));
        Assert.Equal("2023-05-02 15:29:11.177", Ts("event_time", row));
        Assert.Equal("2023-05-02 15:28:48.391", Ts("execution_stopped_at", row));
        Assert.Contains("\"stopCode\": \"ServiceSchedulerInitiated\"", (string)row["raw_event"]!);
        var container = One("SELECT c.name, c.exit_code, c.last_status, c.image_digest, c.runtime_id FROM (SELECT unnest(containers) AS c FROM ecs_task_events WHERE task_id = 'c50e321c974248dbaf4ae2cfa1662986' AND task_version = 6)");
        Assert.Equal("FargateContainer", container["name"]);
        Assert.Equal(137, container["exit_code"]);
        Assert.Equal("STOPPED", container["last_status"]);
        Assert.Equal("sha256:4c8a9049915f437fcf5e8ef339e4109140cb92039dc0d3a78460623532c7c0cb", container["image_digest"]);
        Assert.Equal("c50e321c974248dbaf4ae2cfa1662986-766747396", container["runtime_id"]);
    }

    [Fact]
    public void ContainerStates_Exit137WithoutOomReason_IsNotAnOomKill()
    {
        var row = One("SELECT * FROM ecs_container_states WHERE task_id = 'c50e321c974248dbaf4ae2cfa1662986' AND task_version = 6");
        Assert.Equal("FargateContainer", row["container_name"]);
        Assert.Equal(137, row["exit_code"]);
        Assert.Equal(false, row["oom_killed"]);
        Assert.Equal(512, row["memory_mib"]);
        Assert.Equal("47cc72d7-e8dd-320c-cba3-a8d73d1f8d0d", row["event_id"]);
    }

    [Fact]
    public void TaskStateChange_DocumentationSamplesSharingAnId_AreDistinctRows()
    {
        // The 2018 doc example and the SDK fixture share an id but differ (the fixture adds a deleted ENI).
        var rows = Some.Query(corpus.Db, "SELECT task_version FROM ecs_task_events WHERE event_id = '9bcdac79-b31f-4d3d-9410-fbd727c29fab'");
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public void DeploymentStateChange_FailedCircuitBreaker_HasServiceFromResources()
    {
        var row = One("SELECT * FROM ecs_deployment_events WHERE event_name = 'SERVICE_DEPLOYMENT_FAILED'");
        Assert.Equal("arn:aws:ecs:us-west-2:111122223333:service/default/servicetest", row["service_arn"]);
        Assert.Equal("default", row["cluster_name"]);
        Assert.Equal("servicetest", row["service_name"]);
        Assert.Equal("ERROR", row["event_type"]);
        Assert.Equal("ecs-svc/123", row["deployment_id"]);
        Assert.Equal("ECS deployment circuit breaker: task failed to start.", row["reason"]);
        Assert.Equal("2020-05-23 11:11:11.000", Ts("updated_at", row));
        Assert.Equal(4L, Some.Scalar<long>(corpus.Db, "SELECT count(*) FROM ecs_deployment_events"));
    }

    [Fact]
    public void ServiceAction_PlacementFailure_KeepsReasonAndInstances()
    {
        var row = One("SELECT * FROM ecs_service_actions WHERE reason = 'RESOURCE:CPU'");
        Assert.Equal("SERVICE_TASK_PLACEMENT_FAILURE", row["event_name"]);
        Assert.Equal("default", row["cluster_name"]);
        Assert.Equal("servicetest", row["service_name"]);
        Assert.Equal("arn:aws:ecs:us-west-2:111122223333:container-instance/default/2dd1b186f39845a584488d2ef155c131", Assert.Single((List<string>)row["container_instance_arns"]!));
        Assert.Equal("2019-11-06 19:09:33.087", Ts("created_at", row));
        var spot = One("SELECT * FROM ecs_service_actions WHERE reason = 'RESOURCE:FARGATE'");
        Assert.Equal("arn:aws:ecs:us-west-2:111122223333:capacity-provider/FARGATE_SPOT", Assert.Single((List<string>)spot["capacity_provider_arns"]!));
    }

    [Fact]
    public void ContainerInstance_ResourcesAreSplitIntoColumns()
    {
        var row = One("SELECT * FROM ecs_container_instance_events");
        Assert.Equal("i-f3a8506b", row["ec2_instance_id"]);
        Assert.Equal("default", row["cluster_name"]);
        Assert.Equal("ACTIVE", row["status"]);
        Assert.Equal(true, row["agent_connected"]);
        Assert.Equal(14801L, row["instance_version"]);
        Assert.Equal(2048, row["registered_cpu"]);
        Assert.Equal(3767, row["registered_memory_mib"]);
        Assert.Equal(1988, row["remaining_cpu"]);
        Assert.Equal(767, row["remaining_memory_mib"]);
    }

    [Fact]
    public void HealthEvent_SplitLambdaEvent_KeepsPageAndEntities()
    {
        var row = One("SELECT * FROM health_events WHERE event_type_code = 'AWS_LAMBDA_PLANNED_LIFECYCLE_EVENT'");
        Assert.Equal(1, row["page"]);
        Assert.Equal(10, row["total_pages"]);
        Assert.Equal("open", row["status_code"]);
        Assert.Equal("scheduledChange", row["event_type_category"]);
        Assert.Equal("eventbridge", row["origin"]);
        Assert.Equal("1234abc01232a4012345678-1", row["communication_id"]);
        Assert.Equal("2026-01-27 13:44:13.000", Ts("last_updated_time", row));
        Assert.Equal("2026-08-27 13:19:03.000", Ts("start_time", row));
        Assert.Equal("A description of the event will be provided here", row["description"]);
        var entities = Some.Query(corpus.Db, "SELECT entity_value, entity_status FROM health_affected_entities WHERE event_arn LIKE '%AWS_LAMBDA_PLANNED_LIFECYCLE_EVENT%' ORDER BY entity_value");
        Assert.Equal(["PENDING", "PENDING", "PENDING", "RESOLVED"], entities.Select(e => (string)e["entity_status"]!));
    }

    [Fact]
    public void HealthEvent_BackupRegionCopy_KeepsAffectedRegionApartFromDeliveryRegion()
    {
        var row = One("SELECT * FROM health_events WHERE backup_event");
        Assert.Equal("us-east-1", row["event_region"]);
        Assert.Equal("us-west-2", row["region"]);
        Assert.Equal("2022-06-03 05:30:57.000", Ts("end_time", row));
    }

    [Fact]
    public void HealthEvent_OlderFormatEntityTags_BecomeAMap()
    {
        var tags = One("SELECT tags['stage'] AS stage, tags['app'] AS app FROM health_affected_entities WHERE tags IS NOT NULL");
        Assert.Equal("prod", tags["stage"]);
        Assert.Equal("my-app", tags["app"]);
    }

    [Fact]
    public void HealthApi_DescribeEvents_EpochSecondsAndApiOrigin()
    {
        var row = One("SELECT * FROM health_events WHERE event_arn LIKE '%AWS_ECS_OPERATIONAL_ISSUE_KWQPY_EXAMPLE111'");
        Assert.Equal("api", row["origin"]);
        Assert.Equal("closed", row["status_code"]);
        Assert.Equal("us-west-1", row["event_region"]);
        Assert.Equal("2020-05-10 02:31:30.530", Ts("start_time", row));
        Assert.Equal("2020-05-10 04:52:25.905", Ts("last_updated_time", row));
        Assert.Null(row["event_id"]);
        // The same version seen by DescribeEvents and by DescribeEventDetails: two observations, whatever the order.
        var observations = Some.Query(corpus.Db, "SELECT description FROM health_events WHERE event_arn LIKE '%AWS_EC2_OPERATIONAL_ISSUE_VKTXI_EXAMPLE111' ORDER BY description NULLS FIRST");
        Assert.Equal(2, observations.Count);
        Assert.Null(observations[0]["description"]);
        Assert.StartsWith("[RESOLVED] Increased API Error Rates", (string)observations[1]["description"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void HealthApi_DescribeAffectedEntities_IsARow()
    {
        var row = One("SELECT * FROM health_affected_entities WHERE entity_value = 'AWS_ACCOUNT'");
        Assert.Equal("123456789012", row["affected_account"]);
        Assert.Equal("arn:aws:health:global:123456789012:entity/EXAMPLEimSMoULmWHpb", row["entity_arn"]);
        Assert.Equal("2020-05-01 18:07:34.080", Ts("last_updated_time", row));
    }

    [Fact]
    public void Support_EventsCasesAndCommunications_Land()
    {
        Assert.Equal(["AddCommunicationToCase", "CreateCase", "ReopenCase", "ResolveCase"],
            Some.Query(corpus.Db, "SELECT event_name FROM support_case_events ORDER BY 1").Select(r => (string)r["event_name"]!));
        var created = One("SELECT * FROM support_case_events WHERE event_name = 'CreateCase'");
        Assert.Equal("case-111122223333-muen-2022-7118885805350839", created["case_id"]);
        Assert.Equal("1234563851", created["display_id"]);
        Assert.Null(created["communication_id"]);
        var supportCase = One("SELECT * FROM support_cases");
        Assert.Equal("case-12345678910-2013-c4c1d2bf33c5cf47", supportCase["case_id"]);
        Assert.Equal("resolved", supportCase["status"]);
        Assert.Equal("low", supportCase["severity_code"]);
        Assert.Equal("general-info", supportCase["service_code"]);
        Assert.Equal("Question about my account", supportCase["subject"]);
        Assert.Equal("2020-03-23 21:31:47.774", Ts("time_created", supportCase));
        var communication = One("SELECT * FROM support_communications");
        Assert.Equal("I want to learn more about an AWS service.", communication["body"]);
        Assert.Equal("Amazon Web Services", communication["submitted_by"]);
        Assert.Equal(0, communication["attachment_count"]);
    }

    [Theory]
    [InlineData("ecs/as-published-invalid/task-state-change-fargate-spot-termination-notice-snippet.txt", "malformed")]
    [InlineData("ecs/as-published-invalid/task-state-change-fargate-spot-interruption-snippet-current-doc.txt", "malformed")]
    [InlineData("health/as-published-invalid/cloudwatch-events-guide-health-event-format-template.txt", "malformed")]
    [InlineData("health/as-published-invalid/cloudwatch-events-guide-elb-api-issue.txt", "malformed")]
    [InlineData("health/as-published-invalid/cloudwatch-events-guide-ec2-instance-store-drive-performance-degraded.txt", "malformed")]
    [InlineData("health/putevents-mock-entries/ebs-volume-lost-mock-payload.json", "unrecognized")]
    [InlineData("health/putevents-mock-entries/abuse-dos-report-mockpayload.json", "unrecognized")]
    [InlineData("health/derived-aws-health-aware/aha-event-schema-template.json", "unrecognized")]
    [InlineData("health/derived-aws-health-aware/aha-event-vpn-redundancy-loss-accountnotification.json", "unrecognized")]
    [InlineData("support/api/describe-services-general-info-response-cli-example.json", "unrecognized")]
    [InlineData("support/api/create-case-response-cli-example.json", "unrecognized")]
    [InlineData("support/api/response-syntax/DescribeCases.response-syntax.json", "unrecognized")]
    public void Quarantine_NonEventDocuments_AreKeptWithKindAndReason(string file, string kind)
    {
        var entries = corpus.Quarantine.Where(q => q.GetProperty("source_object").GetString()!.EndsWith(file, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(entries);
        Assert.Equal(kind, entries[0].GetProperty("kind").GetString());
        Assert.False(string.IsNullOrWhiteSpace(entries[0].GetProperty("reason").GetString()));
        Assert.StartsWith("record 1", entries[0].GetProperty("position").GetString(), StringComparison.Ordinal);
        // Nothing is lost: the quarantined raw text is the file's own.
        var raw = entries[0].GetProperty("raw").GetString()!;
        Assert.Contains(raw.Trim()[..Math.Min(20, raw.Trim().Length)], File.ReadAllText(Path.Combine(Some.Corpus, file)), StringComparison.Ordinal);
    }

    [Fact]
    public void Quarantine_ForeignEnvelope_SaysWhichFieldIsWrong()
    {
        var aha = corpus.Quarantine.Single(q => q.GetProperty("source_object").GetString()!.EndsWith("aha-event-vpn-redundancy-loss-accountnotification.json", StringComparison.Ordinal));
        Assert.Contains("account is the string \"`234567890123`\", expected a 12-digit account id", aha.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static string Ts(string column, Dictionary<string, object?> row) => row[column] switch
    {
        DateTime t => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"{column} is {other?.GetType().Name ?? "null"}"),
    };
}
