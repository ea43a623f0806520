using System.Text.Json;
using Analytics.Ingest.Input;
using Analytics.Generator;

namespace Analytics.Tests.Generator;

/// <summary>Generated sample data that does not lie: periods generated apart never share a case or a Health event, and each task names its deployment.</summary>
public sealed class EventGeneratorTests
{
    private static List<JsonElement> Generate(TempFolder temp, string name, DateOnly start, int days)
    {
        new EventGenerator(new GeneratorOptions { Start = start, Days = days, TaskEventsPerDay = 400, TruncatedRecords = 0 }).WriteTo(temp.Sub(name));
        var events = new List<JsonElement>();
        // The EventBridge events of the Firehose objects; the collector's pages are under collected/.
        foreach (var file in Directory.GetFiles(temp.Sub(name), "*", SearchOption.AllDirectories).Where(f => !Path.GetRelativePath(temp.Sub(name), f).StartsWith("collected", StringComparison.Ordinal)))
        {
            using var input = InputObject.FromBytes(file, File.ReadAllBytes(file), DateTime.UnixEpoch);
            foreach (var segment in RecordSplitter.Split(input.Data.Span))
                if (segment.IsWellFormed) events.Add(JsonDocument.Parse(input.Data.Slice(segment.Start, segment.Length)).RootElement.Clone());
        }
        return events;
    }

    private static HashSet<string> Ids(List<JsonElement> events, string detailType, string field) =>
        events.Where(e => e.GetProperty("detail-type").GetString() == detailType).Select(e => e.GetProperty("detail").GetProperty(field).GetString()!).ToHashSet();

    [Fact]
    public void PeriodsGeneratedWithDifferentStarts_ShareNoSupportCaseOrHealthEvent()
    {
        using var temp = Some.TempFolder();
        var first = Generate(temp, "a", new DateOnly(2026, 11, 2), 2);
        var second = Generate(temp, "b", new DateOnly(2026, 11, 9), 2);
        Assert.Equal(2, Ids(first, "Support Case Update", "case-id").Count);
        Assert.Empty(Ids(first, "Support Case Update", "case-id").Intersect(Ids(second, "Support Case Update", "case-id")));
        Assert.Empty(Ids(first, "Support Case Update", "display-id").Intersect(Ids(second, "Support Case Update", "display-id")));
        Assert.Empty(Ids(first, "AWS Health Event", "eventArn").Intersect(Ids(second, "AWS Health Event", "eventArn")));
        Assert.Empty(Ids(first, "ECS Deployment State Change", "deploymentId").Intersect(Ids(second, "ECS Deployment State Change", "deploymentId")));
        Assert.Empty(StartedBy(first).Intersect(StartedBy(second)));
        // Nor the documentation sample's display id, which the corpus lands beside generated days.
        Assert.DoesNotContain("1234563851", Ids(first, "Support Case Update", "display-id"));
    }

    private static HashSet<string> StartedBy(List<JsonElement> events) =>
        events.Where(e => e.GetProperty("detail-type").GetString() == "ECS Task State Change").Select(e => e.GetProperty("detail").GetProperty("startedBy").GetString()!).Where(s => s.StartsWith("ecs-svc/", StringComparison.Ordinal)).ToHashSet();

    [Fact]
    public void CircuitBreakerRollback_RunsUnderTheLastCompletedDeploymentsId()
    {
        using var temp = Some.TempFolder();
        var deployments = Generate(temp, "a", new DateOnly(2026, 11, 2), 1)
            .Where(e => e.GetProperty("detail-type").GetString() == "ECS Deployment State Change"
                && e.GetProperty("resources")[0].GetString()!.EndsWith("/payments", StringComparison.Ordinal))
            .Select(e => e.GetProperty("detail"))
            .Select(d => (Id: d.GetProperty("deploymentId").GetString()!, Name: d.GetProperty("eventName").GetString()!, Reason: d.GetProperty("reason").GetString()!, At: d.GetProperty("updatedAt").GetDateTime()))
            .DistinctBy(d => (d.Id, d.Name, d.At)).OrderBy(d => d.At).ToList();
        var rollback = Assert.Single(deployments, d => d.Reason.Contains("rolling back to deploymentId", StringComparison.Ordinal));
        // ECS: "rolling back to deploymentId X" names the deployment the service returns to, and the rollback runs under X.
        Assert.Equal($"ECS deployment circuit breaker: rolling back to deploymentId {rollback.Id}.", rollback.Reason);
        var failed = deployments.Last(d => d.Name == "SERVICE_DEPLOYMENT_FAILED" && d.At <= rollback.At);
        Assert.NotEqual(failed.Id, rollback.Id);
        // X is the last payments deployment that completed before the failed one started, or the one running since before the day.
        var completedBefore = deployments.Where(d => d.Name == "SERVICE_DEPLOYMENT_COMPLETED" && d.At < deployments.First(x => x.Id == failed.Id).At).ToList();
        if (completedBefore.Count > 0) Assert.Equal(completedBefore[^1].Id, rollback.Id);
        Assert.Contains(deployments, d => d.Id == rollback.Id && d.Name == "SERVICE_DEPLOYMENT_COMPLETED" && d.At > rollback.At);
    }

    [Fact]
    public void ServiceTasks_NameTheDeploymentThatStartedThem()
    {
        using var temp = Some.TempFolder();
        var events = Generate(temp, "a", new DateOnly(2026, 11, 2), 1);
        var deployments = Ids(events, "ECS Deployment State Change", "deploymentId");
        var startedBy = events.Where(e => e.GetProperty("detail-type").GetString() == "ECS Task State Change")
            .Select(e => e.GetProperty("detail")).Where(d => d.GetProperty("group").GetString()!.StartsWith("service:", StringComparison.Ordinal))
            .Select(d => d.GetProperty("startedBy").GetString()!).ToHashSet();
        Assert.True(startedBy.Count > 6, $"{startedBy.Count} distinct startedBy");
        // The crash-looping tasks were started by the deployment that failed.
        var failed = events.Where(e => e.GetProperty("detail-type").GetString() == "ECS Deployment State Change"
            && e.GetProperty("detail").GetProperty("eventName").GetString() == "SERVICE_DEPLOYMENT_FAILED").Select(e => e.GetProperty("detail").GetProperty("deploymentId").GetString()!).Single();
        Assert.Contains(failed, startedBy);
        Assert.True(startedBy.Count(deployments.Contains) >= 3);
    }
}
