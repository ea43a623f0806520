namespace Analytics.Common.Settings;

/// <summary>How often the worker collects each API source (section <c>Collect</c>).</summary>
[SettingsSection("Collect")]
public sealed class CollectSettings : ISettings
{
    /// <summary>The API sources there are: the account's Health events, the organization's, Support cases, Trusted Advisor.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["health", "health-org", "support", "trusted-advisor"];

    /// <summary>Seconds between two Health collection passes (either view).</summary>
    /// <value>The default value is 300 seconds.</value>
    [Setting("--health-interval-seconds", "The worker: seconds between two Health passes.")]
    public int HealthIntervalSeconds { get; set; } = 300;

    /// <summary>Seconds between two Support collection passes.</summary>
    /// <value>The default value is 900 seconds.</value>
    [Setting("--support-interval-seconds", "The worker: seconds between two Support passes.")]
    public int SupportIntervalSeconds { get; set; } = 900;

    /// <summary>Seconds between two Trusted Advisor collection passes.</summary>
    /// <value>The default value is 3600 seconds.</value>
    [Setting("--trusted-advisor-interval-seconds", "The worker: seconds between two Trusted Advisor passes.")]
    public int TrustedAdvisorIntervalSeconds { get; set; } = 3600;

    /// <summary>The interval of a collected source.</summary>
    public TimeSpan Interval(string source) => TimeSpan.FromSeconds(
        source.StartsWith("health", StringComparison.Ordinal) ? HealthIntervalSeconds : source == "trusted-advisor" ? TrustedAdvisorIntervalSeconds : SupportIntervalSeconds);

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        check.Range(nameof(HealthIntervalSeconds), HealthIntervalSeconds, 10, 86_400);
        check.Range(nameof(SupportIntervalSeconds), SupportIntervalSeconds, 10, 86_400);
        check.Range(nameof(TrustedAdvisorIntervalSeconds), TrustedAdvisorIntervalSeconds, 10, 86_400);
    }
}
