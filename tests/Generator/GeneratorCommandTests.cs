using System.CommandLine;
using Analytics.Generator;

namespace Analytics.Tests.Generator;

/// <summary>The generator's command line, a program of its own (run by the README's "More input" step).</summary>
public sealed class GeneratorCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await GeneratorCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task InvalidOptions_OneLineEachAndExit2()
    {
        var (code, output, err) = await RunAsync("--out", "x", "--days", "0", "--start", "soon");
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal(["--start is 'soon': expected a date yyyy-MM-dd", "--days is 0: expected 1 to 3660"], err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Run_WritesTheDayAndItsManifest()
    {
        using var temp = Some.TempFolder();
        var (code, output, err) = await RunAsync("--out", temp.Path, "--task-events-per-day", "200", "--start", "2026-11-09");
        Assert.True(code == 0, err);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(temp.Path, "2026", "11", "09"), "*", SearchOption.AllDirectories));
        Assert.Contains("ecs_task_events", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NamesTheProgramAsTheReadmeRunsIt()
    {
        var (_, output, _) = await RunAsync("--help");
        Assert.Contains("Example: dotnet run --project generator -- --out ./events --days 7", output, StringComparison.Ordinal);
    }
}
