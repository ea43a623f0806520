using System.Globalization;
using static Analytics.Query.Reports.Weekly.WeeklyReport;

namespace Analytics.Query.Reports.Weekly;

/// <summary>The words and numbers both writers of the weekly report print alike.</summary>
internal static class WeeklyText
{
    public static string Signed(long? n) => n switch { null => "", > 0 => $"+{n:N0}", _ => n.Value.ToString("N0", CultureInfo.InvariantCulture) };

    public static string Percent(double? rate) => rate is { } r ? r.ToString("0%", CultureInfo.InvariantCulture) : "–";

    public static string Recovery(Week week) =>
        (week.MinutesToRecover.Count == 0 ? "–" : $"{week.MedianMinutesToRecover:N0} / {week.MinutesToRecover.Max():N0}")
        + (week.Unrecovered > 0 ? $" ({week.Unrecovered} not recovered)" : "");

    public static string Label(string pillar) => pillar.Replace('_', ' ');

    public static string Cell(Week week, Week? previous, string column) =>
        week.Change(column, previous) is { } change ? $"{week.Values[column]:N0} ({Signed(change)})" : $"{week.Values[column]:N0}";

    /// <summary>What changed between the last two weeks, and the period's totals.</summary>
    public static IEnumerable<string> Highlights(WeeklyReport report)
    {
        var last = report.Weeks[^1];
        var before = report.Weeks.Count > 1 ? report.Weeks[^2] : null;
        foreach (var (column, label, _, _) in Measures)
        {
            var total = report.Weeks.Sum(w => w.Values[column]);
            var change = last.Change(column, before);
            yield return before is null
                ? $"{label}: {total:N0}."
                : $"{label}: {last.Values[column]:N0} in {last.IsoWeek} ({Signed(change)} on {before.IsoWeek}); {total:N0} over {report.WeekCount} weeks.";
        }
        var deployed = report.Weeks.Sum(w => w.Values["deployments"]);
        var failed = report.Weeks.Sum(w => w.Values["failed_deployments"]);
        yield return $"Change failure rate: {Percent(last.ChangeFailureRate)} in {last.IsoWeek}; {Percent(deployed == 0 ? null : (double)failed / deployed)} over {report.WeekCount} weeks ({failed:N0} of {deployed:N0}).";
        if (report.Advisor.Count > 0)
        {
            var a = report.Advisor[^1];
            var total = a.Findings.Values.Sum();
            var change = report.Advisor.Count > 1 ? total - report.Advisor[^2].Findings.Values.Sum() : (long?)null;
            yield return $"Trusted Advisor: {total:N0} findings at the end of {last.IsoWeek}{(change is null ? "" : $" ({Signed(change)} on {before!.IsoWeek})")}, {a.New:N0} new, {a.Resolved:N0} resolved and {a.Suppressed:N0} suppressed in the week; estimated savings {a.Savings.ToString("N2", CultureInfo.InvariantCulture)} USD a month.";
        }
        var recoveries = report.Weeks.SelectMany(w => w.MinutesToRecover).ToList();
        yield return recoveries.Count == 0
            ? "Time to recover: no service failed and recovered in the period."
            : $"Time to recover: median {recoveries.Order().ElementAt((recoveries.Count - 1) / 2):N0} minutes, longest {recoveries.Max():N0}, over {recoveries.Count} recoveries.";
    }
}
