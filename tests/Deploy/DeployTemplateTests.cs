using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Common.Aws;

namespace Analytics.Tests.Deploy;

/// <summary>
/// deploy/analytics.yaml: valid against the CloudFormation resource specification (tests/cfn/validate.mjs, over
/// @aws-cdk/aws-service-spec), its worker's task role granting exactly the calls the program makes
/// (<see cref="AwsCalls"/>) and nothing more, and its EventBridge rules matching the corpus's sample events of their
/// source and no other.
/// </summary>
public sealed class DeployTemplateTests
{
    private static readonly object Install = new();
    private static readonly Lazy<(List<string> Errors, JsonNode Template)> Checked = new(() => Validate(Path.Combine(Some.RepoRoot, "deploy", "analytics.yaml")));

    private static (List<string> Errors, JsonNode Template) Validate(string file)
    {
        var folder = Path.Combine(Some.RepoRoot, "tests", "cfn");
        lock (Install)
            if (!Directory.Exists(Path.Combine(folder, "node_modules", "@aws-cdk", "aws-service-spec"))) Tools.Run("npm", "ci --no-audit --no-fund", folder);
        var result = JsonNode.Parse(Tools.Run("node", $"validate.mjs \"{file}\"", folder))!;
        return ([.. result["errors"]!.AsArray().Select(e => (string)e!)], result["template"]!);
    }

    [Fact]
    public void Template_IsValidAgainstTheCloudFormationSpecification()
    {
        Assert.Empty(Checked.Value.Errors);
        // And the check fails a wrong template: an unknown nested property, a missing required one, a Ref and an
        // attribute that do not exist.
        using var temp = Some.TempFolder();
        var wrong = temp.Sub("wrong.yaml");
        File.WriteAllText(wrong, File.ReadAllText(Path.Combine(Some.RepoRoot, "deploy", "analytics.yaml"))
            .Replace("SizeInMBs: 64", "SizeInMB: 64", StringComparison.Ordinal)
            .Replace("        BucketARN: !GetAtt RawBucket.Arn\n", "", StringComparison.Ordinal)
            .Replace("VpcId: !Ref VpcId", "VpcId: !Ref Vpc", StringComparison.Ordinal)
            .Replace("Resource: !GetAtt DeliveryStream.Arn", "Resource: !GetAtt DeliveryStream.StreamArn", StringComparison.Ordinal));
        var errors = Validate(wrong).Errors;
        Assert.Contains("Resources.DeliveryStream.Properties.ExtendedS3DestinationConfiguration.BufferingHints: BufferingHints has no property SizeInMB", errors);
        Assert.Contains("Resources.DeliveryStream.Properties.ExtendedS3DestinationConfiguration: required property BucketARN is missing", errors);
        Assert.Contains("Resources.WorkerSecurityGroup.Properties.VpcId: Ref Vpc names no parameter or resource", errors);
        Assert.Contains(errors, e => e.Contains("GetAtt DeliveryStream.StreamArn: AWS::KinesisFirehose::DeliveryStream has no attribute StreamArn", StringComparison.Ordinal));
    }

    // A resource expression as the stack's names: !GetAtt X.Arn is X, !Sub "${X.Arn}/p/*" is X/p/*, !Ref X is X.
    private static string Symbol(JsonNode? node) => node switch
    {
        JsonValue v => (string)v!,
        JsonObject o when o["Fn::GetAtt"] is JsonArray a => (string)a[0]!,
        JsonObject o when o["Fn::Sub"] is JsonValue s && System.Text.RegularExpressions.Regex.Match((string)s!, @":event-bus/\$\{([A-Za-z]+)\}$") is { Success: true } bus => bus.Groups[1].Value,
        JsonObject o when o["Fn::Sub"] is JsonValue s => System.Text.RegularExpressions.Regex.Replace((string)s!, @"\$\{([A-Za-z]+)\.Arn\}", "$1"),
        JsonObject o when o["Ref"] is JsonValue r => (string)r!,
        _ => throw new InvalidOperationException($"resource {node?.ToJsonString()}"),
    };

    private static IEnumerable<JsonNode> Items(JsonNode? node) => node is JsonArray a ? a.Select(x => x!) : node is null ? [] : [node];

