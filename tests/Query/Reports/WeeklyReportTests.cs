using Analytics.Query.Reports.Weekly;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Query.Reports;

namespace Analytics.Tests.Query.Reports;

[Collection(nameof(QueryLake))]
public sealed class WeeklyReportTests(QueryLake lake)
{
    // Three ISO weeks ending with the generated fortnight's last week: W44 (before any event), W45, W46.
    private Task<WeeklyReport> BuildAsync() => WeeklyReportQuery.BuildAsync(lake.Engine, new DateOnly(2026, 11, 15), weeks: 3, CancellationToken.None);


    private Dictionary<DateOnly, long> ExpectedSupportCases() =>
        lake.Events_("Support Case Update").Where(e => QueryLake.Str(e.Detail, "event-name") == "CreateCase")
            .GroupBy(e => QueryLake.Str(e.Detail, "case-id")).Select(g => QueryLake.Monday(g.Min(e => e.Time)))
            .GroupBy(m => m).ToDictionary(g => g.Key, g => (long)g.Count());

    [Fact]
    public async Task Build_EveryWeekOfThePeriod_ZeroFilledAndMatchingTheRawEvents()
    {
        var report = await BuildAsync();
        Assert.Equal(["2026-W44", "2026-W45", "2026-W46"], report.Weeks.Select(w => w.IsoWeek));
        Assert.All(report.Weeks[0].Values.Values, v => Assert.Equal(0, v));
        var oom = lake.OomKilledTasksPerWeek();
        var cases = ExpectedSupportCases();
        foreach (var week in report.Weeks)
        {
            Assert.Equal(oom.GetValueOrDefault(week.Monday), week.Values["oom_kills"]);
            Assert.Equal(cases.GetValueOrDefault(week.Monday), week.Values["support_cases"]);
        }
        Assert.True(report.Weeks[1].Values["oom_kills"] > 0);
    }

    [Fact]
    public async Task Build_ServiceFilter_NarrowsTheEcsFiguresOnly()
    {
        var all = await BuildAsync();
        var payments = await WeeklyReportQuery.BuildAsync(lake.Engine, new DateOnly(2026, 11, 15), 3, CancellationToken.None, service: "payments");
        // OOM kills happen to the batch worker only, which is no service; Health events are account-wide.
        Assert.True(all.Weeks[1].Values["oom_kills"] > 0);
        Assert.All(payments.Weeks, w => Assert.Equal(0, w.Values["oom_kills"]));
        Assert.Equal(all.Weeks.Select(w => w.Values["health_events"]), payments.Weeks.Select(w => w.Values["health_events"]));
        Assert.Equal(1, payments.Weeks[1].Values["failed_deployments"]);
        // Trusted Advisor is account-wide too: the search and idle-instance findings come and go whatever the filter.
        Assert.Equal(all.Advisor, payments.Advisor, (a, b) => a.Monday == b.Monday && a.New == b.New && a.Resolved == b.Resolved
            && a.Findings.OrderBy(k => k.Key).SequenceEqual(b.Findings.OrderBy(k => k.Key)) && a.Savings == b.Savings);
    }

