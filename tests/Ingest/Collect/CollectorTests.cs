using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Ingest.Cli;
using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Collect;
using Analytics.Tests.Aws;

namespace Analytics.Tests.Ingest.Collect;

/// <summary>
/// The Health and Support collectors against a local endpoint that replays the documented responses
/// (samples/corpus/health/api and support/api, shaped by the models), several pages each. Expected rows follow the APIs'
/// semantics: a Health event version is two observations (DescribeEvents and DescribeEventDetails), an affected entity a
/// row per version; a Support case a row per state observed, a communication a row. A second pass with nothing changed
/// adds nothing; a pass after one event and one case changed adds exactly their new versions; a pass that dies between
/// pages moves no checkpoint and the next one lands exactly what a clean pass lands; a source without a support plan
/// is one clear line while the other lands.
/// </summary>
public sealed class CollectorTests : IDisposable
{
    private static readonly string Api = Path.Combine(Some.Corpus, "health", "api");
    private readonly TempFolder _temp = Some.TempFolder();
    private readonly List<JsonObject> _events;
    private readonly JsonObject _resolvedCase;
    private readonly JsonObject _firstCommunication;
    private JsonObject _openCase;
    private readonly List<JsonObject> _openCaseCommunications;
    private int _failDescribeEventsPage2;
    private int _throttle;
    private bool _noSupportPlan;
    private bool _noOrganizationView;
    private static readonly string[] Accounts = ["111122223333", "444455556666"];

    // Two checks as DescribeTrustedAdvisorChecks documents them (each with its own metadata columns) and their results.
    private readonly List<JsonObject> _checks =
    [
        JsonNode.Parse("""{"id": "Qch7DwouX1", "name": "Low Utilization Amazon EC2 Instances", "description": "Checks the Amazon EC2 instances that were running at any time during the last 14 days.", "category": "cost_optimizing", "metadata": ["Region/AZ", "Instance ID", "Instance Name", "Instance Type", "Estimated Monthly Savings"]}""")!.AsObject(),
        JsonNode.Parse("""{"id": "H7IgTzjTYb", "name": "Amazon EBS Snapshots", "description": "Checks the age of the snapshots for your Amazon EBS volumes.", "category": "fault_tolerance", "metadata": ["Region", "Volume ID", "Volume Name", "Snapshot ID", "Snapshot Name", "Snapshot Age", "Volume Attachment", "Status", "Reason"]}""")!.AsObject(),
    ];

