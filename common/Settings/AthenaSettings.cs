using System.Text.RegularExpressions;
using Analytics.Aws.Athena;

namespace Analytics.Common.Settings;

/// <summary>How the catalog runs on Athena (section <c>Athena</c>).</summary>
[SettingsSection("Athena")]
public sealed partial class AthenaSettings : ISettings
{
    /// <summary>The Athena price per TB scanned in most regions, in dollars.</summary>
    public const decimal DefaultPricePerTb = 5m;

    /// <summary>The Glue database of the lake's tables.</summary>
    /// <value>The default value is analytics.</value>
    [Setting("--database", "The Glue database of the lake's tables.")]
    public string Database { get; set; } = "analytics";

    /// <summary>The Athena workgroup.</summary>
    /// <value>The default value is primary.</value>
    [Setting("--workgroup", "The Athena workgroup.")]
    public string Workgroup { get; set; } = "primary";

    /// <summary>Where Athena writes results; null for the workgroup's setting.</summary>
    [Setting("--output-location", "s3:// location for Athena's results (default: the workgroup's).")]
    public string? OutputLocation { get; set; }

    /// <summary>Use Athena's FIPS endpoint.</summary>
    /// <value>The default value is false.</value>
    [Setting("--fips", "true to use Athena's FIPS endpoint.")]
    public bool Fips { get; set; }

    /// <summary>Minutes an identical query's result may be reused; 0 for never.</summary>
    /// <value>The default value is 60 minutes.</value>
    [Setting("--reuse-minutes", "Reuse the result of the same query up to this many minutes old (0: never; at most 10080, 7 days).")]
    public int ReuseMinutes { get; set; } = AthenaQueryOptions.DefaultReuseMinutes;

    /// <summary>Dollars per TB scanned, for the printed cost.</summary>
    /// <value>The default value is 5 dollars.</value>
    [Setting("--price-per-tb", "Dollars per TB scanned, for the printed cost and --estimate.")]
    public decimal PricePerTb { get; set; } = DefaultPricePerTb;

    /// <summary>How results longer than one page are read: <c>s3</c> (the result CSV, one GET) or <c>api</c> (GetQueryResults pages).</summary>
    /// <value>The default value is s3.</value>
    [Setting("--results", "How a result longer than one page (1,000 rows) is read: s3 (its CSV in the output location, one streamed GET) or api (GetQueryResults pages).")]
    public string Results { get; set; } = "s3";

    /// <summary>
    /// Queries one command runs on Athena at once (the review's and the report's are independent). Athena counts running
    /// and queued queries of the account and Region against its active DML query quota (20 to 25 by default, lower in
    /// some Regions); a StartQueryExecution over it is refused with TooManyRequestsException, which is retried with backoff.
    /// </summary>
    /// <value>The default value is 10: half the default quota, room left for the account's other users.</value>
    [Setting("--max-concurrent-queries", "Queries one command (review, report, dashboard) runs on Athena at once; Athena counts running and queued queries against the account's active DML quota (20 to 25 by default), and one refused (TooManyRequestsException) is retried with backoff.")]
    public int MaxConcurrentQueries { get; set; } = 10;

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (!SnakeCase().IsMatch(Database)) check.Add($"{check.Name(nameof(Database))} is '{Database}': expected a Glue database name of lowercase letters, digits and _");
        if (!WorkgroupName().IsMatch(Workgroup)) check.Add($"{check.Name(nameof(Workgroup))} is '{Workgroup}': expected 1 to 128 letters, digits, '.', '_' or '-'");
        if (OutputLocation is not null && !Locations.IsS3(OutputLocation)) check.Add($"{check.Name(nameof(OutputLocation))} is '{OutputLocation}': expected s3://bucket/prefix/");
        if (ReuseMinutes is < 0 or > AthenaQueryOptions.MaxReuseMinutes)
            check.Add($"{check.Name(nameof(ReuseMinutes))} is '{ReuseMinutes}': expected 0 (no reuse) to {AthenaQueryOptions.MaxReuseMinutes} (7 days)");
        if (PricePerTb <= 0) check.Add($"{check.Name(nameof(PricePerTb))} is '{PricePerTb}': expected dollars per TB scanned, such as 5 or 6.75");
        check.Range(nameof(MaxConcurrentQueries), MaxConcurrentQueries, 1, 100);
        Results = Results.ToLowerInvariant();
        if (Results is not ("s3" or "api")) check.Add($"{check.Name(nameof(Results))} is '{Results}': expected s3 (read a long result's CSV from the output location) or api (GetQueryResults pages)");
    }

    [GeneratedRegex("^[a-z0-9_]{1,255}$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,128}$")]
    private static partial Regex WorkgroupName();
}
