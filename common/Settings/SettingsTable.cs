using System.Globalization;
using System.Text;

namespace Analytics.Common.Settings;

/// <summary>The settings as documentation: every setting of every section, from the one definition the programs bind.</summary>
public static class SettingsTable
{
    /// <summary>One Markdown table: key, environment variable, option, default, what it sets (docs/settings.md holds it, checked by a test).</summary>
    public static string Markdown()
    {
        var text = new StringBuilder("| Key (settings file) | Environment variable | Option | Default | What it sets |\n|---|---|---|---|---|\n");
        foreach (var type in SettingsLoader.Sections)
        {
            var section = SettingsLoader.SectionOf(type);
            var defaults = Activator.CreateInstance(type);
            foreach (var (property, setting) in SettingsLoader.SettingsOf(type))
                text.Append(CultureInfo.InvariantCulture, $"| `{section}:{property.Name}` | `{SettingsLoader.EnvironmentPrefix}{section}__{property.Name}` | `{setting.Option}` | {Default(property, defaults)} | {setting.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }
        return text.ToString();
    }

    /// <summary>The default of a setting as the table shows it.</summary>
    public static string Default(System.Reflection.PropertyInfo property, object? defaults)
    {
        ArgumentNullException.ThrowIfNull(property);
        if (property.DeclaringType == typeof(IngestSettings) && property.Name == nameof(IngestSettings.Parallelism)) return "processors";
        return property.GetValue(defaults) switch
        {
            null or "" => "",
            List<string> { Count: 0 } => "",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString() ?? "",
        };
    }
}
