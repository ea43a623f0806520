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
    private Task<WeeklyReport> BuildAsync() => WeeklyReport.BuildAsync(lake.Engine, new DateOnly(2026, 11, 15), weeks: 3, CancellationToken.None);


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
        var payments = await WeeklyReport.BuildAsync(lake.Engine, new DateOnly(2026, 11, 15), 3, CancellationToken.None, service: "payments");
        // OOM kills happen to the batch worker only, which is no service; Health events are account-wide.
        Assert.True(all.Weeks[1].Values["oom_kills"] > 0);
        Assert.All(payments.Weeks, w => Assert.Equal(0, w.Values["oom_kills"]));
        Assert.Equal(all.Weeks.Select(w => w.Values["health_events"]), payments.Weeks.Select(w => w.Values["health_events"]));
        Assert.Equal(1, payments.Weeks[1].Values["failed_deployments"]);
    }

    [Fact]
    public async Task Markdown_ShowsEachWeekWithItsChange()
    {
        var report = await BuildAsync();
        var md = report.ToMarkdown();
        var (w45, w46) = (report.Weeks[1].Values["oom_kills"], report.Weeks[2].Values["oom_kills"]);
        var change = w46 - w45;
        Assert.Contains($"- OOM kills: {w46:N0} in 2026-W46 ({(change > 0 ? "+" : "")}{change:N0} on 2026-W45); {w45 + w46:N0} over 3 weeks.", md, StringComparison.Ordinal);
        Assert.Contains("| 2026-W44 | 2026-10-26 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_RendersInChromiumWithOneBarPerWeekAndNoNetwork()
    {
        var report = await BuildAsync();
        using var temp = Some.TempFolder();
        var path = temp.Sub("weekly-report.html");
        await File.WriteAllTextAsync(path, report.ToHtml());

        var dom = Chromium.DumpDom(path);

        // The browser's own serialization of the page it parsed: every measure has a chart with one bar per
        // week, holding its value, taller for larger values.
        var figures = Regex.Matches(dom, "<figure data-measure=\"([a-z_]+)\">(.*?)</figure>", RegexOptions.Singleline);
        Assert.Equal(WeeklyReport.Measures.Select(m => m.Column), figures.Select(f => f.Groups[1].Value));
        foreach (Match figure in figures)
        {
            var column = figure.Groups[1].Value;
            var bars = Regex.Matches(figure.Groups[2].Value, "<rect class=\"bar\"[^>]*data-value=\"([0-9]+)\"[^>]*height=\"([0-9.]+)\"");
            Assert.Equal(report.Weeks.Select(w => w.Values[column].ToString(CultureInfo.InvariantCulture)), bars.Select(b => b.Groups[1].Value));
            var heights = bars.Select(b => double.Parse(b.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();
            var values = report.Weeks.Select(w => w.Values[column]).ToList();
            for (var i = 0; i < values.Count; i++)
                for (var j = 0; j < values.Count; j++)
                    if (values[i] > values[j]) Assert.True(heights[i] > heights[j], $"{column}: taller value, shorter bar");
        }
        Assert.Contains("default-src 'none'", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", dom, StringComparison.OrdinalIgnoreCase);
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
