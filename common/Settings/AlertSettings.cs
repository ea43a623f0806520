namespace Analytics.Common.Settings;

/// <summary>The worker's alerts: where they go, the rules' thresholds, which are off, and what they watch (section <c>Alerts</c>).</summary>
[SettingsSection("Alerts")]
public sealed class AlertSettings : ISettings
{
    /// <summary>The rules there are.</summary>
    public static IReadOnlyList<string> Rules { get; } = ["failing-tasks", "oom-kill", "deployment-failed", "placement-failures", "health-issue", "support-case"];

    /// <summary>An http(s) URL each alert change is POSTed to as JSON (Slack-compatible <c>text</c> beside the fields).</summary>
    [Setting("--alert-webhook", "An http(s) URL the worker POSTs each alert change to (opened, updated, resolved) as JSON, with Slack-compatible text; retried with backoff.")]
    public string? Webhook { get; set; }

    /// <summary>An EventBridge event bus each alert change is put on (PutEvents).</summary>
    [Setting("--alert-event-bus", "An EventBridge event bus (name or ARN) the worker puts each alert change on (source analytics.alerts), for your own rules to route.")]
    public string? EventBus { get; set; }

    /// <summary>Task failures of a service that open a failing-tasks alert within <see cref="FailingMinutes"/>.</summary>
    /// <value>The default value is 3.</value>
    [Setting("--alert-failing-tasks", "Task failures of one service (health-check kills, OOM kills, essential container exits, failed starts) that open an alert...")]
    public int FailingTasks { get; set; } = 3;

    /// <summary>The window of <see cref="FailingTasks"/>.</summary>
    /// <value>The default value is 10 minutes.</value>
    [Setting("--alert-failing-minutes", "...within this many minutes.")]
    public int FailingMinutes { get; set; } = 10;

    /// <summary>Placement failures of a service that open an alert within <see cref="PlacementMinutes"/>.</summary>
    /// <value>The default value is 3.</value>
    [Setting("--alert-placement-failures", "Task placement failures of one service that open an alert...")]
    public int PlacementFailures { get; set; } = 3;

    /// <summary>The window of <see cref="PlacementFailures"/>.</summary>
    /// <value>The default value is 15 minutes.</value>
    [Setting("--alert-placement-minutes", "...within this many minutes.")]
    public int PlacementMinutes { get; set; } = 15;

    /// <summary>Rules turned off.</summary>
    [Setting("--alert-off", "Rules turned off, comma-separated: failing-tasks, oom-kill, deployment-failed, placement-failures, health-issue, support-case.", CommaSeparated = true)]
    public List<string> Off { get; set; } = [];

    /// <summary>Only these accounts' alerts (all when empty).</summary>
    [Setting("--alert-accounts", "Only these accounts (comma-separated; all when not given).", CommaSeparated = true)]
    public List<string> Accounts { get; set; } = [];

    /// <summary>Only these clusters' ECS alerts (all when empty).</summary>
    [Setting("--alert-clusters", "Only these clusters' ECS alerts (comma-separated names; all when not given).", CommaSeparated = true)]
    public List<string> Clusters { get; set; } = [];

    /// <summary>Only these services' ECS alerts (all when empty).</summary>
    [Setting("--alert-services", "Only these services' ECS alerts (comma-separated names; all when not given).", CommaSeparated = true)]
    public List<string> Services { get; set; } = [];

    /// <summary>Only these Health event types (all issues when empty).</summary>
    [Setting("--alert-health-types", "Only Health issues of these event types (comma-separated, such as AWS_ECS_OPERATIONAL_ISSUE; all when not given).", CommaSeparated = true)]
    public List<string> HealthEventTypes { get; set; } = [];

    /// <summary>Whether alerts go anywhere.</summary>
    public bool Enabled => Webhook is not null || EventBus is not null;

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (Webhook is not null && !(Uri.TryCreate(Webhook, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            check.Add($"{check.Name(nameof(Webhook))} is '{Webhook}': expected an http:// or https:// URL");
        check.Range(nameof(FailingTasks), FailingTasks, 1, 1000);
        check.Range(nameof(FailingMinutes), FailingMinutes, 1, 1440);
        check.Range(nameof(PlacementFailures), PlacementFailures, 1, 1000);
        check.Range(nameof(PlacementMinutes), PlacementMinutes, 1, 1440);
        foreach (var rule in Off.Where(r => !Rules.Contains(r)))
            check.Add($"{check.Name(nameof(Off))} names '{rule}': expected one of {string.Join(", ", Rules)}");
    }
}