    [Fact]
    public async Task Markdown_ShowsEachWeekWithItsChange()
    {
        var report = await BuildAsync();
        var md = WeeklyMarkdown.Write(report);
        var (w45, w46) = (report.Weeks[1].Values["oom_kills"], report.Weeks[2].Values["oom_kills"]);
        var change = w46 - w45;
        Assert.Contains($"- OOM kills: {w46:N0} in 2026-W46 ({(change > 0 ? "+" : "")}{change:N0} on 2026-W45); {w45 + w46:N0} over 3 weeks.", md, StringComparison.Ordinal);
        Assert.Contains("| 2026-W44 | 2026-10-26 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_ChangeFailureRateByServiceAndTopStopClasses_MatchTheRawEvents()
    {
        var report = await BuildAsync();
        // Deployments started in a week, each start of an id one; the circuit breaker's rollbacks not counted.
        var deployments = lake.DeploymentLives().Where(l => !l.IsRollback).Select(l => (Week: QueryLake.Monday(l.Start), l.Failed, l.Service)).ToList();
        foreach (var week in report.Weeks)
        {
            var started = deployments.Where(d => d.Week == week.Monday).ToList();
            Assert.Equal(started.Count, week.Values["deployments"]);
            Assert.Equal(started.Count == 0 ? null : (double)started.Count(d => d.Failed) / started.Count, week.ChangeFailureRate);
        }
        Assert.Equal(0.0, report.Weeks[2].ChangeFailureRate);
        Assert.True(report.Weeks[1].ChangeFailureRate > 0);

        var stopped = lake.LatestTaskStates().Where(t => QueryLake.Str(t, "lastStatus") == "STOPPED").ToList();
        static string ServiceOf(JsonElement t) => QueryLake.Str(t, "group")!.Split(':')[1];
        var payments = Assert.Single(report.Services, f => f.Service == "payments");
        Assert.Equal(stopped.Count(t => ServiceOf(t) == "payments" && QueryLake.IsFailure(t)), payments.Failures);
        Assert.Equal(deployments.Count(d => d.Service == "payments"), payments.Deployments);
        Assert.Equal(1, payments.FailedDeployments);
        Assert.Equal(report.Services.Max(f => f.Failures), report.Services[0].Failures);

        var healthChecks = stopped.Count(t => QueryLake.Str(t, "stoppedReason")?.StartsWith("Task failed ELB health checks", StringComparison.Ordinal) == true);
        Assert.Contains(("health_check_failed", (long)healthChecks), report.StopClasses);
        Assert.DoesNotContain(report.StopClasses, c => c.Class == "replaced");
        var md = WeeklyMarkdown.Write(report);
        Assert.Contains($"| payments | {payments.Failures:N0} | ", md, StringComparison.Ordinal);
        Assert.Contains("## Top stop classes", md, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Html_AtLaptopWidth_FitsTheWindowAndReadsInTheReadersColourScheme(string scheme)
    {
        var report = await BuildAsync();
        using var temp = Some.TempFolder();
        var path = temp.Sub("weekly-report.html");
        await File.WriteAllTextAsync(path, WeeklyHtml.Write(report));

        var look = Browser.Look(path, 1280, scheme, $"weekly-report-{scheme}.png");

        Assert.Empty(look.ConsoleErrors);
        Assert.Empty(look.Refused);
        // The week table is wider than a laptop's window: it scrolls on its own, the page does not.
        Assert.True(look.ScrollWidth <= look.ViewportWidth, $"the page is {look.ScrollWidth} px wide in a {look.ViewportWidth} px window");
        // Dark when the reader asks for dark, light otherwise, and the text readable on it (WCAG AA asks 4.5:1).
        Assert.True(scheme == "dark" ? PageLook.Luminance(look.Background) < 0.1 : PageLook.Luminance(look.Background) > 0.9, $"{scheme}: background {look.Background}");
        Assert.True(look.Contrast >= 4.5, $"{scheme}: {look.Color} on {look.Background} is {look.Contrast:0.0}:1");
    }

    [Fact]
    public async Task Html_RendersInChromiumWithOneBarPerWeekAndNoNetwork()
    {
        var report = await BuildAsync();
        using var temp = Some.TempFolder();
        var path = temp.Sub("weekly-report.html");
        await File.WriteAllTextAsync(path, WeeklyHtml.Write(report));

        var look = Browser.Look(path, 1280, "light", "weekly-report-charts.png");
        Assert.Empty(look.ConsoleErrors);
        Assert.Empty(look.Refused);

        // Every measure has a chart, drawn, with one bar per week holding its value, and a table of those numbers.
        Assert.Equal(WeeklyReport.Measures.Select(m => m.Column), look.Charts.Keys);
        foreach (var measure in WeeklyReport.Measures)
        {
            var chart = look.Charts[measure.Column];
            Assert.True(chart.Drawn, measure.Column);
            Assert.Equal(report.Weeks.Select(w => "W" + w.IsoWeek[^2..]), chart.Categories.Single());
            Assert.Equal(report.Weeks.Select(w => (double)w.Values[measure.Column]), chart.Series.Single().Points.Select(p => p[0]));
            Assert.Equal(report.Weeks.Select(w => w.Values[measure.Column].ToString("N0", CultureInfo.InvariantCulture)), look.Tables[measure.Column].Select(r => r[1]));
        }
        // Charts of one unit share one scale: the same top, and a unit drawn as tall in each. (Before, each chart had its
        // own unlabelled scale, and one failed deployment drew as tall as thirty container exits.)
        foreach (var unit in WeeklyReport.Measures.Select(m => m.Unit).Distinct())
        {
            var same = WeeklyReport.Measures.Where(m => m.Unit == unit).Select(m => look.Charts[m.Column]).ToList();
            Assert.All(same, c => Assert.Equal(report.Scale(unit), c.ValueMax));
            Assert.All(same, c => Assert.Equal(same[0].PixelsPerUnit!.Value, c.PixelsPerUnit!.Value, 0.01));
        }
        Assert.NotEqual(look.Charts["deployments"].PixelsPerUnit, look.Charts["container_exits"].PixelsPerUnit);

        // The Trusted Advisor table as the page has it: a row per week, a cell per pillar holding the report's count.
        var html = await File.ReadAllTextAsync(path);
        var advisor = Regex.Matches(html, "<td data-pillar=\"([a-z_]+)\">([0-9,]+)</td>");
        Assert.Equal(report.Advisor.SelectMany(a => WeeklyReport.Pillars.Select(p => $"{p}={a.Findings[p]:N0}")),
            advisor.Select(m => $"{m.Groups[1].Value}={m.Groups[2].Value}"));
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<script[^>]+src=", html);
    }

    [Fact]
    public async Task Build_TrustedAdvisorByPillarNewResolvedAndSavings_MatchTheRawPages()
    {
        var report = await BuildAsync();
        var refreshes = lake.AdvisorRefreshes();
        Assert.Equal(3, report.Advisor.Count);
        foreach (var week in report.Advisor)
        {
            var start = week.Monday.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var end = start.AddDays(7);
            var atEnd = refreshes.Where(r => r.At < end).GroupBy(r => r.Check).Select(g => g.MaxBy(r => r.At)!).ToList();
            foreach (var pillar in WeeklyReport.Pillars)
                Assert.Equal(atEnd.Where(r => r.Pillar == pillar).Sum(r => (long)r.Findings.Count), week.Findings[pillar]);
            Assert.Equal(atEnd.Where(r => r.Pillar == "cost_optimizing").Sum(r => r.Savings), week.Savings, 0.001);
            long added = 0, resolved = 0, suppressed = 0;
            foreach (var check in refreshes.GroupBy(r => r.Check))
            {
                var before = check.Where(r => r.At < start).MaxBy(r => r.At)?.Findings ?? [];
                var last = check.Where(r => r.At < end).MaxBy(r => r.At);
                var after = last?.Findings ?? [];
                // Listed as suppressed by the user at the week's end: ignored, not fixed (DOMAIN.md).
                var ignored = last?.Resources.Where(x => x.Suppressed).Select(x => x.Id).ToHashSet() ?? [];
                var during = check.Where(r => r.At >= start && r.At < end).SelectMany(r => r.Findings).ToHashSet();
                added += during.Count(id => !before.Contains(id));
                resolved += before.Union(during).Count(id => !after.Contains(id) && !ignored.Contains(id));
                suppressed += before.Union(during).Count(id => !after.Contains(id) && ignored.Contains(id));
            }
            Assert.Equal((added, resolved, suppressed), (week.New, week.Resolved, week.Suppressed));
        }
        // The generated story has findings come and go: the second idle instance every third day, Multi-AZ for search.
        Assert.True(report.Advisor[1].New > 0 && report.Advisor[2].Resolved > 0);
        Assert.Contains(report.Advisor, a => a.Suppressed > 0);
        var w45 = report.Advisor[1];
        Assert.Contains($"| 2026-W45 | {string.Join(" | ", WeeklyReport.Pillars.Select(p => w45.Findings[p]))} | {w45.New} | {w45.Resolved} |", WeeklyMarkdown.Write(report), StringComparison.Ordinal);
        Assert.Contains(WeeklyText.Highlights(report), h => h.StartsWith("Trusted Advisor: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_HealthByAccount_TheDistinctEventsOfThePeriod()
    {
        var report = await BuildAsync();
        var events = lake.Events_("AWS Health Event").Where(e => e.Time >= new DateTime(2026, 10, 26, 0, 0, 0, DateTimeKind.Utc) && e.Time < new DateTime(2026, 11, 16, 0, 0, 0, DateTimeKind.Utc))
            .GroupBy(e => QueryLake.Str(e.Detail, "eventArn")).ToList();
        // Each generated event affects this account and, in the organization view, one member account.
        var members = lake.Pages.Where(p => QueryLake.Str(p.GetProperty("collected"), "operation") == "DescribeEventDetailsForOrganization")
            .SelectMany(p => p.GetProperty("response").GetProperty("successfulSet").EnumerateArray()).Select(d => QueryLake.Str(d, "awsAccountId")!).ToHashSet();
        Assert.Equal(members.Order(StringComparer.Ordinal), report.Accounts.Select(a => a.Account).Order(StringComparer.Ordinal));
        foreach (var account in report.Accounts)
        {
            Assert.Equal((long)events.Count, account.Events);
            Assert.Equal((long)events.Count, account.Issues);
            Assert.Contains($"| {account.Account} | {account.Events} | {account.Issues} |", WeeklyMarkdown.Write(report), StringComparison.Ordinal);
        }
    }
}

/// <summary>Headless Chromium (Debian package chromium), as the browser tests use it.</summary>
public static class Chromium
{
    /// <summary>The DOM after Chromium has loaded <paramref name="file"/>.</summary>
    public static string DumpDom(string file)
    {
        var start = new ProcessStartInfo("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", new Uri(file).AbsoluteUri])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception ex) { throw new InvalidOperationException("Chromium is not installed: apt-get install chromium (.ci/run does).", ex); }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var dom = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(60_000), "chromium did not finish");
            Assert.True(process.ExitCode == 0, $"chromium failed: {stderr.Result}");
            return dom;
        }
    }
}
