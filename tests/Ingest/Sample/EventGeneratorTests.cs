using System.Text.Json;
using Analytics.Ingest.Input;
using Analytics.Ingest.Sample;

namespace Analytics.Tests.Ingest.Sample;

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
        // Nor the documentation sample's display id, which the corpus lands beside generated days.
        Assert.DoesNotContain("1234563851", Ids(first, "Support Case Update", "display-id"));
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
