using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Analytics.Common.Settings;

/// <summary>
/// The one way every program reads its settings: a JSON settings file, under <c>ANALYTICS__Section__Key</c> environment
/// variables, under the command line; bound to the settings sections (<see cref="Sections"/>), then checked, with every
/// problem of every source listed at once: values that are not of their type, keys no section has, and each section's
/// own rules.
/// </summary>
public static class SettingsLoader
{
    /// <summary>The prefix of a setting's environment variable: <c>ANALYTICS__Lake__Location</c>.</summary>
    public const string EnvironmentPrefix = "ANALYTICS__";

    /// <summary>The environment variable naming the settings file when <c>--settings</c> is not given.</summary>
    public const string SettingsFileVariable = "ANALYTICS_SETTINGS";

    /// <summary>The settings file read from the current folder when neither <c>--settings</c> nor <see cref="SettingsFileVariable"/> names one.</summary>
    public const string DefaultFile = "appsettings.json";

    /// <summary>Every settings section, in the order the README's table lists them.</summary>
    public static IReadOnlyList<Type> Sections { get; } =
        [typeof(LakeSettings), typeof(AwsSettings), typeof(IngestSettings), typeof(WorkerSettings), typeof(CollectSettings), typeof(AlertSettings), typeof(QuerySettings), typeof(AthenaSettings)];

    // Sections a settings file may hold for the libraries underneath (Microsoft.Extensions.Logging's levels).
    private static readonly string[] PassThrough = ["Logging"];

