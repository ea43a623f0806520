using System.Globalization;
using Analytics.Query.Engines;
using Analytics.Query.Reports.Rows;

namespace Analytics.Query.Reports.Dashboard;

/// <summary>Where a figure's numbers came from: a catalog query and its parameters (a reader reruns it with <c>run</c>), and on Athena what it scanned.</summary>
/// <param name="Query">The catalog query.</param>
/// <param name="Parameters">The parameters it was given, in order.</param>
/// <param name="Statistics">Athena's statistics of the run; null on DuckDB.</param>
internal sealed record FigureSource(string Query, IReadOnlyList<KeyValuePair<string, string>> Parameters, AthenaQueryStatistics? Statistics)
{
    /// <summary>The command that reruns the query (the engine's options aside).</summary>
    public string Rerun => $"dotnet run --project query -- run {Query}" + string.Concat(Parameters.Select(p => $" -p {p.Key}={p.Value}"));

    /// <summary>What Athena scanned and whether it reused a result; empty on DuckDB.</summary>
    public string Scan => Statistics is { } s
        ? $"Athena scanned {AthenaQueryStatistics.Bytes(s.DataScannedBytes)} (${s.CostUsd.ToString("0.######", CultureInfo.InvariantCulture)}), result reused: {(s.Reused ? "yes" : "no")}"
        : "";
}

/// <summary>A tile: one figure and its detail lines.</summary>
/// <param name="Id">Its id in the page (<c>data-tile</c>).</param>
/// <param name="Title">What it counts.</param>
/// <param name="Value">The figure as shown.</param>
/// <param name="Number">The figure as a number (null when there is none: no deployment, no recovery).</param>
/// <param name="Lines">Its detail, a line each.</param>
/// <param name="Sources">The queries it read.</param>
internal sealed record Tile(string Id, string Title, string Value, double? Number, IReadOnlyList<string> Lines, IReadOnlyList<FigureSource> Sources);

/// <summary>One ISO week of the trends around the window (zero when nothing happened that week).</summary>
/// <param name="Monday">The week's Monday.</param>
/// <param name="IsoWeek">ISO year and week, e.g. 2026-W45.</param>
/// <param name="Row">The week's weekly-trends row; null when the week had nothing.</param>
internal sealed record TrendWeek(DateOnly Monday, string IsoWeek, WeeklyTrendRow? Row);

/// <summary>Everything the dashboard shows, as the catalog answered for one window.</summary>
internal sealed class DashboardData
{
    /// <summary>Start of the window (UTC, inclusive).</summary>
    public required DateTime From { get; init; }

    /// <summary>End of the window (UTC, exclusive).</summary>
    public required DateTime To { get; init; }

    /// <summary>The cluster asked for, if any.</summary>
    public string? Cluster { get; init; }

    /// <summary>The service asked for, if any.</summary>
    public string? Service { get; init; }

    /// <summary>The engine's name.</summary>
    public required string Engine { get; init; }

    /// <summary>The tiles, in page order.</summary>
    public required IReadOnlyList<Tile> Tiles { get; init; }

    /// <summary>incident-timeline: every event of the window.</summary>
    public required IReadOnlyList<TimelineRow> Timeline { get; init; }

    /// <summary>deployment-outcomes: each deployment under way in the window.</summary>
    public required IReadOnlyList<DeploymentRow> Deployments { get; init; }

    /// <summary>health-impact: each Health event active in the window.</summary>
    public required IReadOnlyList<HealthImpactRow> Health { get; init; }

    /// <summary>cluster-state: the steps of running tasks and container instances.</summary>
    public required IReadOnlyList<ClusterStateRow> ClusterState { get; init; }

    /// <summary>trusted-advisor-findings, by pillar: (pillar, new, resolved, suppressed).</summary>
    public required IReadOnlyList<(string Pillar, long New, long Resolved, long Suppressed)> Advisor { get; init; }

    /// <summary>The ISO weeks around the window, oldest first.</summary>
    public required IReadOnlyList<TrendWeek> Weeks { get; init; }

    /// <summary>Where each chart's numbers came from, by chart id.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<FigureSource>> Sources { get; init; }
}
