using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// AWS Health across the organization from the organization view's pages (DescribeEventsForOrganization names no
/// account; DescribeEventDetailsForOrganization and DescribeAffectedEntitiesForOrganization name one each, as the Health
/// API documents), with EventBridge events of the account itself and a public event, counted by account by hand.
/// </summary>
public sealed class HealthOrganizationScenarioTests
{
    private const string Outage = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_X";
    private const string Maintenance = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_REBOOT_MAINTENANCE_SCHEDULED/M";
    private const string Old = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_OLD";

    private static double Epoch(DateTime t) => new DateTimeOffset(t).ToUnixTimeMilliseconds() / 1000.0;

    private static object Event(string arn, string code, string category, string status, DateTime start, DateTime updated, DateTime? end = null) => new Dictionary<string, object>
    {
        ["arn"] = arn, ["service"] = "EC2", ["eventTypeCode"] = code, ["eventTypeCategory"] = category, ["region"] = "us-east-1",
        ["startTime"] = Epoch(start), ["lastUpdatedTime"] = Epoch(updated), ["statusCode"] = status, ["eventScopeCode"] = "ACCOUNT_SPECIFIC",
        ["endTime"] = end is null ? null! : Epoch(end.Value),
    }.Where(p => p.Value is not null).ToDictionary();

    private static object Entity(string eventArn, string account, string value, string status, DateTime updated) =>
        new { entityArn = $"arn:aws:health:us-east-1:{account}:entity/{value}", eventArn, entityValue = value, awsAccountId = account, lastUpdatedTime = Epoch(updated), statusCode = status };

    /// <summary>One version of an organization event: the events page, the details for each account, the entities.</summary>
    private static Scenario Version(Scenario s, object e, string[] accounts, object[] entities, DateTime observed) => s
        .Collected("health-org", "DescribeEventsForOrganization", observed, new { events = new[] { e } })
        .Collected("health-org", "DescribeEventDetailsForOrganization", observed, new
        {
            successfulSet = accounts.Select(a => new { awsAccountId = a, @event = e, eventDescription = new { latestDescription = "What happened" } }).ToArray(),
            failedSet = Array.Empty<object>(),
        })
        .Collected("health-org", "DescribeAffectedEntitiesForOrganization", observed, new { entities, failedSet = Array.Empty<object>() });

