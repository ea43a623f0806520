using System.Globalization;
using System.Text.Json;
using Analytics.Query.Reports;

namespace Analytics.Tests.Query.Reports;

[Collection(nameof(QueryLake))]
public sealed class IncidentReviewTests(QueryLake lake)
{
    // The generator's incident: payments crash-loops on the first day from 14:00 to 15:10 after a bad deployment.
    private static readonly DateTime From = QueryLake.Start.AddHours(13).AddMinutes(30);
    private static readonly DateTime To = QueryLake.Start.AddHours(15).AddMinutes(30);


    private Task<string> ReviewAsync() => IncidentReview.WriteAsync(lake.Engine, From, To, cluster: null, service: "payments", CancellationToken.None);

    [Fact]
    public async Task Review_HasEverySectionInOrder()
    {
        var review = await ReviewAsync();
        var sections = new[] { "# Post-incident review: service payments, 2026-11-02 13:30 to 2026-11-02 15:30 UTC", "## Window", "## State at the window's start",
            "## Summary of impact", "## Detection, mitigation and recovery", "## What changed just before", "## Contributing factors", "## Timeline",
            "## Stop reasons", "## Deployments", "## AWS Health events", "## Trusted Advisor: fault tolerance and service limits", "## AWS Support cases", "## Questions for the review" };
        var positions = sections.Select(s => review.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task Review_SummaryFiguresMatchTheRawEvents()
    {
        // Each payments task at its highest version inside the window.
        var latest = lake.Events_("ECS Task State Change").Where(e => e.Time >= From && e.Time < To && QueryLake.Str(e.Detail, "group") == "service:payments")
            .GroupBy(e => QueryLake.Str(e.Detail, "taskArn")).Select(g => g.MaxBy(e => e.Detail.GetProperty("version").GetInt64()).Detail).ToList();
        var stopped = latest.Where(t => QueryLake.Str(t, "lastStatus") == "STOPPED").ToList();
        // Exits of the essential container and, as AWS documents them, tasks the scheduler killed for failing the load balancer's health checks.
        var exited = stopped.Where(t => QueryLake.Str(t, "stopCode") == "EssentialContainerExited").ToList();
        var healthChecks = stopped.Where(t => QueryLake.Str(t, "stopCode") == "ServiceSchedulerInitiated"
            && QueryLake.Str(t, "stoppedReason")!.StartsWith("Task failed ELB health checks", StringComparison.Ordinal)).ToList();
        var crashed = exited.Concat(healthChecks).ToList();
        var failedDeployment = lake.Events_("ECS Deployment State Change")
            .Single(e => QueryLake.Str(e.Detail, "eventName") == "SERVICE_DEPLOYMENT_FAILED" && e.Time >= From && e.Time < To);

        var review = await ReviewAsync();

        Assert.NotEmpty(healthChecks);
        Assert.Contains($"- {crashed.Count} tasks stopped abnormally ({healthChecks.Count} health_check_failed, {exited.Count} essential_container_exited) in payments.", review, StringComparison.Ordinal);
        Assert.Contains($"Crash loop: {crashed.Count} tasks of payments (task definition revision 42) failed", review, StringComparison.Ordinal);
        Assert.Contains($"Deployment {QueryLake.Str(failedDeployment.Detail, "deploymentId")} of payments (task definition revision 42) failed at {failedDeployment.Time:yyyy-MM-dd HH:mm}", review, StringComparison.Ordinal);
        // One bad deployment reads as one failure, its rollback named with it, not as a second bad deployment.
        Assert.Contains("Deployments: 1 failed; 1 rolled back by the circuit breaker.", review, StringComparison.Ordinal);
        foreach (var task in exited)
            Assert.Contains($"Task {QueryLake.Str(task, "taskArn")!.Split('/')[^1]} stopped (essential_container_exited, EssentialContainerExited)", review, StringComparison.Ordinal);
        foreach (var task in healthChecks)
            Assert.Contains($"Task {QueryLake.Str(task, "taskArn")!.Split('/')[^1]} stopped (health_check_failed, ServiceSchedulerInitiated)", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_RecoveryIsTheFirstSteadyStateAfterTheLastFailure()
    {
        var steady = lake.Events_("ECS Service Action").Where(e => QueryLake.Str(e.Detail, "eventName") == "SERVICE_STEADY_STATE"
            && e.Event.GetProperty("resources")[0].GetString()!.EndsWith("/payments", StringComparison.Ordinal) && e.Time >= From && e.Time < To)
            .Select(e => e.Time).Order().ToList();
        var review = await ReviewAsync();
        var line = review.Split('\n').Single(l => l.StartsWith("- payments reached steady state at ", StringComparison.Ordinal));
        var at = DateTime.ParseExact(line[35..51], "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Assert.Contains(steady, s => s.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) == line[35..51]);
        Assert.True(at > From);
    }

    [Fact]
    public async Task Review_NamesSupportCasesButNotTheirPersonalData()
    {
        var review = await IncidentReview.WriteAsync(lake.Engine, new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, null, CancellationToken.None);
        var cases = await lake.RunAsync("support-cases", ("from", "2010-01-01"), ("to", "2030-01-01"));
        Assert.Contains(cases, c => (string?)c["subject"] == "Question about my account");
        Assert.Contains("| 1234563851 ", review, StringComparison.Ordinal);
        Assert.DoesNotContain("Question about my account", review, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_NamesTheHealthEventsEntities_AndTheFaultToleranceAndServiceLimitFindingsOfTheService()
    {
        var review = await ReviewAsync();
        // The Health event open over the incident names its entities, each with its status.
        var health = lake.Events_("AWS Health Event").Where(e => e.Time < To).MaxBy(e => e.Time).Detail;
        foreach (var entity in health.GetProperty("affectedEntities").EnumerateArray())
            Assert.Contains($"{QueryLake.Str(entity, "entityValue")} ({QueryLake.Str(entity, "status")})", review, StringComparison.Ordinal);

        // Trusted Advisor as refreshed before the window's end: the fault-tolerance findings that name payments and every
        // service-limit finding are in the review; the other pillars' findings (an open port, idle instances) are not.
        var findings = lake.AdvisorRefreshes().Where(r => r.At < To).GroupBy(r => r.Check).Select(g => g.MaxBy(r => r.At)!)
            .SelectMany(r => r.Resources.Where(x => x.IsFinding).Select(x => (Category: r.Pillar, x.Values))).ToList();
        var kept = findings.Where(f => f.Category == "service_limits" || f.Category == "fault_tolerance" && f.Values.Contains("payments")).ToList();
        Assert.Contains(kept, f => f.Category == "fault_tolerance");
        Assert.Contains(kept, f => f.Category == "service_limits");
        var section = review[review.IndexOf("## Trusted Advisor", StringComparison.Ordinal)..review.IndexOf("## AWS Support cases", StringComparison.Ordinal)];
        foreach (var (_, values) in kept)
            foreach (var value in values.OfType<string>()) Assert.Contains($"\"{value}\"", section, StringComparison.Ordinal);
        Assert.Equal(kept.Count, section.Split('\n').Count(l => l.StartsWith("| fault_tolerance", StringComparison.Ordinal) || l.StartsWith("| service_limits", StringComparison.Ordinal)));
        foreach (var (_, values) in findings.Except(kept)) Assert.DoesNotContain(values[1]!, review, StringComparison.Ordinal);
        Assert.Contains("was flagged before the incident", review, StringComparison.Ordinal);
    }
}
