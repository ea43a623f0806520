using System.Globalization;
using Analytics.Query.Reports.Rows;
using Analytics.Query.Engines;

namespace Analytics.Query.Reports;

/// <summary>
/// Whether the lake knows a service in a window (the <c>services</c> query), so that a misspelt <c>--service</c> is
/// said to be one, with the names the lake has, the closest first, instead of answering "nothing happened".
/// </summary>
internal static class KnownServices
{
    /// <summary>
    /// Null when the lake has <paramref name="service"/> between <paramref name="from"/> and <paramref name="to"/>
    /// (in <paramref name="cluster"/> when given); otherwise one sentence saying it does not, and which it has.
    /// </summary>
    public static async Task<string?> ProblemAsync(IQueryEngine engine, DateTime from, DateTime to, string? cluster, string service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var answer = await Answer<ServiceRow>.RunAsync(engine, Window(from, to, cluster), cancellationToken).ConfigureAwait(false);
        return Problem(answer, from, to, cluster, service);
    }

    /// <summary>The values of the <c>services</c> query for the window (every service of it, whichever was asked).</summary>
    public static Dictionary<string, string?> Window(DateTime from, DateTime to, string? cluster) => new(StringComparer.Ordinal)
    {
        ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
        ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
        ["cluster"] = cluster,
    };

    /// <summary>As <see cref="ProblemAsync"/>, from the <c>services</c> query's answer for the window.</summary>
    public static string? Problem(Answer<ServiceRow> answer, DateTime from, DateTime to, string? cluster, string service)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(service);
        var names = answer.Rows.Select(r => r.ServiceName).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (names.Contains(service, StringComparer.Ordinal)) return null;
        var where = $"{(cluster is null ? "" : $"in cluster {cluster} ")}between {IncidentReview.Display(from)} and {IncidentReview.Display(to)} UTC";
        if (names.Count == 0) return $"The lake has no ECS service {where}, so nothing about '{service}': check the window and the lake.";
        var closest = names.OrderBy(n => Distance(n, service)).ThenBy(n => n, StringComparer.Ordinal).Take(10);
        return $"The lake has no service '{service}' {where}. Services it has then, closest first: {string.Join(", ", closest)}.";
    }

    // Levenshtein distance, case-insensitive: how many letters to change, add or remove.
    private static int Distance(string a, string b)
    {
        (a, b) = (a.ToLowerInvariant(), b.ToLowerInvariant());
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