    private readonly Dictionary<string, JsonObject> _results = new()
    {
        ["Qch7DwouX1"] = JsonNode.Parse("""{"checkId": "Qch7DwouX1", "timestamp": "2026-11-20T06:00:00Z", "status": "warning", "resourcesSummary": {"resourcesProcessed": 40, "resourcesFlagged": 2, "resourcesIgnored": 0, "resourcesSuppressed": 0}, "categorySpecificSummary": {"costOptimizing": {"estimatedMonthlySavings": 61.32, "estimatedPercentMonthlySavings": 3.5}}, "flaggedResources": [{"status": "warning", "region": "eu-west-1", "resourceId": "d0Yh8Xq1", "isSuppressed": false, "metadata": ["eu-west-1a", "i-0a1b2c3d4e5f60001", "payments-canary", "m5.large", "$35.04"]}, {"status": "warning", "region": "eu-west-1", "resourceId": "d0Yh8Xq2", "isSuppressed": false, "metadata": ["eu-west-1b", "i-0a1b2c3d4e5f60002", null, "m5.large", "$26.28"]}]}""")!.AsObject(),
        ["H7IgTzjTYb"] = JsonNode.Parse("""{"checkId": "H7IgTzjTYb", "timestamp": "2026-11-20T06:00:00Z", "status": "warning", "resourcesSummary": {"resourcesProcessed": 12, "resourcesFlagged": 1, "resourcesIgnored": 0, "resourcesSuppressed": 0}, "categorySpecificSummary": {"costOptimizing": {"estimatedMonthlySavings": 0.0, "estimatedPercentMonthlySavings": 0.0}}, "flaggedResources": [{"status": "warning", "region": "eu-west-1", "resourceId": "k9Pq1", "isSuppressed": false, "metadata": ["eu-west-1", "vol-0aa11", "payments-db", null, null, null, "i-0a1b2c3d4e5f60001", "Yellow", "No snapshot"]}]}""")!.AsObject(),
    };
    private DateTimeOffset _now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    public CollectorTests()
    {
        _events = JsonNode.Parse(File.ReadAllText(Path.Combine(Api, "describe-events-response-cli-example1.json")))!["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var support = Path.Combine(Some.Corpus, "support", "api");
        _resolvedCase = JsonNode.Parse(File.ReadAllText(Path.Combine(support, "describe-cases-response-cli-example.json")))!["cases"]![0]!.AsObject();
        _firstCommunication = JsonNode.Parse(File.ReadAllText(Path.Combine(support, "describe-communications-response-cli-example.json")))!["communications"]![0]!.AsObject();
        // A second case, still open, with two communications, built on the documented one.
        _openCase = (JsonObject)_resolvedCase.DeepClone();
        _openCase["caseId"] = "case-12345678910-2026-0a1b2c3d4e5f6a7b";
        _openCase["displayId"] = "2026110201";
        _openCase["status"] = "work-in-progress";
        _openCase["severityCode"] = "urgent";
        _openCase["subject"] = "payments tasks failing ELB health checks";
        _openCase["timeCreated"] = "2026-11-02T14:20:00.000Z";
        _openCaseCommunications = [Communication(_openCase, "2026-11-02T14:20:00.000Z", "Our payments service tasks fail health checks."), Communication(_openCase, "2026-11-02T14:55:00.000Z", "We are looking into it.")];
    }

    public void Dispose() => _temp.Dispose();

    private static JsonObject Communication(JsonObject @case, string time, string body) =>
        new() { ["body"] = body, ["attachmentSet"] = new JsonArray(), ["caseId"] = @case["caseId"]!.GetValue<string>(), ["timeCreated"] = time, ["submittedBy"] = "Amazon Web Services" };

    // The documented behaviour: DescribeEvents filtered by lastUpdatedTimes.from (inclusive), 6 then the rest; details and
    // entities of the ARNs asked for (one entity each, a second one for the first event), entities 6 to a page.
    private FakeResponse Answer(ReceivedRequest request)
    {
        var body = request.Json;
        // Throttled as the Health and Support APIs answer when a caller exceeds its rate.
        if (request.Operation is "DescribeEvents" or "DescribeCases" && Interlocked.Decrement(ref _throttle) >= 0)
            return FakeResponse.Error(400, "ThrottlingException", "Rate exceeded");
        switch (request.Operation)
        {
            case "DescribeEvents":
            {
                var from = body["filter"]?["lastUpdatedTimes"]?[0]?["from"]?.GetValue<double>() ?? 0;
                var matching = _events.Where(e => e["lastUpdatedTime"]!.GetValue<double>() >= from).ToList();
                if (body["nextToken"] is null && matching.Count > 6)
                    return FakeResponse.Ok(new { events = matching.Take(6).Select(e => e.DeepClone()).ToList(), nextToken = "events-page-2" });
                if (body["nextToken"] is not null && Interlocked.Decrement(ref _failDescribeEventsPage2) >= 0)
                    return FakeResponse.Error(400, "InvalidPaginationToken", "The pagination token is not valid.");
                return FakeResponse.Ok(new { events = matching.Skip(body["nextToken"] is null ? 0 : 6).Select(e => e.DeepClone()).ToList() });
            }
            case "DescribeEventDetails":
            {
                var arns = body["eventArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
                Assert.True(arns.Count <= 10, "at most 10 ARNs a call");
                return FakeResponse.Ok(new
                {
                    successfulSet = arns.Select(a => new { @event = _events.Single(e => e["arn"]!.GetValue<string>() == a).DeepClone(), eventDescription = new { latestDescription = "What happened to " + a } }).ToList(),
                    failedSet = Array.Empty<object>(),
                });
            }
            case "DescribeAffectedEntities":
            {
                var arns = body["filter"]!["eventArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
                Assert.True(arns.Count <= 10, "at most 10 event ARNs a filter");
                var entities = arns.Select(a => Entity(a, "i-0" + Math.Abs(a.GetHashCode(StringComparison.Ordinal)) % 1000, "IMPAIRED")).ToList();
                entities.Add(Entity(arns[0], "i-0second", "UNIMPAIRED"));
                var page = body["nextToken"] is null ? 0 : 1;
                return page == 0 && entities.Count > 6
                    ? FakeResponse.Ok(new { entities = entities.Take(6).ToList(), nextToken = "entities-page-2" })
                    : FakeResponse.Ok(new { entities = entities.Skip(page * 6).ToList() });
            }
            case "DescribeEventsForOrganization":
                if (_noOrganizationView) return FakeResponse.Error(400, "AccessDeniedException", "Your account is not enabled for AWS Health organizational view.");
                Assert.NotNull(body["filter"]!["lastUpdatedTime"]!["from"]);
                return FakeResponse.Ok(new { events = _events.Select(e => e.DeepClone()).ToList() });
            case "DescribeAffectedAccountsForOrganization":
            {
                var e = _events.Single(x => x["arn"]!.GetValue<string>() == body["eventArn"]!.GetValue<string>());
                var scope = e["eventScopeCode"]!.GetValue<string>();
                return FakeResponse.Ok(new { affectedAccounts = scope == "ACCOUNT_SPECIFIC" ? Accounts : [], eventScopeCode = scope });
            }
            case "DescribeEventDetailsForOrganization":
            {
                var filters = body["organizationEventDetailFilters"]!.AsArray().Select(f => f!.AsObject()).ToList();
                Assert.True(filters.Count <= 10, "at most 10 filters a call");
                return FakeResponse.Ok(new
                {
                    successfulSet = filters.Select(f => new
                    {
                        awsAccountId = f["awsAccountId"]?.GetValue<string>(),
                        @event = _events.Single(e => e["arn"]!.GetValue<string>() == f["eventArn"]!.GetValue<string>()).DeepClone(),
                        eventDescription = new { latestDescription = "What happened" },
                    }).ToList(),
                    failedSet = Array.Empty<object>(),
                });
            }
            case "DescribeAffectedEntitiesForOrganization":
            {
                var filters = body["organizationEntityFilters"]!.AsArray().Select(f => f!.AsObject()).ToList();
                Assert.True(filters.Count <= 10, "at most 10 filters a call");
                var entities = filters.Select(f =>
                {
                    var entity = Entity(f["eventArn"]!.GetValue<string>(), "i-0org", "IMPAIRED");
                    entity["awsAccountId"] = f["awsAccountId"]?.GetValue<string>();
                    return entity;
                }).ToList();
                return FakeResponse.Ok(new { entities, failedSet = Array.Empty<object>() });
            }
            case "DescribeTrustedAdvisorChecks":
                Assert.Equal("en", body["language"]!.GetValue<string>());
                return FakeResponse.Ok(new { checks = _checks.Select(c => c.DeepClone()).ToList() });
            case "DescribeTrustedAdvisorCheckResult":
                return FakeResponse.Ok(new { result = _results[body["checkId"]!.GetValue<string>()].DeepClone() });
            case "DescribeTrustedAdvisorCheckSummaries":
                return FakeResponse.Ok(new
                {
                    summaries = body["checkIds"]!.AsArray().Select(id =>
                    {
                        var summary = (JsonObject)_results[id!.GetValue<string>()].DeepClone();
                        summary.Remove("flaggedResources");
                        summary["hasFlaggedResources"] = true;
                        return summary;
                    }).ToList(),
                });
            case "DescribeCases":
                if (_noSupportPlan) return FakeResponse.Error(400, "SubscriptionRequiredException", "AWS Premium Support Subscription is required to use this service.");
                Assert.True(body["includeResolvedCases"]!.GetValue<bool>());
                return body["nextToken"] is null
                    ? FakeResponse.Ok(new { cases = new[] { _resolvedCase.DeepClone() }, nextToken = "cases-page-2" })
                    : FakeResponse.Ok(new { cases = new[] { _openCase.DeepClone() } });
            case "DescribeCommunications":
            {
                var caseId = body["caseId"]!.GetValue<string>();
                var after = body["afterTime"]?.GetValue<string>();
                var all = caseId == _resolvedCase["caseId"]!.GetValue<string>() ? [_firstCommunication] : _openCaseCommunications;
                var matching = all.Where(c => after is null || string.CompareOrdinal(c["timeCreated"]!.GetValue<string>(), after) >= 0).ToList();
                return body["nextToken"] is null && matching.Count > 1
                    ? FakeResponse.Ok(new { communications = matching.Take(1).Select(c => c.DeepClone()).ToList(), nextToken = "communications-page-2" })
                    : FakeResponse.Ok(new { communications = matching.Skip(body["nextToken"] is null ? 0 : 1).Select(c => c.DeepClone()).ToList() });
            }
            default:
                return FakeResponse.Error(400, "UnknownOperationException", request.Operation);
        }
    }

    private JsonObject Entity(string eventArn, string value, string status) => new()
    {
        ["entityArn"] = $"arn:aws:health:us-east-1:123456789012:entity/{value}", ["eventArn"] = eventArn, ["entityValue"] = value, ["awsAccountId"] = "123456789012",
        ["lastUpdatedTime"] = _events.Single(e => e["arn"]!.GetValue<string>() == eventArn)["lastUpdatedTime"]!.GetValue<double>(), ["statusCode"] = status,
    };

    private sealed class Clock(Func<DateTimeOffset> now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now();
    }

    // The program's AWS clients against the fake endpoint, with the SigV4 suite's example credentials.
    private static AwsClients Aws(AwsSettings settings) =>
        new(settings, new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), TimeProvider.System);

    private async Task<List<CollectResult>> PassAsync(FakeAwsEndpoint endpoint, string sources = "health,support")
    {
        _now = _now.AddMinutes(15);
        using var aws = Aws(new AwsSettings { HealthEndpoint = endpoint.Url.ToString(), SupportEndpoint = endpoint.Url.ToString() });
        return await new Collector(new CollectOptions { Sources = sources.Split(','), Since = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            new LakeSettings { Location = _temp.Sub("lake") }, aws, new Clock(() => _now)).RunAsync(CancellationToken.None);
    }

    private Dictionary<string, long> Rows()
    {
        using var db = Some.DuckDb(_temp.Sub("lake"));
        return Analytics.Schemas.LakePaths.TablesWithData(_temp.Sub("lake")).ToDictionary(t => t, t => Some.Scalar<long>(db, $"SELECT count(*) FROM {t}"));
    }

    private static readonly Dictionary<string, long> FirstPass = new()
    {
        // 10 event versions, each seen by DescribeEvents and by DescribeEventDetails; 11 entities (two for one event).
        ["health_events"] = 20, ["health_affected_entities"] = 11,
        // Two cases, one state each; the resolved case's communication and the open case's two.
        ["support_cases"] = 2, ["support_communications"] = 3,
    };

    // STS GetCallerIdentity's documented response (STS API reference, GetCallerIdentity example).
    private const string CallerIdentityXml = """
        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <GetCallerIdentityResult>
            <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
            <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
            <Account>123456789012</Account>
          </GetCallerIdentityResult>
          <ResponseMetadata>
            <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
          </ResponseMetadata>
        </GetCallerIdentityResponse>
        """;

    [Fact]
    public async Task Pages_CarryTheCallersAccount_SoTheAccountViewsEventsAndChecksAreItsOwn()
    {
        using var endpoint = new FakeAwsEndpoint(r => r.Body.Contains("Action=GetCallerIdentity", StringComparison.Ordinal)
            ? new FakeResponse(200, CallerIdentityXml, new Dictionary<string, string> { ["x-amzn-RequestId"] = "01234567-89ab-cdef-0123-456789abcdef" })
            : Answer(r));
        using var aws = Aws(new AwsSettings { HealthEndpoint = endpoint.Url.ToString(), SupportEndpoint = endpoint.Url.ToString(), StsEndpoint = endpoint.Url.ToString() });
        var results = await new Collector(new CollectOptions { Sources = ["health", "trusted-advisor"], Since = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) },
            new LakeSettings { Location = _temp.Sub("lake") }, aws, new Clock(() => _now)).RunAsync(CancellationToken.None);
        Assert.All(results, r => Assert.Null(r.Error));

        // Every page says whose view it is.
        var pages = Directory.GetFiles(Path.Combine(_temp.Sub("lake"), Analytics.Schemas.LakePaths.CollectedFolder), "*.json", SearchOption.AllDirectories);
        Assert.NotEmpty(pages);
        Assert.All(pages, p => Assert.Equal("123456789012", JsonNode.Parse(File.ReadAllText(p))!["collected"]!["account"]!.GetValue<string>()));
        using (var db = Some.DuckDb(_temp.Sub("lake")))
        {
            Assert.Equal("123456789012", Some.Scalar<string>(db, "SELECT string_agg(DISTINCT account_id, ',') FROM health_events"));
            Assert.Equal("123456789012", Some.Scalar<string>(db, "SELECT string_agg(DISTINCT account_id, ',') FROM trusted_advisor_check_results"));
            Assert.Equal("123456789012", Some.Scalar<string>(db, "SELECT string_agg(DISTINCT account_id, ',') FROM trusted_advisor_flagged_resources"));
        }

        // The account view's account-specific events are the caller's; its public ones no account's.
        var times = _events.Select(e => DateTimeOffset.FromUnixTimeMilliseconds((long)(e["lastUpdatedTime"]!.GetValue<double>() * 1000))).ToList();
        await using var engine = await Analytics.Query.Engines.DuckDbEngine.OpenAsync(_temp.Sub("lake"), CancellationToken.None);
        var byAccount = (await Analytics.Tests.Query.QueryLake.RunOnAsync(engine, "health-organization",
                ("from", times.Min().AddDays(-1).ToString("O")), ("to", times.Max().AddDays(1).ToString("O")), ("lookback_days", "0")))
            .ToDictionary(r => (string)r["affected_account"]!, r => (long)r["events"]!);
        var scopes = _events.GroupBy(e => e["eventScopeCode"]!.GetValue<string>()).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(new Dictionary<string, long> { ["123456789012"] = scopes["ACCOUNT_SPECIFIC"], ["public"] = scopes["PUBLIC"] }, byAccount);
        var findings = await Analytics.Tests.Query.QueryLake.RunOnAsync(engine, "trusted-advisor-findings", ("from", "2026-11-20T00:00:00Z"), ("to", "2026-11-21T00:00:00Z"));
        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal("123456789012", f["account_id"]));
    }

    [Fact]
    public async Task Passes_FirstLandsEverything_SecondNothing_ThirdOnlyWhatChanged()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);

