using Analytics.Tests.Query;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// AWS Health events as EventBridge and the Health API publish them (../shared/DOMAIN.md, "Trusted Advisor and Health
/// scope" and "Events as they arrive"): a public event is no account's; an event ARN is not unique to an account; some
/// published events carry no lastUpdatedTime; a large event is split into pages; the API's event and details describe
/// one version between them.
/// </summary>
public sealed class HealthVersionScenarioTests
{
    private const string Member = "210987654321";
    private const string Exited = "Essential container in task exited";

    private async Task<long> CountAsync(Scenario s, string sql) =>
        (long)(await QueryLake.Rows(await s.Engine.RunSqlAsync(sql, [], CancellationToken.None)))[0].Values.Single()!;

    [Fact]
    public async Task PublicEvent_DeliveredToOneAccount_OverlapsEveryAccountsFailuresInItsRegion()
    {
        // EventBridge's copy of a public ECS issue carries the account it was delivered to (affectedAccount); tasks fail in
        // that account and in a member account, both in us-east-1.
        await using var s = await new Scenario()
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), At(10), [], scope: "PUBLIC", affectedAccount: "123456789012")
            .StoppedTask("api", At(10, 9), At(10, 10), "EssentialContainerExited", Exited)
            .StoppedTask("ledger", At(10, 19), At(10, 20), "EssentialContainerExited", Exited, account: Member)
            .BuildAsync();

        var impact = Assert.Single(await s.RunAsync("health-impact", At(9), At(12)));
        Assert.Equal(2L, impact["overlapping_task_failures"]);
        Assert.Null(impact["affected_accounts"]);
        Assert.Equal("region", impact["overlap_basis"]);
        var accounts = Assert.Single(await s.RunAsync("health-organization", At(9), At(12)));
        Assert.Equal("public", accounts["affected_account"]);
    }

    [Fact]
    public async Task OneArnInTwoMemberAccounts_KeepsEachAccountsCopyAndEntities()
    {
        // In the management account, EventBridge delivers one copy per affected member account, under the same ARN.
        await using var s = await new Scenario()
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), At(10), [("prod/api", "IMPAIRED")], affectedAccount: "123456789012")
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), At(10), [("prod/ledger", "IMPAIRED")], affectedAccount: Member)
            .BuildAsync();

        Assert.Equal(0L, s.Ingested.Duplicates);
        Assert.Equal(2L, await CountAsync(s, "SELECT count(*) FROM health_events"));
        var impact = Assert.Single(await s.RunAsync("health-impact", At(9), At(12)));
        Assert.Equal($"123456789012,{Member}", impact["affected_accounts"]);
        Assert.Equal($"123456789012:prod/api,{Member}:prod/ledger", impact["named_ecs"]);
        Assert.Equal(2L, impact["impaired_entities"]);
    }

    [Fact]
    public async Task EventWithoutLastUpdatedTime_EachPublicationIsAVersion_ACopyIsNot()
    {
        // Two publications of one event without lastUpdatedTime (as two of AWS's current samples are), both open: at 10:00
        // payments impaired, at 10:30 an update saying it recovered. A copy of the first (another envelope, as a
        // backup-region copy is) arrives a minute later.
        await using var s = await new Scenario()
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), null, [("prod/api", "IMPAIRED")], published: At(10), communicationId: "c0ffee-1")
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), null, [("prod/api", "IMPAIRED")], published: At(10, 1), communicationId: "c0ffee-1")
            .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", At(10), null, [("prod/api", "RESOLVED")], published: At(10, 30), communicationId: "c0ffee-2")
            .BuildAsync();

        Assert.Equal(2L, await CountAsync(s, "SELECT count(*) FROM health_events"));
        Assert.Equal(1L, s.Ingested.Duplicates);
        var impact = Assert.Single(await s.RunAsync("health-impact", At(9), At(12)));
        Assert.Equal(2L, impact["versions_in_window"]);
        Assert.Equal(0L, impact["impaired_entities"]);
        Assert.Equal(1L, impact["impaired_in_window"]);
    }

    [Fact]
    public async Task PagesOfOneVersion_AreOneRowWithTheEntitiesOfEveryPage()
    {
        // An event above EventBridge's size limit, in two pages sharing eventArn and communicationId.
        await using var s = await new Scenario()
            .Health("AWS_ECS_TASK_PATCHING_RETIREMENT", "scheduledChange", "upcoming", At(20), At(9), [("prod/api", "PENDING")], page: 1, totalPages: 2, communicationId: "c-1", description: "Tasks will be retired.")
            .Health("AWS_ECS_TASK_PATCHING_RETIREMENT", "scheduledChange", "upcoming", At(20), At(9), [("prod/ledger", "PENDING")], page: 2, totalPages: 2, communicationId: "c-1", description: "Tasks will be retired.")
            .BuildAsync();

        Assert.Equal(1L, await CountAsync(s, "SELECT count(*) FROM health_events"));
        Assert.Equal(2L, await CountAsync(s, "SELECT count(*) FROM health_affected_entities"));
        Assert.True(s.Ingested.Balanced);
        var impact = Assert.Single(await s.RunAsync("health-impact", At(8), At(12)));
        Assert.Equal(2L, impact["affected_entities"]);
        Assert.Equal("prod/api,prod/ledger", impact["named_ecs"]);
    }

    [Fact]
    public async Task ApiEventAndDetailsOfOneVersion_MergeSoNoFieldIsLost()
    {
        const string Arn = "arn:aws:health:us-east-1::event/ECS/AWS_ECS_OPERATIONAL_ISSUE/API_1";
        var updated = new DateTimeOffset(At(10)).ToUnixTimeSeconds();
        // DescribeEvents gives the scope and no description; DescribeEventDetails (here without the scope) the description.
        await using var s = await new Scenario()
            .Collected("health", "DescribeEvents", At(10, 5), new
            {
                events = new[] { new { arn = Arn, service = "ECS", eventTypeCode = "AWS_ECS_OPERATIONAL_ISSUE", eventTypeCategory = "issue", region = "us-east-1",
                    startTime = updated, lastUpdatedTime = updated, statusCode = "open", eventScopeCode = "ACCOUNT_SPECIFIC" } },
            })
            .Collected("health", "DescribeEventDetails", At(10, 5), new
            {
                successfulSet = new[] { new { @event = new { arn = Arn, service = "ECS", eventTypeCode = "AWS_ECS_OPERATIONAL_ISSUE", eventTypeCategory = "issue",
                    region = "us-east-1", startTime = updated, lastUpdatedTime = updated, statusCode = "open" }, eventDescription = new { latestDescription = "Elevated task launch errors." } } },
                failedSet = Array.Empty<object>(),
            })
            .BuildAsync();

        var impact = Assert.Single(await s.RunAsync("health-impact", At(9), At(12)));
        Assert.Equal("ACCOUNT_SPECIFIC", impact["event_scope_code"]);
        Assert.Equal("Elevated task launch errors.", impact["description"]);
        var accounts = Assert.Single(await s.RunAsync("health-organization", At(9), At(12)));
        Assert.Equal(1L, accounts["issues"]);
    }
}
