namespace Analytics.Schemas.Semantics;

/// <summary>
/// The one severity scale of the lake (<c>info</c> &lt; <c>warning</c> &lt; <c>error</c>) and the mapping of every
/// source's own severity onto it. Ingest writes it to each event table's <c>severity</c> column, so every query,
/// the review and a BI tool read the same word for the same event.
/// </summary>
public static class Severity
{
    /// <summary>Routine: nothing to look at.</summary>
    public const string Info = "info";

    /// <summary>Worth a look: a warning of the source, a Spot interruption, a closed issue.</summary>
    public const string Warning = "warning";

    /// <summary>Something failed.</summary>
    public const string Error = "error";

    /// <summary>
    /// ECS deployment and service-action events say <c>INFO</c>, <c>WARN</c> or <c>ERROR</c> in <c>eventType</c>
    /// (matched ignoring case); anything else, or nothing, is info.
    /// </summary>
    public static string OfEcsEventType(string? eventType) => eventType?.ToUpperInvariant() switch
    {
        "ERROR" => Error,
        "WARN" or "WARNING" => Warning,
        _ => Info,
    };

    /// <summary>
    /// An AWS Health event version: an open issue is an error, an issue that is closed or upcoming a warning,
    /// an open or upcoming scheduled change a warning (it names something that will be changed), and the rest
    /// (account notifications, closed changes) info.
    /// </summary>
    public static string OfHealthEvent(string? category, string? status) => (category, status) switch
    {
        ("issue", "open") => Error,
        ("issue", _) => Warning,
        ("scheduledChange", "open" or "upcoming") => Warning,
        _ => Info,
    };

    /// <summary>A container instance that is not <c>ACTIVE</c> or whose agent disconnected is a warning; otherwise info.</summary>
    public static string OfContainerInstance(string? status, bool? agentConnected) =>
        agentConnected == false || (status is not null && status != "ACTIVE") ? Warning : Info;

    /// <summary>The rank of a severity word (info 1, warning 2, error 3; unknown 0), for ordering and thresholds.</summary>
    public static int Rank(string? severity) => severity switch
    {
        Error => 3,
        Warning => 2,
        Info => 1,
        _ => 0,
    };
}