    // The task role's statements, its conditional ones resolved as the stack would with OrganizationHealth and an alert bus on or off.
    private static List<JsonObject> TaskRoleStatements(bool organizationHealth, bool alertBus)
    {
        var role = Checked.Value.Template["Resources"]!["TaskRole"]!["Properties"]!;
        Assert.Null(role["ManagedPolicyArns"]);
        Assert.Null(role["PermissionsBoundary"]);
        var statements = new List<JsonObject>();
        foreach (var policy in role["Policies"]!.AsArray())
            foreach (var statement in policy!["PolicyDocument"]!["Statement"]!.AsArray())
            {
                var chosen = statement is JsonObject o && o["Fn::If"] is JsonArray branch
                    ? (string)branch[0]! switch
                    {
                        "ReadsOrganizationHealth" => branch[organizationHealth ? 1 : 2],
                        "HasAlertBus" => branch[alertBus ? 1 : 2],
                        var other => throw new InvalidOperationException(other),
                    }
                    : statement;
                if (chosen is JsonObject s && s["Ref"] is null) statements.Add(s);
            }
        return statements;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void TaskRole_GrantsExactlyTheCallsTheWorkerMakes(bool organizationHealth, bool alertBus)
    {
        var statements = TaskRoleStatements(organizationHealth, alertBus);
        Assert.All(statements, s => Assert.Equal("Allow", (string)s["Effect"]!));
        var granted = statements.SelectMany(s => Items(s["Action"]).SelectMany(a => Items(s["Resource"]).Select(r => ((string)a!, Symbol(r)))))
            .Order().ToList();
        var calls = AwsCalls.Worker.Concat(organizationHealth ? AwsCalls.OrganizationHealth : []).Concat(alertBus ? AwsCalls.AlertBus : []);
        var needed = calls.Where(c => c.Action is not null).Select(c => (c.Action!, c.Resource)).Distinct().Order().ToList();
        Assert.Equal(needed, granted);
        Assert.All(granted, g => Assert.DoesNotContain("*", g.Item1, StringComparison.Ordinal));
        Assert.DoesNotContain(granted, g => g.Item1.StartsWith("iam:", StringComparison.Ordinal));
        // Nothing is written or deleted outside the lake, and raw objects are only read.
        Assert.All(granted.Where(g => g.Item1 is "s3:PutObject" or "s3:DeleteObject" or "s3:AbortMultipartUpload"), g => Assert.StartsWith("LakeBucket/" + AwsCalls.LakePrefix, g.Item2, StringComparison.Ordinal));
        // Listing a bucket is limited to the prefixes its objects are read under.
        foreach (var list in statements.Where(s => Items(s["Action"]).Any(a => (string)a! == "s3:ListBucket")))
        {
            var bucket = Symbol(list["Resource"]);
            var prefixes = Items(list["Condition"]?["StringLike"]?["s3:prefix"]).Select(p => (string)p!).Order().ToList();
            Assert.Equal(needed.Where(n => n.Item2.StartsWith(bucket + "/", StringComparison.Ordinal)).Select(n => n.Item2[(bucket.Length + 1)..]).Distinct().Order(), prefixes);
        }
    }

    [Fact]
    public void TheListOfCalls_IsEveryCallTheWorkersCodeMakes()
    {
        static IEnumerable<string> Code(params string[] folders) => folders.SelectMany(f =>
            Directory.EnumerateFiles(Path.Combine(Some.RepoRoot, f), "*.cs", SearchOption.AllDirectories)).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)).Select(File.ReadAllText);
        static HashSet<string> Listed(string service) => [.. AwsCalls.Worker.Concat(AwsCalls.OrganizationHealth).Concat(AwsCalls.AlertBus).Where(c => c.Service == service)
            .SelectMany(c => System.Text.RegularExpressions.Regex.Matches(c.Operations, "[A-Z][A-Za-z0-9]+").Select(m => m.Value))];

