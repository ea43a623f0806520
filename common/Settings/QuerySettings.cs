namespace Analytics.Common.Settings;

/// <summary>Which engine runs the catalog (section <c>Query</c>).</summary>
[SettingsSection("Query")]
public sealed class QuerySettings : ISettings
{
    /// <summary><c>duckdb</c> (the local lake, embedded) or <c>athena</c> (the lake's tables in Athena).</summary>
    /// <value>The default value is duckdb.</value>
    [Setting("--engine", "duckdb (the local lake, embedded) or athena (the lake's tables in Athena).")]
    public string Engine { get; set; } = "duckdb";

    /// <inheritdoc/>
    public void Validate(SettingsCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        Engine = Engine.ToLowerInvariant();
        if (Engine is not ("duckdb" or "athena")) check.Add($"{check.Name(nameof(Engine))} is '{Engine}': expected duckdb or athena");
    }
}
