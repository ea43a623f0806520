using System.Text.Json.Nodes;
using Analytics.Ingest.Normalize;
using Analytics.Schemas.Tables.Ecs;

namespace Analytics.Tests.Ingest.Normalize;

public class FieldsTests
{
    private static readonly RecordContext Context = new("s3://bucket/key", DateTime.UnixEpoch, DateTime.UnixEpoch);

    // A real task event (samples/corpus/ecs) with one part of it replaced.
    private static NormalizedRecord Route(Action<JsonObject> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "task-state-change-running-fargate.json")))!.AsObject();
        change(json);
        return Assert.Single(RecordRouter.Route(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), "record 1", Context));
    }

    private static JsonArray Containers(JsonObject json) => json["detail"]!["containers"]!.AsArray();

    [Fact]
    public void Rejection_InsideTheSecondContainer_NamesItsPath()
    {
        var record = Route(json =>
        {
            Containers(json).Add(Containers(json)[0]!.DeepClone());
            Containers(json)[1]!["exitCode"] = "not a number";
        });

        Assert.Equal("detail.containers[1].exitCode", record.Rejection!.Field);
        Assert.Contains("an integer", record.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejection_ContainerThatIsNotAnObject_NamesItsIndex()
    {
        var record = Route(json => Containers(json).Add(42));

        Assert.Equal("detail.containers[1]", record.Rejection!.Field);
        Assert.Contains("an object", record.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejection_ResourceThatIsNotAString_NamesItsIndex()
    {
        var record = Route(json => json["resources"]!.AsArray().Add(true));

        Assert.Equal("resources[1]", record.Rejection!.Field);
    }

    [Fact]
    public void Containers_EachReadFromItsOwnElement()
    {
        var record = Route(json =>
        {
            Containers(json).Add(Containers(json)[0]!.DeepClone());
            Containers(json)[1]!["name"] = "sidecar";
            Containers(json)[1]!["exitCode"] = 3;
        });

        var task = Assert.IsType<EcsTaskEvent>(record.Primary);
        Assert.Equal([("FargateApp", null), ("sidecar", 3)], task.Containers!.Select(c => (c.Name, c.ExitCode)));
    }
}