    /// <summary>The settings each of the earlier names (environment variables <c>ANALYTICS_NAME</c>, settings file keys) now is.</summary>
    public static IReadOnlyDictionary<string, string> FormerNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["engine"] = "Query:Engine", ["lake"] = "Lake:Location", ["region"] = "Aws:Region", ["s3_endpoint"] = "Aws:S3Endpoint",
        ["athena_database"] = "Athena:Database", ["athena_workgroup"] = "Athena:Workgroup", ["athena_output_location"] = "Athena:OutputLocation",
        ["athena_endpoint"] = "Aws:AthenaEndpoint", ["athena_fips"] = "Athena:Fips", ["athena_reuse_minutes"] = "Athena:ReuseMinutes",
        ["athena_price_per_tb"] = "Athena:PricePerTb", ["athena_results"] = "Athena:Results",
        ["Worker__Lake"] = "Lake:Location", ["Worker__S3Endpoint"] = "Aws:S3Endpoint", ["Worker__StagingFolder"] = "Lake:StagingFolder",
        ["Worker__LeaseSeconds"] = "Lake:LeaseSeconds", ["Worker__Region"] = "Aws:Region", ["Worker__FirehoseEndpoint"] = "Aws:FirehoseEndpoint",
        ["Worker__HealthEndpoint"] = "Aws:HealthEndpoint", ["Worker__SupportEndpoint"] = "Aws:SupportEndpoint", ["Worker__StsEndpoint"] = "Aws:StsEndpoint",
        ["Worker__HealthIntervalSeconds"] = "Collect:HealthIntervalSeconds", ["Worker__SupportIntervalSeconds"] = "Collect:SupportIntervalSeconds",
        ["Worker__TrustedAdvisorIntervalSeconds"] = "Collect:TrustedAdvisorIntervalSeconds",
    };

    /// <summary>The section name of a settings class.</summary>
    public static string SectionOf(Type type) => type.GetCustomAttribute<SettingsSectionAttribute>()?.Name ?? throw new ArgumentException($"{type.Name} has no [SettingsSection].", nameof(type));

    /// <summary>The settings of a section, with their attributes.</summary>
    public static IEnumerable<(PropertyInfo Property, SettingAttribute Setting)> SettingsOf(Type type) =>
        type.GetProperties().Select(p => (p, p.GetCustomAttribute<SettingAttribute>()!)).Where(p => p.Item2 is not null);

    /// <summary>Reads, binds and checks the settings.</summary>
    /// <param name="settingsFile"><c>--settings</c>; null for <see cref="SettingsFileVariable"/>, else <see cref="DefaultFile"/> in the current folder when there is one.</param>
    /// <param name="environment">The environment variables (the process's, or a test's).</param>
    /// <param name="commandLine">The settings given on the command line, as <c>Section:Key</c> (list items <c>Section:Key:0</c>) and the option that gave each.</param>
    /// <param name="validate">The sections whose own rules are checked: those the command uses. Every section is bound and its keys checked.</param>
    public static LoadedSettings Load(string? settingsFile, IReadOnlyDictionary<string, string?> environment,
        IEnumerable<(string Key, string? Value, string Option)> commandLine, IEnumerable<Type> validate)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(validate);
        var errors = new List<string>();
        var values = new Dictionary<string, (string? Value, string Origin)>(StringComparer.OrdinalIgnoreCase);

        settingsFile ??= environment.GetValueOrDefault(SettingsFileVariable) is { Length: > 0 } named ? named : File.Exists(DefaultFile) ? DefaultFile : null;
        if (settingsFile is not null) Layer(values, ReadFile(settingsFile, errors), key => $"{key} ({settingsFile})");
        Layer(values, ReadEnvironment(environment, errors), key => EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal));
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var given = new List<KeyValuePair<string, string?>>();
        foreach (var (key, value, option) in commandLine)
        {
            given.Add(new(key, value));
            options[key] = option;
        }
        Layer(values, given, key => options[key]);

        var loaded = new LoadedSettings(values, errors);
        foreach (var type in Sections) loaded.Bind(type);
        var validated = validate.ToHashSet();
        foreach (var type in Sections.Where(validated.Contains)) ((ISettings)loaded.Get(type)).Validate(loaded.Check(type));
        return loaded;
    }

    /// <summary>
    /// The problems of settings made in code rather than loaded (a test's, a component's own), each naming the setting by
    /// its command-line option.
    /// </summary>
    public static List<string> Problems(params ISettings[] sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var errors = new List<string>();
        foreach (var section in sections)
        {
            section.Validate(new SettingsCheck(SectionOf(section.GetType()), OptionOf, errors));
        }
        return errors;
    }

    /// <summary>The command-line option of a setting (<c>Section:Key</c>, or an item of a list); the key itself when no setting has it.</summary>
    public static string OptionOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var type = Sections.FirstOrDefault(t => string.Equals(SectionOf(t), key.Split(':')[0], StringComparison.OrdinalIgnoreCase));
        return type is not null && Property(type, key) is { } property ? SettingsOf(type).First(s => s.Property == property).Setting.Option : key;
    }

    // A layer replaces what the layers under it said of the same key; a list it gives (as items or as one comma-separated
    // value) replaces their whole list.
    private static void Layer(Dictionary<string, (string? Value, string Origin)> values, IEnumerable<KeyValuePair<string, string?>> layer, Func<string, string> origin)
    {
        var items = layer.ToList();
        foreach (var root in items.Select(i => ListRoot(i.Key) ?? i.Key).Distinct(StringComparer.OrdinalIgnoreCase).ToList())
            foreach (var key in values.Keys.Where(k => string.Equals(ListRoot(k) ?? k, root, StringComparison.OrdinalIgnoreCase)).ToList())
                values.Remove(key);
        foreach (var (key, value) in items) values[key] = (value, origin(key));
    }

    // Section:Key of a list item Section:Key:N; null for a plain key.
    private static string? ListRoot(string key)
    {
        var parts = key.Split(':');
        return parts.Length == 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? $"{parts[0]}:{parts[1]}" : null;
    }

    private static List<KeyValuePair<string, string?>> ReadFile(string path, List<string> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add($"--settings: file '{path}' does not exist.");
            return [];
        }
        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(path), optional: false).Build();
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            errors.Add($"--settings: '{path}' is not a JSON object of settings: {(ex.InnerException ?? ex).Message}");
            return [];
        }
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var section in file.GetChildren())
        {
            if (PassThrough.Contains(section.Key, StringComparer.OrdinalIgnoreCase)) continue;
            var type = Sections.FirstOrDefault(t => string.Equals(SectionOf(t), section.Key, StringComparison.OrdinalIgnoreCase));
            if (type is null)
            {
                errors.Add($"--settings: unknown section '{section.Key}' in '{path}'{FormerHint(section.Key)}; the sections are {string.Join(", ", Sections.Select(SectionOf))}.");
                continue;
            }
            foreach (var (key, value) in section.AsEnumerable(makePathsRelative: false).Where(p => p.Value is not null))
            {
                if (Property(type, key) is null) errors.Add($"--settings: unknown setting '{key}' in '{path}'; {SectionOf(type)}'s settings are {string.Join(", ", SettingsOf(type).Select(s => s.Property.Name))}.");
                else pairs.Add(new(key, value));
            }
        }
        return pairs;
    }

    private static List<KeyValuePair<string, string?>> ReadEnvironment(IReadOnlyDictionary<string, string?> environment, List<string> errors)
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
                var type = Sections.FirstOrDefault(t => key.StartsWith(SectionOf(t) + ":", StringComparison.OrdinalIgnoreCase));
                if (type is null || Property(type, key) is null) errors.Add($"{name} is not a setting; settings are {EnvironmentPrefix}Section__Key, such as {EnvironmentPrefix}Lake__Location (see the README's settings table).");
                else pairs.Add(new(key, value));
            }
            else if (name.StartsWith("ANALYTICS_", StringComparison.OrdinalIgnoreCase) && Former(name["ANALYTICS_".Length..]) is { } now)
            {
                // A former name silently ignored would run with the default instead of what was asked. Other ANALYTICS_
                // variables are not ours to judge.
                errors.Add($"{name} is no longer read: set {EnvironmentPrefix}{now.Replace(":", "__", StringComparison.Ordinal)} instead.");
            }
        }
        return pairs;
    }

    // The setting a former name is now: one of FormerNames, or any other worker setting under its old prefix.
    private static string? Former(string name) =>
        FormerNames.TryGetValue(name, out var now) ? now
        : name.StartsWith("Worker__", StringComparison.OrdinalIgnoreCase) && Property(typeof(WorkerSettings), "Worker:" + name["Worker__".Length..]) is { } property ? $"Worker:{property.Name}"
        : null;

    private static string FormerHint(string key) => Former(key) is { } now ? $" (the former name of {now}: {{\"{now.Split(':')[0]}\": {{\"{now.Split(':')[1]}\": …}}}})" : "";

    // The setting a key (Section:Key or Section:Key:N) sets; null when the section has none of that name.
    internal static PropertyInfo? Property(Type type, string key)
    {
        var parts = key.Split(':');
        if (parts.Length is < 2 or > 3) return null;
        var property = SettingsOf(type).FirstOrDefault(s => string.Equals(s.Property.Name, parts[1], StringComparison.OrdinalIgnoreCase)).Property;
        // A list's items are Section:Key:0, Section:Key:1…; nothing else is below a setting.
        return parts.Length == 3 && (property?.PropertyType != typeof(List<string>) || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)) ? null : property;
    }
}
