using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Analytics.Common.Settings;

/// <summary>The settings of one program run, bound to their sections, with every problem found in them.</summary>
public sealed class LoadedSettings
{
    private readonly Dictionary<string, (string? Value, string Origin)> _values;
    private readonly Dictionary<Type, object> _sections = [];

    internal LoadedSettings(Dictionary<string, (string? Value, string Origin)> values, List<string> errors)
    {
        _values = values;
        Errors = errors;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value.Value))).Build();
    }

    /// <summary>Every problem, one line each, in the order found; empty when the settings are usable.</summary>
    public List<string> Errors { get; }

    /// <summary>The merged configuration (the settings file's pass-through sections, such as Logging, included).</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The bound section <typeparamref name="T"/>.</summary>
    public T Get<T>() where T : class, ISettings => (T)Get(typeof(T));

    internal object Get(Type type) => _sections[type];

    /// <summary>A check of section <typeparamref name="T"/> whose problems join <see cref="Errors"/> (for the rules of one command, such as a setting it requires).</summary>
    public SettingsCheck Check<T>() where T : class, ISettings => Check(typeof(T));

    /// <summary>Checks the rules of section <typeparamref name="T"/> (one a command needs only in some cases), adding its problems to <see cref="Errors"/>.</summary>
    public void Validate<T>() where T : class, ISettings => Get<T>().Validate(Check<T>());

    internal SettingsCheck Check(Type type) => new(SettingsLoader.SectionOf(type), NameOf, Errors);

    /// <summary>How the user gave a setting (<c>Section:Key</c>): its command-line option, environment variable or settings file key; its option when nobody gave it.</summary>
    public string NameOf(string key) =>
        _values.TryGetValue(key, out var given) ? given.Origin
        : _values.FirstOrDefault(v => v.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).Value.Origin is { } item ? item
        : SettingsLoader.OptionOf(key);

    internal void Bind(Type type)
    {
        var section = Activator.CreateInstance(type)!;
        var name = SettingsLoader.SectionOf(type);
        foreach (var (property, setting) in SettingsLoader.SettingsOf(type))
        {
            var key = $"{name}:{property.Name}";
            if (property.PropertyType == typeof(List<string>))
            {
                var items = _values.Where(v => v.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(v => int.Parse(v.Key[(key.Length + 1)..], CultureInfo.InvariantCulture)).Select(v => v.Value.Value).ToList();
                // One value is a comma-separated list (an environment variable cannot be repeated).
                if (_values.TryGetValue(key, out var one) && one.Value is not null) items.AddRange(one.Value.Split(',', StringSplitOptions.TrimEntries));
                if (items.Count > 0 || _values.ContainsKey(key))
                    property.SetValue(section, items.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!.Trim()).ToList());
                continue;
            }
            if (!_values.TryGetValue(key, out var given)) continue;
            var text = given.Value;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (target == typeof(string))
            {
                // An empty value is no value: the setting keeps its default.
                if (!string.IsNullOrEmpty(text)) property.SetValue(section, text);
                continue;
            }
            object? value = target switch
            {
                _ when target == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
                _ when target == typeof(long) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
                _ when target == typeof(decimal) => decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null,
                _ when target == typeof(bool) => bool.TryParse(text, out var b) ? b : null,
                _ => throw new NotSupportedException($"{type.Name}.{property.Name}: settings of type {target.Name} are not bound."),
            };
            if (value is null)
                Errors.Add($"{given.Origin} is '{text}': expected {(target == typeof(bool) ? "true or false" : target == typeof(decimal) ? "a number" : "a whole number")}");
            else property.SetValue(section, value);
        }
        _sections[type] = section;
    }
}
