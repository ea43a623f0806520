namespace Analytics.Common.Settings;

/// <summary>
/// Marks a property of a settings section as a setting: its key is <c>Section:Property</c> in the settings file, its
/// environment variable <c>ANALYTICS__Section__Property</c>, and <see cref="Option"/> its command-line option.
/// </summary>
/// <param name="option">The command-line option, such as <c>--lease-seconds</c>.</param>
/// <param name="description">What it sets, for <c>--help</c> and the README's settings table (its default is added).</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingAttribute(string option, string description) : Attribute
{
    /// <summary>The command-line option, such as <c>--lease-seconds</c>.</summary>
    public string Option { get; } = option;

    /// <summary>What the setting sets.</summary>
    public string Description { get; } = description;

    /// <summary>A list given on the command line as one comma-separated value (<c>--collect health,support</c>) rather than by repeating the option.</summary>
    public bool CommaSeparated { get; init; }
}

/// <summary>Names the configuration section a settings class is bound from.</summary>
/// <param name="name">The section, such as <c>Lake</c>.</param>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SettingsSectionAttribute(string name) : Attribute
{
    /// <summary>The section, such as <c>Lake</c>.</summary>
    public string Name { get; } = name;
}

/// <summary>A section of settings: bound from its configuration section, then checked with every problem listed.</summary>
public interface ISettings
{
    /// <summary>Adds a line to <paramref name="check"/> for every problem of the values themselves (ranges, forms).</summary>
    void Validate(SettingsCheck check);
}
