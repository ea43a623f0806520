using System.Globalization;

namespace Analytics.Common.Settings;

/// <summary>
/// Collects the problems of one section's values. Each problem names the setting as the user gave it: the command-line
/// option (<c>--lease-seconds</c>), the environment variable (<c>ANALYTICS__Lake__LeaseSeconds</c>) or the settings file's
/// key (<c>Lake:LeaseSeconds in settings.json</c>), so the fix is found where the value came from.
/// </summary>
public sealed class SettingsCheck
{
    private readonly Func<string, string> _nameOf;

    internal SettingsCheck(string section, Func<string, string> nameOf, List<string> errors)
    {
        Section = section;
        _nameOf = nameOf;
        Errors = errors;
    }

    /// <summary>The section checked.</summary>
    public string Section { get; }

    /// <summary>The problems found so far (of every section checked).</summary>
    public List<string> Errors { get; }

    /// <summary>How the user gave the setting <paramref name="property"/> of this section.</summary>
    public string Name(string property) => _nameOf($"{Section}:{property}");

    /// <summary>Adds a problem.</summary>
    public void Add(string message) => Errors.Add(message);

    /// <summary>A whole number outside [<paramref name="min"/>, <paramref name="max"/>]: "--batch-mb 0 must be between 1 and 4096."</summary>
    public void Range(string property, long value, long min, long max, string unit = "")
    {
        if (value < min || value > max)
            Add(string.Create(CultureInfo.InvariantCulture, $"{Name(property)} {value} must be between {min} and {max}{unit}."));
    }

    /// <summary>A whole number below <paramref name="min"/>: "--index-max-ids 0 must be 1 or more."</summary>
    public void AtLeast(string property, long value, long min)
    {
        if (value < min) Add(string.Create(CultureInfo.InvariantCulture, $"{Name(property)} {value} must be {min} or more."));
    }

    /// <summary>A value that is given but is not an absolute http(s) URL.</summary>
    public void Url(string property, string? value)
    {
        if (value is not null && !IsUrl(value)) Add($"{Name(property)} '{value}' must be an http(s) URL.");
    }

    /// <summary>A location that starts with <c>s3://</c> but names no bucket.</summary>
    public void S3Location(string? value, string role)
    {
        if (value is not null && Locations.S3Problem(value, role) is { } problem) Add(problem);
    }

    /// <summary>A setting a command needs and nobody gave: "--lake is required (…): what it is."</summary>
    public void Required(string property, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value)) Add($"{Name(property)} is required: {what}");
    }

    /// <summary>Whether <paramref name="value"/> is an absolute http(s) URL.</summary>
    public static bool IsUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
