using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;

namespace Analytics.Ingest.Cli;

internal static partial class Commands
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
}
