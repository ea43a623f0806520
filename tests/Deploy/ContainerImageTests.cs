using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Ingest.Worker;

namespace Analytics.Tests.Deploy;

/// <summary>
/// The Dockerfile, as far as it can be tried without Docker (not on these machines): a multi-stage build whose image runs
/// as a non-root user; the published output started with the image's entrypoint and command reaches the worker, and its
/// health check answers from the health file. The stack's task runs the same command and health check.
/// </summary>
public sealed partial class ContainerImageTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Some.RepoRoot, "Dockerfile"));

    private static string[] Exec(string instruction) =>
        JsonSerializer.Deserialize<string[]>(Regex.Match(Dockerfile, $@"^{instruction}\s+(?:--\S+\s+)*(?:CMD\s+)?(\[.*\])\s*$", RegexOptions.Multiline).Groups[1].Value)!;

    [GeneratedRegex(@"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", RegexOptions.Multiline)]
    private static partial Regex From();

    private static (int Code, string Output) Run(string folder, IEnumerable<string> args, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(args.First()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var a in args.Skip(1)) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    [Fact]
    public void Image_BuildsInOneStage_RunsInASmallNonRootOne()
    {
        var stages = From().Matches(Dockerfile).Select(m => (Image: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", stages[0].Image, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime:10.0", stages[1].Image, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /app .", Dockerfile, StringComparison.Ordinal);
        // The chiseled images' non-root user; nothing runs as root after it.
        Assert.Matches(@"(?m)^USER \$APP_UID$", Dockerfile);
        Assert.Equal(["dotnet"], Exec("ENTRYPOINT"));
    }

    [Fact]
    public async Task PublishedOutput_StartsWithTheImagesCommand_AndItsHealthCheckAnswers()
    {
        using var temp = Some.TempFolder();
        var app = temp.Sub("app");
        var (code, output) = Run(Some.RepoRoot, ["dotnet", "publish", "ingest/Analytics.Ingest.csproj", "-c", "Release", "--no-build", "-o", app]);
        Assert.True(code == 0, output);
        string[] Local(string[] args) => [.. args.Select(a => a.StartsWith("/app/", StringComparison.Ordinal) ? Path.Combine(app, a[5..]) : a.Replace("/scratch/", temp.Sub("scratch") + "/", StringComparison.Ordinal))];
        Directory.CreateDirectory(temp.Sub("scratch"));
        // The image's environment (its ENV), with the scratch volume here.
        var env = Regex.Match(Dockerfile.Replace("\\\n", " ", StringComparison.Ordinal), @"(?m)^ENV\s+(.+)$").Groups[1].Value;
        var environment = Regex.Matches(env, @"(\w+)=(\S+)").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Replace("/scratch", temp.Sub("scratch"), StringComparison.Ordinal));
        Assert.Equal(temp.Sub("scratch") + "/staging", environment["ANALYTICS__Lake__StagingFolder"]);
        environment["AWS_EC2_METADATA_DISABLED"] = "true";

        // The image's command reaches the worker, which asks for what the stack gives it (the lake, the stream).
        var command = Local([.. Exec("ENTRYPOINT"), .. Exec("CMD")]);
        Assert.Equal("worker", command[2]);
        (code, output) = Run(temp.Path, command, environment);
        Assert.Equal(2, code);
        Assert.Contains("--lake", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        // The health check: unhealthy before the worker's first look, healthy after a look that succeeded.
        var health = Local(Exec("HEALTHCHECK"));
        (code, output) = Run(temp.Path, health, environment);
        Assert.True(code == 1, output);
        Assert.Contains("no health file", output, StringComparison.Ordinal);
        await WorkerHealth.WriteAsync(temp.Sub("scratch/worker.health"), new WorkerHealth(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, 0, null, 0));
        (code, output) = Run(temp.Path, health, environment);
        Assert.True(code == 0, output);

        // The stack's task runs the same command and health check.
        var template = File.ReadAllText(Path.Combine(Some.RepoRoot, "deploy", "analytics.yaml"));
        Assert.Contains("            - /app/analytics-ingest.dll\n            - worker\n", template.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"Command: [CMD, {string.Join(", ", Exec("HEALTHCHECK"))}]", template, StringComparison.Ordinal);
        Assert.Contains("ReadonlyRootFilesystem: true", template, StringComparison.Ordinal);
    }
}
