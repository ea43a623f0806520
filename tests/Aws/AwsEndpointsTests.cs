using Analytics.Aws;

namespace Analytics.Tests.Aws;

public class AwsEndpointsTests
{
    [Theory]
    [InlineData("us-east-1", false, "https://athena.us-east-1.amazonaws.com/")]
    [InlineData("eu-west-1", false, "https://athena.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", false, "https://athena.cn-north-1.amazonaws.com.cn/")]
    [InlineData("us-gov-west-1", false, "https://athena.us-gov-west-1.amazonaws.com/")]
    [InlineData("us-east-1", true, "https://athena-fips.us-east-1.amazonaws.com/")]
    public void For_RegionAndFips_TheServicesRegionalEndpointInItsPartition(string region, bool fips, string expected) =>
        Assert.Equal(expected, AwsEndpoints.For(AwsService.Athena, region, fips).ToString());

    [Fact]
    public void Services_TargetsAndSigningNamesAreTheModels()
    {
        foreach (var (service, folder) in new[] { (AwsService.Athena, "athena"), (AwsService.Firehose, "firehose") })
        {
            var model = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Some.RepoRoot, "tests", "Aws", "fixtures", folder, "service-2.json")))!["metadata"]!;
            Assert.Equal((string)model["targetPrefix"]!, service.TargetPrefix);
            Assert.Equal((string)model["endpointPrefix"]!, service.EndpointPrefix);
            Assert.Equal((string?)model["signingName"] ?? (string)model["endpointPrefix"]!, service.SigningName);
            Assert.Equal("1.1", (string)model["jsonVersion"]!);
        }
    }

    [Fact]
    public void ResolveRegion_GivenWinsOverTheEnvironment() =>
        Assert.Equal("eu-central-1", AwsEndpoints.ResolveRegion("eu-central-1"));
}
