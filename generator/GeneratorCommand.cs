using System.CommandLine;
using Analytics.Common.Cli;

namespace Analytics.Generator;

/// <summary>The generator's command line: one command, that writes a set of raw events.</summary>
public static class GeneratorCommand
{
    /// <summary>How the README runs this program.</summary>
    public const string Program = "dotnet run --project generator --";

    /// <summary>Parses and runs a command line (one line per problem and exit code 2 for an invalid one).</summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null) =>
        CommandLineErrors.InvokeAsync(Build(), args, Program, configuration);

    /// <summary>The generator's command.</summary>
    public static RootCommand Build()
    {
        var folder = new Option<string>("--out") { Description = "Folder to write the Firehose-style objects to.", Required = true };
        var days = new Option<int>("--days") { Description = "Days of events.", DefaultValueFactory = _ => 1 };
        var start = new Option<string>("--start") { Description = "First day (yyyy-MM-dd, UTC).", DefaultValueFactory = _ => "2026-11-02" };
        var taskEvents = new Option<int>("--task-events-per-day") { Description = "Approximate ECS task state changes per day (the bulk of the volume).", DefaultValueFactory = _ => 4000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same events.", DefaultValueFactory = _ => 7 };
        var truncated = new Option<int>("--truncated") { Description = "Records to cut short, as a crashed producer would.", DefaultValueFactory = _ => 1 };
        var command = new RootCommand("""
            Writes a realistic, deterministic set of raw events as Firehose delivers them: YYYY/MM/dd/HH/ objects,
            records concatenated without delimiter (some newline-delimited), most gzip, with redeliveries,
            out-of-order versions and truncated records. Services crash-loop, get OOM-killed, lose Spot capacity,
            deploy and roll back; Health events open and close; Support cases are opened and resolved.

            Example: dotnet run --project generator -- --out ./events --days 7
            """) { folder, days, start, taskEvents, seed, truncated };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var errors = new List<string>();
            if (!DateOnly.TryParseExact(parse.GetValue(start), "yyyy-MM-dd", out var first)) errors.Add($"--start is '{parse.GetValue(start)}': expected a date yyyy-MM-dd");
            if (parse.GetValue(days) is < 1 or > 3660) errors.Add($"--days is {parse.GetValue(days)}: expected 1 to 3660");
            if (parse.GetValue(taskEvents) is < 1 or > 10_000_000) errors.Add($"--task-events-per-day is {parse.GetValue(taskEvents)}: expected 1 to 10,000,000");
            if (parse.GetValue(truncated) < 0) errors.Add($"--truncated is {parse.GetValue(truncated)}: expected 0 or more");
            if (errors.Count > 0)
            {
                foreach (var line in errors) error.WriteLine(line);
                return CommandLineErrors.InvalidArguments;
            }
            var manifest = new EventGenerator(new GeneratorOptions
            {
                Start = first,
                Days = parse.GetValue(days),
                TaskEventsPerDay = parse.GetValue(taskEvents),
                Seed = parse.GetValue(seed),
                TruncatedRecords = parse.GetValue(truncated),
            }).WriteTo(parse.GetValue(folder)!);
            output.WriteLine(manifest.ToText());
            return 0;
        });
        return command;
    }
}
