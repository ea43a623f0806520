using System.Text.Json;

namespace Analytics.Ingest.Cli;

/// <summary>
/// The settings file both programs read (<c>--settings FILE</c> or <c>ANALYTICS_SETTINGS</c>; the query program's
/// keys are documented there): ingest takes <c>s3_endpoint</c> from it, below the command line and the environment,
/// and leaves the other keys to the query program.
/// </summary>
public static class SettingsFile
{
    /// <summary>The S3 endpoint the file sets, or null; and what is wrong with the file, or null.</summary>
    public static (string? S3Endpoint, string? Error) Read(string? path)
    {
        path ??= Environment.GetEnvironmentVariable("ANALYTICS_SETTINGS");
        if (string.IsNullOrEmpty(path)) return (null, null);
        if (!File.Exists(path)) return (null, $"--settings: file '{path}' does not exist.");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            if (json.RootElement.ValueKind != JsonValueKind.Object) return (null, $"--settings: '{path}' is not a JSON object of settings.");
            return json.RootElement.TryGetProperty("s3_endpoint", out var endpoint) && endpoint.ValueKind == JsonValueKind.String
                ? (endpoint.GetString(), null)
                : (null, null);
        }
        catch (JsonException ex)
        {
            return (null, $"--settings: '{path}' is not a JSON object of settings: {ex.Message}");
        }
    }
}
