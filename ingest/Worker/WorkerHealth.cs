using System.Globalization;
using System.Text.Json;

namespace Analytics.Ingest.Worker;

/// <summary>
/// What the worker says of itself after every look, in its health file, for a container health check
/// (<c>health --file F</c>): alive when the file is fresh, healthy when the last look that succeeded is recent too.
/// </summary>
/// <param name="At">When the worker last finished a look.</param>
/// <param name="LastSuccess">When a look last read every source without error.</param>
/// <param name="LastError">The last error, with its time and source.</param>
/// <param name="Queued">New objects waiting for a run.</param>
/// <param name="Checkpointed">When a checkpoint was last saved.</param>
/// <param name="ObjectsIngested">Objects ingested since start.</param>
internal sealed record WorkerHealth(DateTimeOffset At, DateTimeOffset? LastSuccess, string? LastError, int Queued, DateTimeOffset? Checkpointed, long ObjectsIngested)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Writes the file whole (aside, then renamed), so a health check never reads half of it.</summary>
    public static async Task WriteAsync(string path, WorkerHealth health)
    {
        ArgumentNullException.ThrowIfNull(path);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(health, Json)).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Reads the file and judges it at <paramref name="now"/>: null when healthy, else why not (no file, a worker that
    /// stopped looking, or looks failing for longer than <paramref name="maxAge"/>).
    /// </summary>
    public static string? Problem(string path, DateTimeOffset now, TimeSpan maxAge)
    {
        WorkerHealth? health;
        try
        {
            health = JsonSerializer.Deserialize<WorkerHealth>(File.ReadAllBytes(path), Json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return $"no health file {path} ({ex.Message}): the worker has not finished a look yet, or is not running.";
        }
        if (health is null) return $"the health file {path} is empty.";
        if (now - health.At > maxAge)
            return string.Create(CultureInfo.InvariantCulture, $"the worker last finished a look at {health.At:O}, {(now - health.At).TotalSeconds:N0} s ago (more than {maxAge.TotalSeconds:N0} s): it is stuck or stopped.");
        if (health.LastSuccess is not { } success || now - success > maxAge)
            return string.Create(CultureInfo.InvariantCulture, $"no look has succeeded for more than {maxAge.TotalSeconds:N0} s; last error: {health.LastError ?? "none recorded"}.");
        return null;
    }
}
