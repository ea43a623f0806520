using Analytics.Query.Reports.Rows;

namespace Analytics.Query.Reports.Weekly;

/// <summary>
/// The weekly trend report's figures: per ISO week, task failures by kind, OOM kills, failed deployments, Health
/// events and Support cases, with the change from the week before, Trusted Advisor's findings by pillar and its
/// estimated savings, and AWS Health across the organization by account. <see cref="WeeklyReportQuery"/> fills it from
/// the catalog; <see cref="WeeklyMarkdown"/> and <see cref="WeeklyHtml"/> write it.
/// </summary>
internal sealed class WeeklyReport
{
    /// <summary>
    /// The measures, in report order: column name, label and unit. Charts of one unit share one scale, so a bar of
    /// one failed deployment is never drawn as tall as one of thirty container exits.
    /// </summary>
    public static readonly IReadOnlyList<Measure> Measures =
    [
        new("health_check_failures", "Health-check kills", "tasks", w => w.HealthCheckFailures),
        new("container_exits", "Essential container exits", "tasks", w => w.ContainerExits),
        new("oom_kills", "OOM kills", "tasks", w => w.OomKills),
        new("failed_starts", "Tasks failed to start", "tasks", w => w.FailedStarts),
        new("spot_interruptions", "Spot interruptions", "tasks", w => w.SpotInterruptions),
        new("infrastructure_stops", "Infrastructure stops", "tasks", w => w.InfrastructureStops),
        new("deployments", "Deployments", "deployments", w => w.Deployments),
        new("failed_deployments", "Failed deployments", "deployments", w => w.FailedDeployments),
        new("health_events", "AWS Health events", "events", w => w.HealthEvents),
        new("support_cases", "Support cases opened", "cases", w => w.SupportCases),
    ];

    /// <summary>A measure of the report.</summary>
    /// <param name="Column">The weekly-trends column.</param>
    /// <param name="Label">Its label.</param>
    /// <param name="Unit">What it counts; the charts of one unit share a scale.</param>
    /// <param name="Of">Its count in a week's row of weekly-trends.</param>
    public sealed record Measure(string Column, string Label, string Unit, Func<WeeklyTrendRow, long> Of);

    /// <summary>A service's figures over the whole period.</summary>
    /// <param name="Service">The service (or task group).</param>
    /// <param name="Failures">Tasks stopped for a failure class.</param>
    /// <param name="TopFailure">Its most frequent failure class, or null.</param>
    /// <param name="Abnormal">Tasks stopped abnormally (failures, infrastructure, Spot, unexplained).</param>
    /// <param name="Deployments">Deployments started in the period, rollbacks not counted.</param>
    /// <param name="FailedDeployments">Those of them that failed.</param>
    public sealed record ServiceFigures(string Service, long Failures, string? TopFailure, long Abnormal, long Deployments, long FailedDeployments)
    {
        /// <summary>Failed deployments over deployments; null without deployments.</summary>
        public double? ChangeFailureRate => Deployments == 0 ? null : (double)FailedDeployments / Deployments;
    }

    /// <summary>Trusted Advisor's pillars, in report order; a pillar Trusted Advisor adds later follows them under its own name.</summary>
    public static readonly IReadOnlyList<string> Pillars = ["fault_tolerance", "service_limits", "security", "performance", "cost_optimizing"];

    /// <summary>The pillars the report shows: <see cref="Pillars"/>, then any other category the checks of the period had.</summary>
    public IReadOnlyList<string> AdvisorPillars { get; init; } = Pillars;

    /// <summary>Trusted Advisor in one week.</summary>
    /// <param name="Monday">The week's Monday.</param>
    /// <param name="Findings">Findings (warning or error, not suppressed) at the week's end, by pillar.</param>
    /// <param name="New">Findings flagged in the week that were not at its start (those gone again by its end included).</param>
    /// <param name="Resolved">Findings of the week's start, or flagged in it, that were no longer flagged at its end (suppressed ones not counted).</param>
    /// <param name="Suppressed">Findings of the week's start, or flagged in it, that the user suppressed by its end: ignored, not fixed.</param>
    /// <param name="Savings">Estimated monthly savings (USD) of the cost-optimizing checks at the week's end.</param>
    public sealed record AdvisorWeek(DateOnly Monday, IReadOnlyDictionary<string, long> Findings, long New, long Resolved, long Suppressed, double Savings);

