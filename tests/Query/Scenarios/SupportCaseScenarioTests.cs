using static Analytics.Tests.Query.Scenarios.Scenario;

namespace Analytics.Tests.Query.Scenarios;

/// <summary>
/// Support cases as known at a window's end: no observation made after it, no file time standing for an event
/// time, and no case open forever. AWS says when a case was resolved only through the ResolveCase event or the
/// first DescribeCases observation that saw 'resolved' (DOMAIN.md); each test builds the situation by hand.
/// </summary>
public sealed class SupportCaseScenarioTests
{
    private const string Case = "case-123456789012-muen-2026-0000000001";

    [Fact]
    public async Task SupportCases_AnObservationAfterTheWindow_DoesNotLeakIntoIt()
    {
        // Opened at 10:00 and seen open at 10:30; seen resolved at 16:00, after a 09:00-12:00 window.
        await using var s = await new Scenario()
            .CaseObserved(Case, "opened", At(10), At(10, 30))
            .CaseObserved(Case, "resolved", At(10), At(16))
            .BuildAsync();

        var during = Assert.Single(await s.RunAsync("support-cases", At(9), At(12)));
        Assert.Equal("opened", during["status"]);
        Assert.Equal(true, during["is_open"]);
        Assert.Null(during["resolved_at"]);
        var totals = Assert.Single(await s.RunAsync("support-case-totals", At(9), At(12)));
        Assert.Equal(1L, totals["open_at_end"]);

        var after = Assert.Single(await s.RunAsync("support-cases", At(9), At(18)));
        Assert.Equal(At(16), after["resolved_at"]);
        Assert.Equal(6.0, after["hours_to_resolve"]);
    }

    [Fact]
    public async Task SupportCases_ResolveCaseEventIsTheResolutionTime()
    {
        await using var s = await new Scenario()
            .CaseEvent(Case, At(10), "CreateCase")
            .CaseEvent(Case, At(13, 30), "ResolveCase")
            .CaseObserved(Case, "resolved", At(10), At(15))
            .BuildAsync();
        var row = Assert.Single(await s.RunAsync("support-cases", At(9), At(18)));
        Assert.Equal(At(13, 30), row["resolved_at"]);
        Assert.Equal(3.5, row["hours_to_resolve"]);
    }

    [Fact]
    public async Task SupportCases_KnownOnlyFromEvents_IsNotOpenInEveryLaterWindow()
    {
        // Created 40 days before the window and never heard of again: beyond the 30-day look-back it is not open.
        await using var s = await new Scenario()
            .CaseEvent(Case, Day.AddDays(-40).AddHours(10), "CreateCase")
            .BuildAsync();
        Assert.Empty(await s.RunAsync("support-cases", At(9), At(12)));
        Assert.Single(await s.RunAsync("support-cases", At(9), At(12), ("lookback_days", "45")));
    }

    [Fact]
    public async Task SupportCases_ADocumentSeenResolved_HasNoGuessedResolutionTime()
    {
        // The DescribeCases documentation sample: resolved, created 2020-03-23, with no observation time recorded.
        // Its file's modification time is today, which once made it "resolved" 58,650 hours after it opened.
        using var temp = Some.TempFolder();
        var sample = Path.Combine(Some.Corpus, "support", "api", "describe-cases-response-cli-example.json");
        Assert.True(File.Exists(sample), sample);
        await Some.IngestAsync(temp.Sub("lake"), sample);
        await using var engine = await Analytics.Query.Engines.DuckDbEngine.OpenAsync(temp.Sub("lake"), CancellationToken.None);
        var row = Assert.Single(await QueryLake.RunOnAsync(engine, "support-cases", ("from", "2020-03-23"), ("to", "2020-03-24")));
        Assert.Equal("resolved", row["status"]);
        Assert.Null(row["resolved_at"]);
        Assert.Null(row["hours_to_resolve"]);
        Assert.Equal(false, row["is_open"]);
        // Nor is it open, or seen at all, in a window of today.
        Assert.Empty(await QueryLake.RunOnAsync(engine, "support-cases", ("from", "2026-11-02"), ("to", "2026-11-03")));
    }
}
