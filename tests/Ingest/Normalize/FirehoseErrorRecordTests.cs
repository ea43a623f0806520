using System.Text;
using System.Text.Json;
using Analytics.Ingest.Normalize;
using Analytics.Schemas.Tables.Ecs;

namespace Analytics.Tests.Ingest.Normalize;

/// <summary>
/// Records from Firehose's error output prefix, shaped as Firehose's documentation gives them (the original record
/// base64-encoded in rawData, with errorCode/errorMessage after a failed transformation, lastErrorCode/lastErrorMessage
/// after a failed format conversion): what can be recovered lands as if delivered, the rest is quarantined with the
/// error code.
/// </summary>
public class FirehoseErrorRecordTests
{
    private static readonly RecordContext Context = new("s3://raw/errors/processing-failed/2026/11/02/14/x", null, new DateTime(2026, 11, 3, 0, 0, 0, DateTimeKind.Utc));
    private static readonly string Event = File.ReadAllText(Path.Combine(Some.Corpus, "ecs", "captured", "task-state-change-stopped-ec2-exit137-servicescheduler-captured.json"));

    private static List<NormalizedRecord> Route(object record) =>
        RecordRouter.Route(JsonSerializer.SerializeToUtf8Bytes(record), "record 1", Context);

    [Fact]
    public void ProcessingFailed_TheOriginalEventLandsAsIfDelivered()
    {
        var delivered = Assert.Single(RecordRouter.Route(Encoding.UTF8.GetBytes(Event), "record 1", Context));
        var recovered = Assert.Single(Route(new
        {
            attemptsMade = 4, arrivalTimestamp = 1_762_092_000_000L, errorCode = "Lambda.FunctionError",
            errorMessage = "The Lambda function was successfully invoked but it returned an error result.",
            attemptEndingTimestamp = 1_762_092_055_000L, rawData = Convert.ToBase64String(Encoding.UTF8.GetBytes(Event)),
            lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:transform:$LATEST",
        }));

        Assert.Null(recovered.Rejection);
        var row = Assert.IsType<EcsTaskEvent>(recovered.Primary);
        // The same event: the same identity (a copy also delivered is a duplicate) and the same row.
        Assert.Equal(((EcsTaskEvent)delivered.Primary!).RecordId, row.RecordId);
        Assert.Equal(((EcsTaskEvent)delivered.Primary!).TaskArn, row.TaskArn);
        Assert.Equal("record 1 rawData", recovered.Position);
    }

    [Fact]
    public void FormatConversionFailed_NotAnEvent_QuarantinedWithTheErrorCode()
    {
        var rejected = Assert.Single(Route(new
        {
            attemptsMade = 1, arrivalTimestamp = 1_762_092_000_000L, lastErrorCode = "DataFormatConversion.MalformedData",
            lastErrorMessage = "The record is malformed.", rawData = Convert.ToBase64String("{\"hello\": 1}"u8.ToArray()),
        }));

        Assert.Equal(RejectionKind.Unrecognized, rejected.Rejection!.Kind);
        Assert.StartsWith("Firehose error record (DataFormatConversion.MalformedData: The record is malformed.); its record: unrecognized record:", rejected.Rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!", "rawData is not base64")]
    [InlineData("eyJ0cnVuY2F0ZWQ=", "its record is not JSON")]
    public void RawDataUnreadable_QuarantinedAsMalformed(string rawData, string expected)
    {
        var rejected = Assert.Single(Route(new { errorCode = "Lambda.Throttled", rawData }));
        Assert.Equal(RejectionKind.Malformed, rejected.Rejection!.Kind);
        Assert.Equal("rawData", rejected.Rejection.Field);
        Assert.Contains($"Firehose error record (Lambda.Throttled): {expected}", rejected.Rejection.Message, StringComparison.Ordinal);
    }
}
