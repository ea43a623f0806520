using System.Text.Json.Nodes;
using Amazon.Runtime;
using Analytics.Aws;
using Analytics.Aws.Athena;

namespace Analytics.Tests.Aws;

/// <summary>
/// The requests our Athena client sends against those the official AWS SDK (JavaScript v3) sent for the same calls
/// (tests/Aws/fixtures/athena-requests.jsonl): method, path, target, content type, credential scope, the signed
/// host/x-amz-date/x-amz-target/content-type headers, and the JSON body field for field.
/// </summary>
public class AthenaRequestReferenceTests
{
    public static List<JsonObject> Reference() =>
        File.ReadAllLines(Path.Combine(Some.RepoRoot, "tests", "Aws", "fixtures", "athena-requests.jsonl"))
            .Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    public static AthenaQueryRunner Runner(Uri endpoint, AthenaQueryOptions? options = null, AWSCredentials? credentials = null, int maxAttempts = 4) =>
        new(new AthenaClient(new AwsJsonClient(AwsService.Athena, new AwsClientOptions
        {
            Region = "us-east-1",
            Endpoint = endpoint,
            Credentials = credentials ?? new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            MaxAttempts = maxAttempts,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaxDelay = TimeSpan.FromMilliseconds(5),
        })), options ?? new AthenaQueryOptions { Database = "ops", PollInitial = TimeSpan.FromMilliseconds(1), PollMax = TimeSpan.FromMilliseconds(5) });

    [Fact]
    public async Task Requests_TheReferenceCalls_MatchWhatTheOfficialSdkSent()
    {
        var reference = Reference();
        using var athena = new FakeAthena { IdOf = _ => "q-01234567" };
        athena.Scripts[0] = ["QUEUED", "RUNNING", "SUCCEEDED"];
        athena.Columns.AddRange([("stop_code", "varchar"), ("tasks", "bigint")]);
        // 1,500 rows: two pages, the second asked for with the first's NextToken.
        for (var i = 0; i < 1500; i++) athena.Rows.Add([$"code-{i}", "1"]);
        var runner = Runner(athena.Url);

        var start = (JsonObject)reference[0]["body"]!;
        var parameters = start["ExecutionParameters"]!.AsArray().Select(p => (string)p!).ToList();
        var execution = await runner.RunAsync((string)start["QueryString"]!, parameters, reuse: true, CancellationToken.None);
        var page = await runner.Athena.GetQueryResultsAsync(execution.QueryExecutionId, null, CancellationToken.None);
        await runner.Athena.GetQueryResultsAsync(execution.QueryExecutionId, page.NextToken, CancellationToken.None);
        await runner.Athena.StopQueryExecutionAsync(execution.QueryExecutionId, CancellationToken.None);

        var sent = athena.Received;
        Assert.Equal(reference.Select(r => (string)r["op"]!), sent.Select(r => r.Operation));
        for (var i = 0; i < reference.Count; i++)
        {
            var expected = reference[i];
            var actual = sent[i];
            Assert.Equal((string)expected["method"]!, actual.Method);
            Assert.Equal((string)expected["path"]!, actual.Path);
            Assert.Equal((string)expected["target"]!, actual.Headers["X-Amz-Target"]);
            Assert.Equal((string)expected["contentType"]!, actual.Headers["Content-Type"]);
            Assert.True(actual.Headers.ContainsKey("X-Amz-Date"), "X-Amz-Date sent");
            Assert.False(actual.Headers.ContainsKey("X-Amz-Security-Token"), "no session token with long-term credentials");

            var (scope, signed) = Authorization((string)expected["authorization"]!);
            var (actualScope, actualSigned) = Authorization(actual.Headers["Authorization"]);
            // The scope is the same but for the date, which is the request's own x-amz-date day.
            Assert.Equal(scope.Split('/')[0], actualScope.Split('/')[0]);
            Assert.Equal(scope.Split('/')[2..], actualScope.Split('/')[2..]);
            Assert.Equal(actual.Headers["X-Amz-Date"][..8], actualScope.Split('/')[1]);
            foreach (var header in new[] { "host", "x-amz-date", "x-amz-target", "content-type" })
            {
                Assert.Contains(header, signed);
                Assert.Contains(header, actualSigned);
            }

            var expectedBody = (JsonObject)expected["body"]!.DeepClone();
            var actualBody = actual.Json;
            if (expectedBody.ContainsKey("ClientRequestToken"))
            {
                // A token of ours, not the recording's: 32 to 128 characters, as the model requires.
                var token = (string)actualBody["ClientRequestToken"]!;
                Assert.InRange(token.Length, 32, 128);
                expectedBody["ClientRequestToken"] = token;
            }
            if (actualBody.ContainsKey("NextToken")) expectedBody["NextToken"] = actualBody["NextToken"]!.DeepClone();
            Assert.True(JsonNode.DeepEquals(expectedBody, actualBody), $"{expected["op"]}: expected {expectedBody.ToJsonString()}, sent {actualBody.ToJsonString()}");
        }
    }

    // "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/athena/aws4_request, SignedHeaders=a;b, Signature=…"
    private static (string Scope, string[] SignedHeaders) Authorization(string header)
    {
        var parts = header["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (parts["Credential"], parts["SignedHeaders"].Split(';'));
    }
}