        var first = await PassAsync(endpoint);
        Assert.All(first, r => Assert.Null(r.Error));
        Assert.Equal(FirstPass, Rows());
        Assert.Equal(new Dictionary<string, int> { ["DescribeAffectedEntities"] = 2, ["DescribeEventDetails"] = 1, ["DescribeEvents"] = 2 }, first[0].Pages);
        // Support pages: DescribeCases 2, communications of the resolved case 1, of the open case 2.
        Assert.Equal(new Dictionary<string, int> { ["DescribeCases"] = 2, ["DescribeCommunications"] = 3 }, first[1].Pages);
        using (var db = Some.DuckDb(_temp.Sub("lake")))
        {
            // Rows are dated by when their page was observed, from the injected clock, not by file times.
            Assert.Equal(new DateTime(2026, 11, 20, 12, 15, 0), Some.Scalar<DateTime>(db, $"SELECT max(observed_at)::TIMESTAMP FROM support_cases"));
            Assert.Equal(1L, Some.Scalar<long>(db, "SELECT count(*) FROM health_events WHERE description = 'What happened to ' || event_arn AND event_arn LIKE '%AWS_ECS_OPERATIONAL_ISSUE_KWQPY%'"));
        }

        // Nothing changed: nothing lands, and no communications are asked for.
        var asked = endpoint.Received.Count;
        var second = await PassAsync(endpoint);
        Assert.All(second, r => Assert.Null(r.Error));
        Assert.Equal(FirstPass, Rows());
        var secondRequests = endpoint.Received.Skip(asked).ToList();
        Assert.DoesNotContain(secondRequests, r => r.Operation == "DescribeCommunications");
        // Health asks from the newest update it saw, inclusive.
        var newest = _events.Max(e => e["lastUpdatedTime"]!.GetValue<double>());
        Assert.Equal(newest, secondRequests.First(r => r.Operation == "DescribeEvents").Json["filter"]!["lastUpdatedTimes"]![0]!["from"]!.GetValue<double>(), 3);

