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

    // Opened at 10:00, resolved at 12:00, reopened by the customer at 14:00 (ReopenCase), seen reopened at 14:30, and
    // resolved again at 17:00 (DOMAIN.md: a reopened case is open until its next resolution, and its time to resolve
    // runs to that one).
    private static Scenario Reopened() => new Scenario()
        .CaseEvent(Case, At(10), "CreateCase")
        .CaseObserved(Case, "opened", At(10), At(10, 30))
        .CaseEvent(Case, At(12), "ResolveCase")
        .CaseEvent(Case, At(14), "ReopenCase")
        .CaseObserved(Case, "reopened", At(10), At(14, 30))
        .CaseEvent(Case, At(17), "ResolveCase");

    [Fact]
    public async Task SupportCases_AReopenedCase_IsOpenUntilItsNextResolution()
    {
        await using var s = await Reopened().BuildAsync();

        var reopened = Assert.Single(await s.RunAsync("support-cases", At(9), At(15)));
        Assert.Equal(("reopened", true), ((string?)reopened["status"], (bool?)reopened["is_open"]));
        Assert.Null(reopened["resolved_at"]);
        var totals = Assert.Single(await s.RunAsync("support-case-totals", At(9), At(15)));
        Assert.Equal((1L, 0L, 1L), ((long)totals["opened"]!, (long)totals["opened_and_resolved"]!, (long)totals["open_at_end"]!));

        // Between the first resolution and the reopening it was resolved, at 12:00.
        var between = Assert.Single(await s.RunAsync("support-cases", At(9), At(13)));
        Assert.Equal((At(12), false), ((DateTime?)between["resolved_at"], (bool?)between["is_open"]));

        var resolved = Assert.Single(await s.RunAsync("support-cases", At(9), At(18)));
        Assert.Equal((At(17), 7.0, false), ((DateTime?)resolved["resolved_at"], (double?)resolved["hours_to_resolve"], (bool?)resolved["is_open"]));
        var view = Assert.Single(await Analytics.Tests.Query.QueryLake.Rows(await s.Engine.RunSqlAsync("SELECT * FROM support_case_resolution", [], CancellationToken.None)));
        Assert.Equal((At(17), 7.0, false), ((DateTime?)view["resolved_at"], (double?)view["hours_to_resolve"], (bool?)view["is_open"]));
    }

    [Fact]
    public async Task SupportCases_SeenReopenedByTheSweepAlone_IsOpen()
    {
        // No event reached us: the DescribeCases sweep saw it resolved at 12:00 and reopened at 14:00.
        await using var s = await new Scenario()
            .CaseObserved(Case, "resolved", At(10), At(12))
            .CaseObserved(Case, "reopened", At(10), At(14))
            .BuildAsync();
        var row = Assert.Single(await s.RunAsync("support-cases", At(9), At(15)));
        Assert.Equal(("reopened", true), ((string?)row["status"], (bool?)row["is_open"]));
        Assert.Null(row["resolved_at"]);
        var review = await Analytics.Query.Reports.IncidentReview.WriteAsync(s.Engine, At(9), At(15), null, null, CancellationToken.None);
        Assert.Contains("1 Support case opened in the window; 1 open at its end.", review, StringComparison.Ordinal);
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
