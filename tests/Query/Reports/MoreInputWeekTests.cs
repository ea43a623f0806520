using Analytics.Query.Reports.Weekly;
using Analytics.Generator;
using Analytics.Query.Engines;
using Analytics.Query.Reports;

namespace Analytics.Tests.Query.Reports;

/// <summary>
/// The README's "More input" step: the bundled sample, then a week generated from 2026-11-09 with the default seed.
/// Its incident day must read as its own incident: the review names that week's failed deployment and its rollback,
/// and the weekly report counts it (deployment ids used to repeat the bundled day's, so the week lost both).
/// </summary>
public sealed class MoreInputWeekTests
{
    [Fact]
    public async Task GeneratedWeekAfterTheBundledDay_ReviewNamesItsFailedDeploymentAndTheReportCountsIt()
    {
        using var temp = Some.TempFolder();
        new EventGenerator(new GeneratorOptions { Start = new DateOnly(2026, 11, 9), Days = 7 }).WriteTo(temp.Sub("events"));
        var week = Directory.GetFiles(temp.Sub("events"), "*", SearchOption.AllDirectories);
        await Some.IngestAsync(temp.Sub("lake"), Path.Combine(Some.RepoRoot, "samples"), temp.Sub("events"));
        var bundled = DeploymentIds(Directory.GetFiles(Path.Combine(Some.RepoRoot, "samples", "generated"), "*", SearchOption.AllDirectories), null);
        var failedIds = DeploymentIds(week, "SERVICE_DEPLOYMENT_FAILED");
        var failed = Assert.Single(failedIds);
        Assert.DoesNotContain(failed, bundled);
        Assert.Empty(DeploymentIds(week, null).Intersect(bundled));
        await using var engine = await DuckDbEngine.OpenAsync(temp.Sub("lake"), CancellationToken.None);

        var review = await IncidentReview.WriteAsync(engine, new DateTime(2026, 11, 9, 14, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 9, 15, 30, 0, DateTimeKind.Utc), null, "payments", CancellationToken.None);
        Assert.Contains($"- Deployment {failed} of payments was under way (started 2026-11-09 13:57, task definition revision 42); it failed at 2026-11-09 15:12.", review, StringComparison.Ordinal);
        Assert.Contains($"undoing failed deployment {failed})", review, StringComparison.Ordinal);
        Assert.DoesNotContain("Time to mitigate: unknown", review, StringComparison.Ordinal);

        var report = await WeeklyReportQuery.BuildAsync(engine, new DateOnly(2026, 11, 15), weeks: 2, CancellationToken.None);
        Assert.Equal(1L, report.Weeks[0].Values["failed_deployments"]);
        Assert.Equal(1L, report.Weeks[1].Values["failed_deployments"]);
        Assert.Equal(2, Assert.Single(report.Services, s => s.Service == "payments").FailedDeployments); // one a week
    }

    private static HashSet<string> DeploymentIds(IEnumerable<string> files, string? eventName)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var input = Analytics.Ingest.Input.InputObject.FromBytes(file, File.ReadAllBytes(file), DateTime.UnixEpoch);
            foreach (var segment in Analytics.Ingest.Input.RecordSplitter.Split(input.Data.Span))
            {
                if (!segment.IsWellFormed) continue;
                using var doc = System.Text.Json.JsonDocument.Parse(input.Data.Slice(segment.Start, segment.Length));
                var e = doc.RootElement;
                if (!e.TryGetProperty("detail-type", out var type) || type.GetString() != "ECS Deployment State Change") continue;
                var detail = e.GetProperty("detail");
                if (eventName is null || detail.GetProperty("eventName").GetString() == eventName) ids.Add(detail.GetProperty("deploymentId").GetString()!);
            }
        }
        return ids;
    }
}