        // One event updated (closed later), one case changed (a reply and resolved).
        var changed = _events[1];
        changed["lastUpdatedTime"] = newest + 3600;
        changed["statusCode"] = "closed";
        _openCaseCommunications.Add(Communication(_openCase, "2026-11-03T09:00:00.000Z", "Resolved by the rollback."));
        _openCase = (JsonObject)_openCase.DeepClone();
        _openCase["status"] = "resolved";
        await PassAsync(endpoint);

        var expected = new Dictionary<string, long>(FirstPass);
        expected["health_events"] += 2; // the new version, by DescribeEvents and by DescribeEventDetails
        expected["health_affected_entities"] += 1; // its entity at the new time
        expected["support_cases"] += 1; // the case's new state
        expected["support_communications"] += 1; // the reply
        Assert.Equal(expected, Rows());
    }

    [Fact]
    public async Task Pass_Throttled_BacksOffAndLandsExactlyACleanPass()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);
        _throttle = 3;
        var results = await PassAsync(endpoint);
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(FirstPass, Rows());
        // Each throttled call was made again, after a pause: three refusals, then the same calls as an unthrottled pass.
        var calls = endpoint.Received.Where(r => r.Operation is "DescribeEvents" or "DescribeCases").ToList();
        Assert.Equal(2 + 2 + 3, calls.Count);
    }

    [Fact]
    public async Task Pass_DiesBetweenPages_CheckpointStays_AndTheNextPassLandsExactlyACleanPass()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);
        _failDescribeEventsPage2 = 1;

        var failed = await PassAsync(endpoint, "health");
        var error = Assert.Single(failed).Error;
        Assert.StartsWith("health: DescribeEvents failed (InvalidPaginationToken): ", error, StringComparison.Ordinal);
        // The first page was stored and ingested; no checkpoint was saved.
        Assert.Equal(6L, Rows()["health_events"]);
        Assert.False(File.Exists(_temp.Sub("lake/_checkpoints/collect-health.json")));

        var again = await PassAsync(endpoint, "health");
        Assert.Null(Assert.Single(again).Error);
        Assert.Equal(FirstPass.Where(p => p.Key.StartsWith("health", StringComparison.Ordinal)).ToDictionary(), Rows());
        Assert.True(again[0].Ingest!.Duplicates >= 6, $"{again[0].Ingest!.Duplicates} duplicates");
    }

    [Fact]
    public async Task CollectCommand_NoSupportPlan_OneLineAndHealthStillLands()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);
        _noSupportPlan = true;

        var (code, output, _) = await Some.ProgramAsync((c, i) => Commands.InvokeAsync(
            ["collect", "--lake", _temp.Sub("lake"), "--health-endpoint", endpoint.Url.ToString(), "--support-endpoint", endpoint.Url.ToString(), "--since", "2020-01-01", "--quiet"], c, i));

        Assert.Equal(Commands.Failed, code);
        Assert.Contains("health: 5 pages, 31 records landed, 0 duplicates, 0 quarantined", output, StringComparison.Ordinal);
        Assert.Contains("support: FAILED: support: DescribeCases failed (SubscriptionRequiredException): the account has no Business, Enterprise On-Ramp or Enterprise Support plan, which the Support API needs.", output, StringComparison.Ordinal);
        Assert.Equal(20L, Rows()["health_events"]);
        Assert.DoesNotContain("support_cases", Rows().Keys);
    }

    [Fact]
    public async Task Worker_CollectsEachSourceOnItsOwnSchedule()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);
        using var aws = Aws(new AwsSettings { HealthEndpoint = endpoint.Url.ToString(), SupportEndpoint = endpoint.Url.ToString() });
        var services = new Analytics.Ingest.Worker.WorkerServices(new WorkerSettings { Collect = ["health", "support"], HealthFile = _temp.Sub("worker.health") },
            new LakeSettings { Location = _temp.Sub("lake") }, new IngestSettings(), new CollectSettings { HealthIntervalSeconds = 10, SupportIntervalSeconds = 3600 }, aws);
        Assert.Empty(SettingsLoader.Problems(services.Worker, services.Lake, services.Collect));
        // The documented events are of 2020: the worker's clock runs at real speed from mid-2020, so its first pass's
        // 90 days back reach them.
        var offset = DateTimeOffset.UtcNow - new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);
        using var host = Analytics.Ingest.Worker.WorkerHost.Build(services, time: new Clock(() => DateTimeOffset.UtcNow - offset), logs: Microsoft.Extensions.Logging.Abstractions.NullLoggerProvider.Instance);
        await host.StartAsync();
        int Passes(string operation) => endpoint.Received.Count(r => r.Operation == operation && r.Json["nextToken"] is null);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Passes("DescribeEvents") < 2 && DateTime.UtcNow < deadline) await Task.Delay(200);
        await host.StopAsync();

        // Health came round again after its 10 s; Support, due hourly, once.
        Assert.Equal(2, Passes("DescribeEvents"));
        Assert.Equal(1, Passes("DescribeCases"));
        Assert.Equal(FirstPass, Rows());
        // A worker that only collects reports its passes in the health file (judged at the file's own time: the worker's
        // clock runs from mid-2020).
        var health = JsonDocument.Parse(File.ReadAllText(_temp.Sub("worker.health"))).RootElement;
        Assert.Equal(JsonValueKind.Null, health.GetProperty("last_error").ValueKind);
        Assert.Null(Analytics.Ingest.Worker.WorkerHealth.Problem(_temp.Sub("worker.health"), health.GetProperty("at").GetDateTimeOffset(), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task OrganizationView_EachEventInEachAffectedAccount()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);

        var result = Assert.Single(await PassAsync(endpoint, "health-org"));

        Assert.Null(result.Error);
        // 8 public events (no account in particular) and 2 account-specific ones in 2 accounts each: 12 (event, account).
        // Each event by DescribeEventsForOrganization, and each (event, account) by the details: 10 + 12; an entity each.
        Assert.Equal(new Dictionary<string, long> { ["health_events"] = 22, ["health_affected_entities"] = 12 }, Rows());
        Assert.Equal(10, result.Pages["DescribeAffectedAccountsForOrganization"]);
        Assert.Equal(2, result.Pages["DescribeEventDetailsForOrganization"]);
        using var db = Some.DuckDb(_temp.Sub("lake"));
        Assert.Equal(2L, Some.Scalar<long>(db, "SELECT count(DISTINCT affected_account) FROM health_affected_entities"));
        Assert.Equal(0L, Some.Scalar<long>(db, "SELECT count(*) FROM health_affected_entities WHERE affected_account IS NOT NULL AND event_arn NOT IN (SELECT event_arn FROM health_events WHERE event_scope_code = 'ACCOUNT_SPECIFIC')"));
    }

    [Fact]
    public async Task OrganizationView_NotEnabled_OneLineSayingWhatToDo_AndTheAccountViewStillLands()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);
        _noOrganizationView = true;

        var results = await PassAsync(endpoint, "health-org,health");

        Assert.StartsWith("health-org: DescribeEventsForOrganization failed (AccessDeniedException): the identity may not call it.", results[0].Error, StringComparison.Ordinal);
        Assert.Null(results[1].Error);
        Assert.Equal(20L, Rows()["health_events"]);
    }

    [Fact]
    public async Task TrustedAdvisor_ChecksResultsAndResources_KeyedByTheChecksColumns_AndOnlyRefreshesAdded()
    {
        using var endpoint = new FakeAwsEndpoint(Answer);

        var first = Assert.Single(await PassAsync(endpoint, "trusted-advisor"));
        Assert.Null(first.Error);
        // Two checks; one result each (the summaries report the same refreshes); two resources flagged by one, one by the other.
        var expected = new Dictionary<string, long> { ["trusted_advisor_checks"] = 2, ["trusted_advisor_check_results"] = 2, ["trusted_advisor_flagged_resources"] = 3 };
        Assert.Equal(expected, Rows());
        using (var db = Some.DuckDb(_temp.Sub("lake")))
        {
            Assert.Equal("payments-canary", Some.Scalar<string>(db, "SELECT metadata['Instance Name'] FROM trusted_advisor_flagged_resources WHERE resource_id = 'd0Yh8Xq1'"));
            Assert.Equal("No snapshot", Some.Scalar<string>(db, "SELECT metadata['Reason'] FROM trusted_advisor_flagged_resources WHERE check_id = 'H7IgTzjTYb'"));
            // An empty cell is no key at all.
            Assert.Equal(0L, Some.Scalar<long>(db, "SELECT count(*) FROM trusted_advisor_flagged_resources WHERE resource_id = 'd0Yh8Xq2' AND map_contains(metadata, 'Instance Name')"));
            Assert.Equal(61.32, Some.Scalar<double>(db, "SELECT estimated_monthly_savings FROM trusted_advisor_check_results WHERE check_id = 'Qch7DwouX1'"));
            Assert.Equal("cost_optimizing", Some.Scalar<string>(db, "SELECT category FROM trusted_advisor_check_results WHERE check_id = 'Qch7DwouX1' AND category IS NOT NULL"));
            Assert.Equal(new DateTime(2026, 11, 20, 6, 0, 0), Some.Scalar<DateTime>(db, "SELECT max(event_time)::TIMESTAMP FROM trusted_advisor_check_results"));
        }

        // Not refreshed: nothing new.
        Assert.Null(Assert.Single(await PassAsync(endpoint, "trusted-advisor")).Error);
        Assert.Equal(expected, Rows());

        // The snapshot check refreshed with a second resource flagged: its result and both its resources, at the new time.
        var refreshed = _results["H7IgTzjTYb"];
        refreshed["timestamp"] = "2026-11-20T12:00:00Z";
        refreshed["resourcesSummary"]!["resourcesFlagged"] = 2;
        refreshed["flaggedResources"]!.AsArray().Add(JsonNode.Parse("""{"status": "error", "region": "eu-west-1", "resourceId": "k9Pq2", "isSuppressed": false, "metadata": ["eu-west-1", "vol-0bb22", "orders-db", null, null, null, null, "Red", "No snapshot"]}"""));
        Assert.Null(Assert.Single(await PassAsync(endpoint, "trusted-advisor")).Error);
        expected["trusted_advisor_check_results"] += 1;
        expected["trusted_advisor_flagged_resources"] += 2;
        Assert.Equal(expected, Rows());
    }

    [Fact]
    public async Task HealthActiveRegion_FromTheGlobalName()
    {
        Assert.Equal("us-east-2", await Analytics.Aws.Health.HealthClient.ActiveRegionAsync(_ => Task.FromResult("health.us-east-2.amazonaws.com")));
        Assert.Equal("us-east-1", await Analytics.Aws.Health.HealthClient.ActiveRegionAsync(_ => Task.FromResult("health.us-east-1.amazonaws.com")));
        // Unresolvable: the primary region.
        Assert.Equal("us-east-1", await Analytics.Aws.Health.HealthClient.ActiveRegionAsync(_ => throw new System.Net.Sockets.SocketException()));
    }
}
