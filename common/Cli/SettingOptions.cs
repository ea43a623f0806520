using System.CommandLine;
using System.Globalization;
using Analytics.Common.Settings;

namespace Analytics.Common.Cli;

/// <summary>
/// The command-line options of settings: each is made from its setting's attribute (name, description, default, its key
/// and environment variable in the help), and what the command line gives is handed to <see cref="SettingsLoader"/> as
/// the top layer. A command lists the settings it takes; the values themselves are checked by the loader, so a wrong one
/// reads the same from the command line, the environment or the settings file.
/// </summary>
public sealed class SettingOptions
{
    private readonly List<(Option Option, string Key, SettingAttribute Setting, bool IsList)> _options = [];
    private readonly Option<string?> _file = new("--settings")
    {
        Description = $"A JSON settings file (default: {SettingsLoader.SettingsFileVariable}, else ./{SettingsLoader.DefaultFile} when there is one): sections of Section:Key settings; environment variables {SettingsLoader.EnvironmentPrefix}Section__Key and then the command line win over it.",
    };

    /// <summary>Options for <paramref name="properties"/> of section <typeparamref name="T"/>.</summary>
    public SettingOptions Add<T>(params string[] properties) where T : class, ISettings, new()
    {
        ArgumentNullException.ThrowIfNull(properties);
        var defaults = new T();
        var section = SettingsLoader.SectionOf(typeof(T));
        foreach (var name in properties)
        {
            var (property, setting) = SettingsLoader.SettingsOf(typeof(T)).Single(s => s.Property.Name == name);
            var key = $"{section}:{name}";
            var help = $"{setting.Description} ({key}, {SettingsLoader.EnvironmentPrefix}{section}__{name}{Default(property, defaults)})";
            Option option = property.PropertyType == typeof(List<string>)
                ? setting.CommaSeparated ? new Option<string?>(setting.Option) { Description = help } : new Option<string[]>(setting.Option) { Description = help, AllowMultipleArgumentsPerToken = false }
                : property.PropertyType == typeof(bool) ? new Option<bool>(setting.Option) { Description = help }
                : new Option<string?>(setting.Option) { Description = help };
            _options.Add((option, key, setting, property.PropertyType == typeof(List<string>)));
        }
        return this;
    }

    /// <summary>Every option, <c>--settings</c> included, to add to a command.</summary>
    public IEnumerable<Option> All => [.. _options.Select(o => o.Option), _file];

    /// <summary>The settings given on this command line, for <see cref="SettingsLoader.Load"/>.</summary>
    public IEnumerable<(string Key, string? Value, string Option)> Given(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var (option, key, setting, isList) in _options)
        {
            if (parse.GetResult(option) is not { Implicit: false }) continue;
            if (option is Option<bool> flag) yield return (key, parse.GetValue(flag).ToString(CultureInfo.InvariantCulture), setting.Option);
            else if (option is Option<string[]> repeated)
            {
                var i = 0;
                foreach (var value in parse.GetValue(repeated) ?? []) yield return ($"{key}:{i++}", value, setting.Option);
            }
            else if (isList)
            {
                var i = 0;
                foreach (var value in (parse.GetValue((Option<string?>)option) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    yield return ($"{key}:{i++}", value, setting.Option);
            }
            else yield return (key, parse.GetValue((Option<string?>)option), setting.Option);
        }
    }

    /// <summary>Loads the settings: the settings file, the environment of <paramref name="context"/>, this command line; the rules of <paramref name="validate"/> checked.</summary>
    public LoadedSettings Load(ParseResult parse, ProgramContext context, params Type[] validate)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(context);
        return SettingsLoader.Load(parse.GetValue(_file), context.Environment, Given(parse), validate);
    }

    // The default as the settings table shows it; a switch that is off by default says nothing.
    private static string Default(System.Reflection.PropertyInfo property, object defaults) =>
        SettingsTable.Default(property, defaults) is { Length: > 0 } shown and not "false" ? "; default " + shown : "";
}
