using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Ingest.Collect;

namespace Analytics.Generator;

public sealed partial class EventGenerator
{
    private readonly List<(string Key, byte[] Json, int Records)> _pages = [];

    /// <summary>A Trusted Advisor check of the story: its definition and, for a day of the run, the resources it lists.</summary>
    private sealed record TaCheck(string Id, string Name, string Category, string[] Columns, Func<int, List<(string Id, string Status, bool Suppressed, string?[] Values)>> Listed, Func<int, double?> Savings);

    // The checks' story, by day of the run: payments runs in one Availability Zone until the eighth day; search from the
    // fourth to the tenth; the On-Demand instance limit of the batch cluster is near (warning) for the first five days,
    // then fine (listed ok); one idle instance all along and a second every third day out of three; an open port the
    // user suppresses from the sixth day.
    private static readonly TaCheck[] TaChecks =
    [
        new("c1z7kmr00n", "Amazon ECS Multi-AZ Placement Strategy", "fault_tolerance", ["Region", "ECS Cluster Name", "ECS Service Name", "Placement Strategy", "Status"],
            day => [.. new[] { ("payments", day < 8), ("search", day is >= 3 and < 10) }.Where(s => s.Item2)
                .Select(s => ($"ecs-az-{s.Item1}", "warning", false, new string?[] { Region, "prod", s.Item1, "spread(instanceId)", "Yellow" }))], _ => null),
        new("0Xc6LMYG8P", "EC2 On-Demand Instances", "service_limits", ["Region", "Service", "Limit Name", "Limit Amount", "Current Usage", "Status"],
            day => [("limit-ec2-od", day < 5 ? "warning" : "ok", false, [Region, "EC2", "On-Demand instances - Standard (A, C, D, H, I, M, R, T, Z)", "32", day < 5 ? "28" : "12", day < 5 ? "Yellow" : "Green"])], _ => null),
        new("Qch7DwouX1", "Low Utilization Amazon EC2 Instances", "cost_optimizing", ["Region/AZ", "Instance ID", "Instance Name", "Instance Type", "Estimated Monthly Savings"],
            day => [.. new[] { ("i-0a1b2c3d4e5f60001", "batch-old", "$61.32", true), ("i-0a1b2c3d4e5f60002", null, "$30.66", day % 3 != 2) }.Where(i => i.Item4)
                .Select(i => ($"idle-{i.Item1}", "warning", false, new string?[] { $"{Region}a", i.Item1, i.Item2, "m5.large", i.Item3 }))],
            day => day % 3 != 2 ? 91.98 : 61.32),
        new("HCP4007jGY", "Security Groups - Specific Ports Unrestricted", "security", ["Region", "Security Group Name", "Security Group ID", "Protocol", "Status", "Ports"],
            day => [("sg-ops-22", "warning", day >= 5, [Region, "ops-bastion", "sg-0123456789abcdef0", "tcp", "Yellow", "22"])], _ => null),
    ];

