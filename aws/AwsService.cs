namespace Analytics.Aws;

/// <summary>
/// An AWS JSON 1.1 service as its API model describes it (<c>metadata</c> of service-2.json): the name requests
/// are signed with, the first label of its endpoints, and the prefix of the <c>X-Amz-Target</c> header.
/// </summary>
/// <param name="SigningName">SigV4 service name.</param>
/// <param name="EndpointPrefix">First label of the regional endpoint host.</param>
/// <param name="TargetPrefix">Prefix of <c>X-Amz-Target</c>: <c>TargetPrefix.Operation</c>.</param>
/// <param name="GlobalRegion">The one region the service is served from in the aws partition, when it has one (Support: us-east-1).</param>
public sealed record AwsService(string SigningName, string EndpointPrefix, string TargetPrefix, string? GlobalRegion = null)
{
    /// <summary>Amazon Athena (model 2017-05-18).</summary>
    public static AwsService Athena { get; } = new("athena", "athena", "AmazonAthena");

    /// <summary>AWS Health (model 2016-08-04).</summary>
    public static AwsService Health { get; } = new("health", "health", "AWSHealth_20160804", "us-east-1");

    /// <summary>AWS Support (model 2013-04-15).</summary>
    public static AwsService Support { get; } = new("support", "support", "AWSSupport_20130415", "us-east-1");

    /// <summary>Amazon Data Firehose (model 2015-08-04).</summary>
    public static AwsService Firehose { get; } = new("firehose", "firehose", "Firehose_20150804");

    /// <summary>Amazon EventBridge (model 2015-10-07; its target prefix is CloudWatch Events').</summary>
    public static AwsService Events { get; } = new("events", "events", "AWSEvents");
}
