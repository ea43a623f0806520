using System.Text.Json.Nodes;

namespace Analytics.Tests.Ingest.Alerts;

/// <summary>`alerts replay` over the bundled sample's incident day (generator/EventGenerator.cs tells its story).</summary>
public sealed class AlertsReplayTests
{
    private static Task<(int Code, string Out, string Err)> RunAsync(params string[] args) =>
        Some.ProgramAsync((c, i) => Analytics.Ingest.Cli.Commands.InvokeAsync(args, c, i));

    [Fact]
    public async Task Replay_OfTheSamplesIncidentDay_NamesWhatWentWrong_AndNothingForSpot()
    {
        using var temp = Some.TempFolder();
        await Some.IngestAsync(temp.Sub("lake"), Path.Combine(Some.RepoRoot, "samples"));
        string[] replay = ["alerts", "replay", "--lake", temp.Sub("lake"), "--from", "2026-11-02T13:00:00Z", "--to", "2026-11-02T17:00:00Z"];

        var (code, output, err) = await RunAsync(replay);
        Assert.True(code == 0, err);
        // payments' bad deployment (13:57) fails at 15:12 and is rolled back; its tasks fail from 14:00; an ECS issue is open
        // from 13:55; the batch workers are OOM-killed.
        Assert.Contains("opened    deployment-failed   error     payments: deployment ecs-svc/2026110241110519625 failed", output, StringComparison.Ordinal);
        Assert.Contains("resolved  deployment-failed", output, StringComparison.Ordinal);
        Assert.Matches(@"opened    failing-tasks       error     payments: 3 tasks failed since 14:0\d UTC", output);
        Assert.Contains("resolved  failing-tasks       error     payments: steady state", output, StringComparison.Ordinal);
        Assert.Contains("opened    oom-kill", output, StringComparison.Ordinal);
        Assert.Contains("opened    health-issue        error     AWS Health: ECS AWS_ECS_OPERATIONAL_ISSUE open in us-east-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("spot", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("    dotnet run --project query -- review --from ", output, StringComparison.Ordinal);
        Assert.Matches(@"\d+ rows read, \d+ alerts opened, \d+ changes\.", err);

        // The same lake and window give the same alerts; as JSON, every field.
        (code, var again, _) = await RunAsync(replay);
        Assert.Equal(output, again);
        (code, var json, err) = await RunAsync([.. replay, "-f", "json"]);
        Assert.True(code == 0, err);
        var alerts = JsonNode.Parse(json)!.AsArray();
        var failed = alerts.Single(a => (string)a!["rule"]! == "deployment-failed" && (string)a["change"]! == "opened")!;
        Assert.Equal("payments", (string)failed["service"]!);
        Assert.StartsWith("https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/payments/", (string)failed["console_url"]!, StringComparison.Ordinal);
        Assert.All(alerts, a => Assert.StartsWith((string)a!["rule"]! + ":", (string)a["id"]!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_WrongWindowOrFormat_ListsEachProblem()
    {
        var (code, _, err) = await RunAsync("alerts", "replay", "--lake", Path.GetTempPath(), "--from", "2026-11-02T15:00:00Z", "--to", "2026-11-02T14:00:00Z", "-f", "xml");
        Assert.Equal(2, code);
        Assert.Contains("--to 2026-11-02T14:00:00Z is not after --from 2026-11-02T15:00:00Z", err, StringComparison.Ordinal);
        Assert.Contains("--format is 'xml': expected table or json", err, StringComparison.Ordinal);
    }
}
