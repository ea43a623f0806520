using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>The shared views on DuckDB, against hand-built situations (the same SQL is created in Athena by athena-setup).</summary>
public sealed class SharedViewsTests
{
    [Fact]
    public async Task TaskLatestState_ATaskThatRanThenStopped_IsStoppedWhateverTheArrivalOrder()
    {
        // Running at 10:00 (version 2), stopped by a failing health check at 11:00 (version 5); a second task only ran.
        await using var s = await new Scenario()
            .RunningTask("payments", At(10), out var stopped)
            .TaskStopped(stopped, "payments", At(10), At(11), "ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/payments/1)", 137)
            .RunningTask("payments", At(10, 5), out var running)
            .BuildAsync();

        var result = await Analytics.Tests.Query.QueryLake.Rows(await s.Engine.RunSqlAsync("SELECT task_arn, last_status, stop_class FROM task_latest_state", [], CancellationToken.None));
        Assert.Equal(2, result.Count);
        Assert.Equal(("STOPPED", "health_check_failed"), result.Where(r => (string)r["task_arn"]! == stopped).Select(r => ((string)r["last_status"]!, (string)r["stop_class"]!)).Single());
        Assert.Equal("RUNNING", result.Single(r => (string)r["task_arn"]! == running)["last_status"]);
    }

    [Fact]
    public async Task SupportCaseResolution_ResolveCaseEventFirstElseTheFirstResolvedObservation()
    {
        const string ByEvent = "case-123456789012-muen-2026-0000000001";
        const string ByObservation = "case-123456789012-muen-2026-0000000002";
        const string Open = "case-123456789012-muen-2026-0000000003";
        await using var s = await new Scenario()
            .CaseEvent(ByEvent, At(10), "CreateCase").CaseEvent(ByEvent, At(13, 30), "ResolveCase").CaseObserved(ByEvent, "resolved", At(10), At(15))
            .CaseObserved(ByObservation, "opened", At(9), At(9, 30)).CaseObserved(ByObservation, "resolved", At(9), At(12))
            .CaseObserved(Open, "pending-customer-action", At(8), At(16))
            .BuildAsync();

        var rows = (await Analytics.Tests.Query.QueryLake.Rows(await s.Engine.RunSqlAsync("SELECT * FROM support_case_resolution", [], CancellationToken.None))).ToDictionary(r => (string)r["case_id"]!);

        Assert.Equal((At(13, 30), 3.5, false), ((DateTime)rows[ByEvent]["resolved_at"]!, (double)rows[ByEvent]["hours_to_resolve"]!, (bool)rows[ByEvent]["is_open"]!));
        Assert.Equal((At(12), 3.0, false), ((DateTime)rows[ByObservation]["resolved_at"]!, (double)rows[ByObservation]["hours_to_resolve"]!, (bool)rows[ByObservation]["is_open"]!));
        Assert.Null(rows[Open]["resolved_at"]);
        Assert.Equal(true, rows[Open]["is_open"]);
        Assert.Equal("pending-customer-action", rows[Open]["status"]);
    }
}