    /// <summary>An account's AWS Health events active in the period (health-organization).</summary>
    public sealed record AccountHealth(string Account, long Events, long Issues, long ScheduledChanges, long Notifications, long OpenAtEnd, long ImpairedEntities);

    /// <summary>Trusted Advisor, week by week.</summary>
    public IReadOnlyList<AdvisorWeek> Advisor { get; init; } = [];

    /// <summary>AWS Health across the organization over the period, most events first.</summary>
    public IReadOnlyList<AccountHealth> Accounts { get; init; } = [];

    /// <summary>The report of <paramref name="weeks"/> weeks from <paramref name="firstMonday"/>.</summary>
    public WeeklyReport(DateOnly firstMonday, int weeks, IReadOnlyList<Week> rows, IReadOnlyList<ServiceFigures> services, IReadOnlyList<(string Class, long Tasks)> stopClasses)
    {
        FirstMonday = firstMonday;
        Weeks = rows;
        WeekCount = weeks;
        Services = services;
        StopClasses = stopClasses;
    }

    /// <summary>Per service over the period, most failures first.</summary>
    public IReadOnlyList<ServiceFigures> Services { get; }

    /// <summary>Abnormal stops over the period by stop class, most first.</summary>
    public IReadOnlyList<(string Class, long Tasks)> StopClasses { get; }

    /// <summary>The Monday the report starts on.</summary>
    public DateOnly FirstMonday { get; }

    /// <summary>How many weeks.</summary>
    public int WeekCount { get; }

    /// <summary>Every week of the period, weeks without any fact included (all zeros).</summary>
    public IReadOnlyList<Week> Weeks { get; }

    /// <summary>One week's figures.</summary>
    /// <param name="Monday">The week's Monday.</param>
    /// <param name="IsoWeek">ISO year and week, e.g. 2026-W45.</param>
    /// <param name="Values">Each measure's count, by column name.</param>
    /// <param name="MinutesToRecover">For each failure episode that began in the week (a burst of failures of a service and the steady state that ends it: recovery-episodes), minutes from its first failure to that steady state; episodes not recovered by the period's end are left out.</param>
    /// <param name="Unrecovered">Episodes that began in the week and had not reached steady state by the period's end.</param>
    public sealed record Week(DateOnly Monday, string IsoWeek, IReadOnlyDictionary<string, long> Values, IReadOnlyList<long> MinutesToRecover, int Unrecovered)
    {
        /// <summary>Failed deployments over deployments; null in a week without deployments.</summary>
        public double? ChangeFailureRate => Values["deployments"] == 0 ? null : (double)Values["failed_deployments"] / Values["deployments"];

        /// <summary>The median minutes to recover (the lower middle of an even count); null when no service recovered.</summary>
        public long? MedianMinutesToRecover => MinutesToRecover.Count == 0 ? null : MinutesToRecover.Order().ElementAt((MinutesToRecover.Count - 1) / 2);

        /// <summary>The change of <paramref name="column"/> from <paramref name="previous"/>; null for the first week.</summary>
        public long? Change(string column, Week? previous) => previous is null ? null : Values[column] - previous.Values[column];
    }

    /// <summary>The top of the shared scale of <paramref name="unit"/>: the largest weekly value of its measures, rounded up to an even number (at least 2) so that its half is a whole tick.</summary>
    public long Scale(string unit)
    {
        var max = Measures.Where(m => m.Unit == unit).SelectMany(m => Weeks.Select(w => w.Values[m.Column])).DefaultIfEmpty(0).Max();
        return Math.Max(2, max + max % 2);
    }

    /// <summary>The report's title.</summary>
    public string Title => $"Weekly trends, {Weeks[0].IsoWeek} to {Weeks[^1].IsoWeek}";
}