    private static async Task<Scenario> StoryAsync()
    {
        var s = new Scenario();
        // Closed three days before: not active in the window.
        Version(s, Event(Old, "AWS_EC2_OPERATIONAL_ISSUE", "issue", "closed", Day.AddDays(-3), Day.AddDays(-3).AddHours(2), Day.AddDays(-3).AddHours(2)),
            ["111111111111"], [Entity(Old, "111111111111", "i-0old", "RESOLVED", Day.AddDays(-3).AddHours(2))], Day.AddDays(-3).AddHours(3));
        // Opened at 09:00 in two accounts (i-1 impaired and i-2 not in the first, i-3 impaired in the second), closed at 13:00
        // with i-1 resolved.
        Version(s, Event(Outage, "AWS_EC2_OPERATIONAL_ISSUE", "issue", "open", At(9), At(9, 30)), ["111111111111", "222222222222"],
            [Entity(Outage, "111111111111", "i-1", "IMPAIRED", At(9, 30)), Entity(Outage, "111111111111", "i-2", "UNIMPAIRED", At(9, 30)), Entity(Outage, "222222222222", "i-3", "IMPAIRED", At(9, 30))], At(9, 35));
        Version(s, Event(Outage, "AWS_EC2_OPERATIONAL_ISSUE", "issue", "closed", At(9), At(13), At(13)), ["111111111111", "222222222222"],
            [Entity(Outage, "111111111111", "i-1", "RESOLVED", At(13))], At(13, 5));
        // A reboot scheduled for tomorrow in the second account, published at 14:00.
        Version(s, Event(Maintenance, "AWS_EC2_INSTANCE_REBOOT_MAINTENANCE_SCHEDULED", "scheduledChange", "upcoming", Day.AddDays(1), At(14)), ["222222222222"],
            [Entity(Maintenance, "222222222222", "i-3", "PENDING", At(14))], At(14, 5));
        // This account's own ECS issue through EventBridge, and a public event naming no account.
        s.Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(11), At(11), [("arn:aws:ecs:us-east-1:123456789012:service/prod/payments", "IMPAIRED")]);
        s.Health("AWS_LAMBDA_OPERATIONAL_ISSUE", "issue", "open", At(12, 30), At(12, 30), [], scope: "PUBLIC", service: "LAMBDA");
        return await s.BuildAsync();
    }

    [Fact]
    public async Task HealthOrganization_EachAccountsActiveEventsAndEntities()
    {
        await using var s = await StoryAsync();
        var rows = (await s.RunAsync("health-organization", At(12), At(18))).ToDictionary(r => (string)r["affected_account"]!);

        Assert.Equal(["111111111111", "123456789012", "222222222222", "public"], rows.Keys.Order(StringComparer.Ordinal));
        // Open at the start and closed at 13:00; i-1 resolved, i-2 never impaired.
        Assert.Equal((1L, 1L, 0L, 0L, 2L, 0L), Counts(rows["111111111111"]));
        // The same outage (i-3 still impaired: no later version) and the reboot scheduled for tomorrow.
        Assert.Equal((2L, 1L, 1L, 0L, 2L, 1L), Counts(rows["222222222222"]));
        Assert.Equal("AWS_EC2_INSTANCE_REBOOT_MAINTENANCE_SCHEDULED,AWS_EC2_OPERATIONAL_ISSUE", rows["222222222222"]["event_types"]);
        Assert.Equal((1L, 1L, 0L, 1L, 1L, 1L), Counts(rows["123456789012"]));
        Assert.Equal((1L, 1L, 0L, 1L, 0L, 0L), Counts(rows["public"]));
    }

    [Fact]
    public async Task HealthOrganization_AWindowBeforeAnyEvent_IsEmpty_AndOneAfterTheOutage_HasOnlyWhatWasStillActive()
    {
        await using var s = await StoryAsync();
        Assert.Empty(await s.RunAsync("health-organization", At(6), At(8)));
        // From 20:00: the outage is closed, the reboot upcoming but not due before 22:00, the ECS and public issues still open.
        var late = (await s.RunAsync("health-organization", At(20), At(22))).ToDictionary(r => (string)r["affected_account"]!);
        Assert.Equal(["123456789012", "public"], late.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task HealthImpact_AnEventOfAnotherAccount_OverlapsNoneOfOurFailures_APublicOneOverlapsByRegion()
    {
        // Our payments task fails its health checks at 12:15. Meanwhile an EC2 issue with no entities (matched by region)
        // affects member account 111111111111 only, as the organization view says; a public Lambda issue affects no account
        // in particular; our own ECS issue names the payments service.
        const string Elsewhere = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_ELSEWHERE";
        var s = new Scenario()
            .StoppedTask("payments", At(12), At(12, 15), "ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/payments/1)", exitCode: 143);
        Version(s, Event(Elsewhere, "AWS_EC2_OPERATIONAL_ISSUE", "issue", "open", At(11), At(11)), ["111111111111"], [], At(11, 5));
        s.Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(11), At(11), [("arn:aws:ecs:us-east-1:123456789012:service/prod/payments", "IMPAIRED")]);
        s.Health("AWS_LAMBDA_OPERATIONAL_ISSUE", "issue", "open", At(11, 30), At(11, 30), [], scope: "PUBLIC", service: "LAMBDA");
        // A Fargate issue in both accounts that names the member's prod/payments (same names as ours) and our prod/checkout.
        const string Fargate = "arn:aws:health:us-east-1::event/ECS/AWS_ECS_FARGATE_ISSUE/AWS_ECS_FARGATE_ISSUE_BOTH";
        Version(s, Event(Fargate, "AWS_ECS_FARGATE_ISSUE", "issue", "open", At(11, 40), At(11, 40)), ["111111111111", "123456789012"],
            [Entity(Fargate, "111111111111", "arn:aws:ecs:us-east-1:111111111111:service/prod/payments", "IMPAIRED", At(11, 40)),
             Entity(Fargate, "123456789012", "arn:aws:ecs:us-east-1:123456789012:service/prod/checkout", "IMPAIRED", At(11, 40))], At(11, 45));
        await using var built = await s.BuildAsync();

        var rows = (await built.RunAsync("health-impact", At(12), At(13))).ToDictionary(r => (string)r["event_type_code"]!);
        Assert.Equal(0L, rows["AWS_EC2_OPERATIONAL_ISSUE"]["overlapping_task_failures"]);
        Assert.Equal("111111111111", rows["AWS_EC2_OPERATIONAL_ISSUE"]["affected_accounts"]);
        Assert.Equal(1L, rows["AWS_ECS_OPERATIONAL_ISSUE"]["overlapping_task_failures"]);
        Assert.Equal("123456789012", rows["AWS_ECS_OPERATIONAL_ISSUE"]["affected_accounts"]);
        Assert.Equal(1L, rows["AWS_LAMBDA_OPERATIONAL_ISSUE"]["overlapping_task_failures"]);
        Assert.Null(rows["AWS_LAMBDA_OPERATIONAL_ISSUE"]["affected_accounts"]);
        // Our payments is not the member's payments: no overlap, and the names say whose they are.
        Assert.Equal(0L, rows["AWS_ECS_FARGATE_ISSUE"]["overlapping_task_failures"]);
        Assert.Equal("111111111111:prod/payments,123456789012:prod/checkout", rows["AWS_ECS_FARGATE_ISSUE"]["named_ecs"]);
        Assert.Equal("prod/payments", rows["AWS_ECS_OPERATIONAL_ISSUE"]["named_ecs"]);
    }

    // events, issues, scheduled changes, open at the end, affected entities, impaired entities.
    private static (long, long, long, long, long, long) Counts(Dictionary<string, object?> r) =>
        ((long)r["events"]!, (long)r["issues"]!, (long)r["scheduled_changes"]!, (long)r["open_at_end"]!, (long)r["affected_entities"]!, (long)r["impaired_entities"]!);
}