        // S3 through the SDK (its method names, as the API's operations).
        var sdk = new Dictionary<string, string> { ["GetObjectMetadata"] = "HeadObject", ["InitiateMultipartUpload"] = "CreateMultipartUpload" };
        var s3 = Code("ingest", "common").SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, @"\b_?s3\.(\w+)Async\(").Select(m => sdk.GetValueOrDefault(m.Groups[1].Value, m.Groups[1].Value))).ToHashSet();
        Assert.Contains("ListObjectsV2", s3);
        Assert.Subset(Listed("S3"), s3);
        // Health, Support and Firehose through aws/'s JSON client: the operation names it sends, and no other listed.
        foreach (var (service, folder) in new[] { ("Health", "aws/Health"), ("Support", "aws/Support"), ("Firehose", "aws/Firehose"), ("EventBridge", "ingest/Alerts") })
        {
            var called = Code(folder).SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, @"(?:CallAsync|PagesAsync|InBatchesAsync)(?:<\w+>)?\(""(\w+)""").Select(m => m.Groups[1].Value)).ToHashSet();
            Assert.NotEmpty(called);
            Assert.Equal(called.Order(), Listed(service).Order());
        }
        Assert.Contains(Code("common"), t => t.Contains("GetCallerIdentity", StringComparison.Ordinal));
    }

    [Fact]
    public void PermissionTables_AreTheListOfCalls()
    {
        var readme = File.ReadAllText(Path.Combine(Some.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(AwsCalls.Markdown(), readme, StringComparison.Ordinal);
        var deploy = File.ReadAllText(Path.Combine(Some.RepoRoot, "docs", "deploy.md")).ReplaceLineEndings("\n");
        Assert.Contains(AwsCalls.DetailMarkdown(), deploy, StringComparison.Ordinal);
    }

    // EventBridge's matching for the patterns the template uses: each field of the pattern lists the values it accepts;
    // a nested object matches the event's nested object.
    private static bool Matches(JsonNode pattern, JsonNode? @event) => pattern switch
    {
        JsonArray values => @event is JsonValue v && values.Any(x => x!.ToJsonString() == v.ToJsonString()),
        JsonObject fields => @event is JsonObject e && fields.All(f => Matches(f.Value!, e[f.Key])),
        _ => false,
    };

    private static IEnumerable<(string File, JsonObject Event)> Envelopes(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Some.RepoRoot, "samples", "corpus", folder), "*.json*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.Contains("invalid", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(file);
            var nodes = new List<JsonNode?>();
            try { nodes.Add(JsonNode.Parse(text)); }
            catch (JsonException) { nodes.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => { try { return JsonNode.Parse(line); } catch (JsonException) { return null; } })); }
            foreach (var node in nodes.SelectMany(n => n is JsonArray a ? a.Select(x => x) : [n]))
                if (node is JsonObject o && o["detail-type"] is not null && o["source"] is not null) yield return (Path.GetRelativePath(Some.RepoRoot, file), o);
        }
    }

    [Fact]
    public void Rules_MatchTheirSourcesSampleEvents_AndNoOther()
    {
        var rules = Checked.Value.Template["Resources"]!.AsObject().Where(r => (string)r.Value!["Type"]! == "AWS::Events::Rule")
            .ToDictionary(r => r.Key, r => r.Value!["Properties"]!["EventPattern"]!);
        Assert.Equal(["EcsEvents", "HealthEvents", "SupportEvents"], rules.Keys.Order());
        // Each source's events as AWS published them match its rule alone; look-alikes in the corpus (AWS Health Aware's
        // derived "AHA Event"s) match none.
        foreach (var (folder, source, rule) in new[] { ("ecs", "aws.ecs", "EcsEvents"), ("health", "aws.health", "HealthEvents"), ("support", "aws.support", "SupportEvents") })
        {
            var events = Envelopes(folder).ToList();
            Assert.True(events.Count(e => (string)e.Event["source"]! == source) >= 3, $"{folder}: {events.Count} sample events");
            foreach (var (file, e) in events)
                Assert.True((string)e["source"]! == source ? rules.Where(r => Matches(r.Value, e)).Select(r => r.Key).SequenceEqual([rule]) : !rules.Any(r => Matches(r.Value, e)),
                    $"{file}: matched by {string.Join(", ", rules.Where(r => Matches(r.Value, e)).Select(r => r.Key))}");
        }
        // Events of other sources, and ECS detail types the lake does not read, match none.
        foreach (var other in new[]
        {
            """{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}""",
            """{"source":"aws.ecs","detail-type":"ECS Daemon Deployment State Change","detail":{}}""",
            """{"source":"my.app","detail-type":"AWS Health Event","detail":{}}""",
            """{"source":"aws.support","detail-type":"Trusted Advisor Check Item Refresh Notification","detail":{}}""",
        })
            Assert.DoesNotContain(rules, r => Matches(r.Value, JsonNode.Parse(other)));
    }
}
