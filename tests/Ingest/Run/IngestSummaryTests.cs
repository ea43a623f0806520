using Analytics.Ingest.Run;

namespace Analytics.Tests.Ingest.Run;

public class IngestSummaryTests
{
    [Fact]
    public void ToText_UnexpectedQuarantines_AskToBeReported()
    {
        var summary = new IngestSummary { RecordsRead = 5, RecordsLanded = 2, Quarantined = 3 };
        summary.QuarantinedByKind["malformed"] = 1;
        summary.QuarantinedByKind["unexpected"] = 2;

        var text = summary.ToText();

        Assert.Contains("quarantined  3 (1 malformed, 2 unexpected)", text, StringComparison.Ordinal);
        Assert.Contains("! 2 met a fault of ours (kind 'unexpected'): please report it", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToText_OnlyExpectedQuarantines_RaiseNoAlarm()
    {
        var summary = new IngestSummary { RecordsRead = 2, RecordsLanded = 1, Quarantined = 1 };
        summary.QuarantinedByKind["malformed"] = 1;

        Assert.DoesNotContain("fault of ours", summary.ToText(), StringComparison.Ordinal);
    }
}