    private void TrustedAdvisor(DateTime day, int dayIndex)
    {
        // The checks are described once a day; each is refreshed once a day and its result collected 20 minutes later; the
        // summaries, collected after, report the same refreshes (duplicates of the results' rows).
        Page("trusted-advisor", day.AddMinutes(30), "DescribeTrustedAdvisorChecks", new JsonObject { ["language"] = "en" }, null,
            new JsonObject { ["checks"] = new JsonArray([.. TaChecks.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id, ["name"] = c.Name, ["description"] = $"Checks {c.Name}.", ["category"] = c.Category, ["metadata"] = Strings(c.Columns),
            })]) }, TaChecks.Length);
        _manifest.Expect("trusted_advisor_checks", TaChecks.Length);
        var summaries = new JsonArray();
        for (var i = 0; i < TaChecks.Length; i++)
        {
            var check = TaChecks[i];
            var refreshed = day.AddHours(6).AddMinutes(10 * i);
            var listed = check.Listed(dayIndex);
            var result = new JsonObject
            {
                ["checkId"] = check.Id, ["timestamp"] = Iso(refreshed),
                ["status"] = listed.Any(r => r.Status == "error" && !r.Suppressed) ? "error" : listed.Any(r => r.Status == "warning" && !r.Suppressed) ? "warning" : "ok",
                ["resourcesSummary"] = new JsonObject
                {
                    ["resourcesProcessed"] = 10 + listed.Count, ["resourcesFlagged"] = listed.Count, ["resourcesIgnored"] = 0, ["resourcesSuppressed"] = listed.Count(r => r.Suppressed),
                },
                ["categorySpecificSummary"] = new JsonObject
                {
                    ["costOptimizing"] = new JsonObject { ["estimatedMonthlySavings"] = check.Savings(dayIndex) ?? 0, ["estimatedPercentMonthlySavings"] = check.Savings(dayIndex) is null ? 0 : 2.5 },
                },
            };
            var summary = (JsonObject)result.DeepClone();
            summary["hasFlaggedResources"] = listed.Count > 0;
            summaries.Add(summary);
            result["flaggedResources"] = new JsonArray([.. listed.Select(r => (JsonNode)new JsonObject
            {
                ["status"] = r.Status, ["region"] = Region, ["resourceId"] = r.Id, ["isSuppressed"] = r.Suppressed, ["metadata"] = Strings(r.Values),
            })]);
            Page("trusted-advisor", refreshed.AddMinutes(20), "DescribeTrustedAdvisorCheckResult", new JsonObject { ["checkId"] = check.Id, ["language"] = "en" },
                new JsonObject { ["category"] = check.Category, ["metadata"] = Strings(check.Columns) }, new JsonObject { ["result"] = result }, 1);
            _manifest.Expect("trusted_advisor_check_results");
            _manifest.Expect("trusted_advisor_flagged_resources", listed.Count);
        }
        Page("trusted-advisor", day.AddHours(7), "DescribeTrustedAdvisorCheckSummaries", new JsonObject { ["checkIds"] = Strings(TaChecks.Select(c => c.Id)) }, null,
            new JsonObject { ["summaries"] = summaries }, TaChecks.Length);
        _manifest.Duplicates += TaChecks.Length;
    }

    /// <summary>A member account of the organization, beside ours, that the day's ECS issue affects too.</summary>
    private const string MemberAccount = "210987654321";

    // The organization view of the day's Health event, as the collector's health-org pass stores it after each version: the
    // event (no account), its details in each affected account, and each account's entities: ours as EventBridge named them,
    // and the member account's ledger service.
    private void OrganizationView(string eventArn, DateTime opened, DateTime? closed, DateTime updated, string[] ours)
    {
        var status = closed is null ? "open" : "closed";
        var e = new JsonObject
        {
            ["arn"] = eventArn, ["service"] = "ECS", ["eventTypeCode"] = "AWS_ECS_OPERATIONAL_ISSUE", ["eventTypeCategory"] = "issue", ["region"] = Region,
            ["startTime"] = Epoch(opened), ["lastUpdatedTime"] = Epoch(updated), ["statusCode"] = status, ["eventScopeCode"] = "ACCOUNT_SPECIFIC",
        };
        if (closed is not null) e["endTime"] = Epoch(closed.Value);
        var observed = updated.AddMinutes(5);
        Page("health-org", observed, "DescribeEventsForOrganization", new JsonObject(), null, new JsonObject { ["events"] = new JsonArray(e.DeepClone()) }, 1);
        string[] accounts = [Account, MemberAccount];
        Page("health-org", observed, "DescribeEventDetailsForOrganization", new JsonObject(), null, new JsonObject
        {
            ["successfulSet"] = new JsonArray([.. accounts.Select(a => (JsonNode)new JsonObject
            {
                ["awsAccountId"] = a, ["event"] = e.DeepClone(), ["eventDescription"] = new JsonObject { ["latestDescription"] = "Increased task launch failures." },
            })]),
            ["failedSet"] = new JsonArray(),
        }, accounts.Length);
        var entities = ours.Select(v => (Owner: Account, Value: v)).Append((Owner: MemberAccount, Value: $"arn:aws:ecs:{Region}:{MemberAccount}:service/prod/ledger")).ToList();
        Page("health-org", observed, "DescribeAffectedEntitiesForOrganization", new JsonObject(), null, new JsonObject
        {
            ["entities"] = new JsonArray([.. entities.Select((x, i) => (JsonNode)new JsonObject
            {
                ["entityArn"] = $"arn:aws:health:{Region}:{x.Owner}:entity/{eventArn[(eventArn.LastIndexOf('_') + 1)..]}-{i}", ["eventArn"] = eventArn,
                ["entityValue"] = x.Value, ["awsAccountId"] = x.Owner, ["lastUpdatedTime"] = Epoch(updated), ["statusCode"] = closed is null ? "IMPAIRED" : "RESOLVED",
            })]),
            ["failedSet"] = new JsonArray(),
        }, entities.Count);
        // The event page's version (no account), its details in each account, and each entity.
        _manifest.Expect("health_events", 1 + accounts.Length);
        _manifest.Expect("health_affected_entities", entities.Count);
    }

    private static double Epoch(DateTime t) => new DateTimeOffset(t).ToUnixTimeMilliseconds() / 1000.0;

    private static JsonArray Strings(IEnumerable<string?> values) => new([.. values.Select(v => v is null ? null : (JsonNode)JsonValue.Create(v))]);

    // A page as the collector stores it (CollectedPage), beside the Firehose objects under collected/.
    private void Page(string source, DateTime observed, string operation, JsonObject request, JsonObject? check, JsonObject response, int records)
    {
        var json = CollectedPage.Serialize(source, operation, observed, JsonSerializer.SerializeToElement(request),
            check is null ? null : JsonSerializer.SerializeToElement(check), JsonSerializer.SerializeToElement(response));
        _pages.Add(($"collected/{CollectedPage.Key(source, observed, _pages.Count, operation)}", json, records));
    }

    private void WritePages(string folder)
    {
        foreach (var (key, json, records) in _pages)
        {
            var path = Path.Combine(folder, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, json);
            _manifest.RecordsWritten += records;
            _manifest.JsonBytes += json.Length;
            _manifest.Objects++;
        }
    }
}
