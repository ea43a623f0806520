using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Ingest.Sample;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;

namespace Analytics.Ingest.Cli;

public static partial class Commands
{
    private static Command HealthCommand(ProgramContext context)
    {
        var file = new Option<string>("--file") { Description = "The worker's health file (its --health-file).", Required = true };
        var maxAge = new Option<int>("--max-age-seconds") { Description = "How old the worker's last look, and its last successful look, may be. Give at least twice its --interval-seconds plus a run's length.", DefaultValueFactory = _ => 300 };
        var command = new Command("health", """
            For a container health check: exit 0 when the worker's health file says it finished a look and read every
            source successfully within --max-age-seconds; 1 with a line saying why otherwise (stuck, stopped, or failing).

            Example (ECS task definition): "healthCheck": {"command": ["CMD", "dotnet", "analytics-ingest.dll", "health", "--file", "/tmp/worker.health"]}
            """) { file, maxAge };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            if (parse.GetValue(maxAge) is < 1 or > 86_400)
            {
                error.WriteLine($"--max-age-seconds {parse.GetValue(maxAge)} must be between 1 and 86400.");
                return InvalidOptions;
            }
            if (Worker.WorkerHealth.Problem(parse.GetValue(file)!, context.Time.GetUtcNow(), TimeSpan.FromSeconds(parse.GetValue(maxAge))) is { } problem)
            {
                error.WriteLine($"Unhealthy: {problem}");
                return Failed;
            }
            output.WriteLine("Healthy.");
            return Ok;
        });
        return command;
    }

    private static Command DdlCommand()
    {
        var database = new Option<string>("--database") { Description = "Glue database name (lowercase).", DefaultValueFactory = _ => "analytics" };
        var location = new Option<string>("--location") { Description = "S3 root of the lake, e.g. s3://my-bucket/lake/. Each table lives in TABLE/ below it.", Required = true };
        var since = new Option<string>("--since") { Description = "First dt covered by partition projection (yyyy-MM-dd).", DefaultValueFactory = _ => AthenaDdl.DefaultRangeStart };
        var command = new Command("ddl", "Prints the Athena DDL of every table (CREATE EXTERNAL TABLE … with partition projection on dt).\n\nExample: dotnet run --project ingest -- ddl --location s3://my-bucket/lake/ --database analytics") { database, location, since };
        command.SetAction(parse =>
        {
            var (output, error) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            var problems = AthenaDdl.Problems(parse.GetValue(database)!, parse.GetValue(location)!, parse.GetValue(since)!);
            if (problems.Count > 0)
            {
                foreach (var problem in problems) error.WriteLine($"Cannot generate DDL: {problem}");
                return InvalidOptions;
            }
            output.Write(AthenaDdl.CreateAll(TableCatalog.All, parse.GetValue(database)!, parse.GetValue(location)!, parse.GetValue(since)!));
            return Ok;
        });
        return command;
    }

    private static Command GenerateCommand()
    {
        var folder = new Option<string>("--out") { Description = "Folder to write the Firehose-style objects to.", Required = true };
        var days = new Option<int>("--days") { Description = "Days of events.", DefaultValueFactory = _ => 1 };
        var start = new Option<string>("--start") { Description = "First day (yyyy-MM-dd, UTC).", DefaultValueFactory = _ => "2026-11-02" };
        var taskEvents = new Option<int>("--task-events-per-day") { Description = "Approximate ECS task state changes per day (the bulk of the volume).", DefaultValueFactory = _ => 4000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same events.", DefaultValueFactory = _ => 7 };
        var truncated = new Option<int>("--truncated") { Description = "Records to cut short, as a crashed producer would.", DefaultValueFactory = _ => 1 };
        var command = new Command("generate", """
            Writes a realistic, deterministic set of raw events as Firehose delivers them: YYYY/MM/dd/HH/ objects,
            records concatenated without delimiter (some newline-delimited), most gzip, with redeliveries,
            out-of-order versions and truncated records. Services crash-loop, get OOM-killed, lose Spot capacity,
            deploy and roll back; Health events open and close; Support cases are opened and resolved.

            Example: dotnet run --project ingest -- generate --out ./events --days 7
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
                return InvalidOptions;
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
            return Ok;
        });
        return command;
    }
}
