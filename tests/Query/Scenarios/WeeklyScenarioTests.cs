using Analytics.Query.Reports.Weekly;
using Analytics.Query.Reports;
using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// Week-by-week figures an SRE would count by hand from the raw events: recovery per failure episode, and a week's
/// row that is the same whatever the report's length.
/// </summary>
public sealed class WeeklyScenarioTests
{
    private const string Exited = "Essential container in task exited";

    private static DateTime On(int day, int hours, int minutes = 0) => At(hours, minutes).AddDays(day);

    // Three separate failure episodes of api in the week of 2026-11-02, each ended by its own steady state:
    // Monday 09:00–09:20 (20 minutes), Wednesday 14:00–14:40 (40), Friday 10:00–10:06 (6).
    private static Scenario ThreeEpisodes() => new Scenario()
        .StoppedTask("api", On(0, 8, 59), On(0, 9), "EssentialContainerExited", Exited)
        .StoppedTask("api", On(0, 9, 4), On(0, 9, 5), "EssentialContainerExited", Exited)
        .ServiceAction("api", On(0, 9, 20), "SERVICE_STEADY_STATE")
        .StoppedTask("api", On(2, 13, 59), On(2, 14), "EssentialContainerExited", Exited)
        .StoppedTask("api", On(2, 14, 9), On(2, 14, 10), "EssentialContainerExited", Exited)
        .ServiceAction("api", On(2, 14, 40), "SERVICE_STEADY_STATE")
        .StoppedTask("api", On(4, 9, 59), On(4, 10), "EssentialContainerExited", Exited)
        .ServiceAction("api", On(4, 10, 6), "SERVICE_STEADY_STATE");

    [Fact]
    public async Task WeeklyRecovery_IsMeasuredPerEpisode_NotFromTheWeeksFirstFailureToItsLastRecovery()
    {
        await using var s = await ThreeEpisodes().BuildAsync();

        var episodes = await s.RunAsync("recovery-episodes", Day, Day.AddDays(7));
        Assert.Equal([20L, 40L, 6L], episodes.Select(e => (long)e["minutes_to_recover"]!));
        Assert.Equal([2L, 2L, 1L], episodes.Select(e => (long)e["failures"]!));

        var report = await WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(6)), weeks: 1, CancellationToken.None);
        var week = Assert.Single(report.Weeks);
        Assert.Equal(20L, week.MedianMinutesToRecover);
        Assert.Equal(40L, week.MinutesToRecover.Max());
        Assert.Equal(0, week.Unrecovered);
        Assert.Contains("| 20 / 40 |", WeeklyMarkdown.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeeklyRecovery_AnEpisodeStillOpenAtThePeriodsEnd_IsNotRecovered()
    {
        await using var s = await new Scenario()
            .StoppedTask("api", On(6, 22), On(6, 23), "EssentialContainerExited", Exited)
            .BuildAsync();
        var report = await WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(6)), weeks: 1, CancellationToken.None);
        Assert.Equal(1, Assert.Single(report.Weeks).Unrecovered);
        Assert.Empty(report.Weeks[0].MinutesToRecover);
    }

    // Across a week's boundary: a Health issue first published on Sunday 2026-11-08 and updated on Monday, a
    // deployment started on Sunday that fails on Monday, and a failure episode from Sunday 23:50 to Monday 00:20.
    private static Scenario AcrossTheBoundary() => new Scenario()
        .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "open", On(6, 20), On(6, 20), [("prod/api", "IMPAIRED")])
        .Health("AWS_ECS_OPERATIONAL_ISSUE", "issue", "closed", On(6, 20), On(7, 2), [("prod/api", "RESOLVED")], end: On(7, 2))
        .Deployment("api", On(6, 23, 40), "ecs-svc/sunday", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/sunday in progress.")
        .StoppedTask("api", On(6, 23, 49), On(6, 23, 50), "EssentialContainerExited", Exited, startedBy: "ecs-svc/sunday")
        .StoppedTask("api", On(7, 0, 4), On(7, 0, 5), "EssentialContainerExited", Exited, startedBy: "ecs-svc/sunday")
        .Deployment("api", On(7, 0, 10), "ecs-svc/sunday", "SERVICE_DEPLOYMENT_FAILED", "ECS deployment circuit breaker: task failed to start.", type: "ERROR")
        .ServiceAction("api", On(7, 0, 20), "SERVICE_STEADY_STATE")
        .Deployment("api", On(8, 9), "ecs-svc/tuesday", "SERVICE_DEPLOYMENT_IN_PROGRESS", "ECS deployment ecs-svc/tuesday in progress.")
        .Deployment("api", On(8, 9, 5), "ecs-svc/tuesday", "SERVICE_DEPLOYMENT_COMPLETED", "ECS deployment ecs-svc/tuesday completed.");

    [Fact]
    public async Task WeekRow_IsTheSameInAOneWeekAndATwoWeekReport()
    {
        await using var s = await AcrossTheBoundary().BuildAsync();

        var twoWeeks = await s.RunAsync("weekly-trends", Day, Day.AddDays(14));
        var oneWeek = Assert.Single(await s.RunAsync("weekly-trends", Day.AddDays(7), Day.AddDays(14)));

        // The Health issue counts in the week it was first published, the deployment in the week it started.
        Assert.Equal(1L, twoWeeks[0]["health_events"]);
        Assert.Equal(1L, twoWeeks[0]["deployments"]);
        Assert.Equal(1L, twoWeeks[0]["failed_deployments"]);
        var second = twoWeeks[1];
        Assert.Equal(0L, second["health_events"]);
        Assert.Equal(1L, second["deployments"]);
        Assert.Equal(0L, second["failed_deployments"]);
        foreach (var column in second.Keys.Where(k => !k.EndsWith("_change", StringComparison.Ordinal)))
            Assert.True(Equals(second[column], oneWeek[column]), $"{column}: {second[column]} in the two-week report, {oneWeek[column]} in the one-week report");

        var longReport = await WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(13)), weeks: 2, CancellationToken.None);
        var shortReport = await WeeklyReportQuery.BuildAsync(s.Engine, DateOnly.FromDateTime(Day.AddDays(13)), weeks: 1, CancellationToken.None);
        // The Sunday-night episode belongs to the week it began in, in both reports.
        Assert.Equal([30L], longReport.Weeks[0].MinutesToRecover);
        Assert.Empty(longReport.Weeks[1].MinutesToRecover);
        Assert.Equal(longReport.Weeks[1].MinutesToRecover, shortReport.Weeks[0].MinutesToRecover);
        Assert.Equal(longReport.Weeks[1].Values, shortReport.Weeks[0].Values);
    }
}
