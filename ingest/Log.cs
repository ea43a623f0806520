using Microsoft.Extensions.Logging;

namespace Analytics.Ingest;

/// <summary>
/// Every log message of the ingest program, in one place (event ids by area: 1000 runs, 1100 the lake's lock, 1200
/// compaction, 1300 collection, 1400 the worker, 1500 alerts). The commands print them on standard error, one line each; the worker
/// through the console logger, as text or JSON.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "… {Objects:N0}/{Total:N0} objects, {Records:N0} records, {MegabytesPerSecond:N1} MB/s")]
    public static partial void IngestProgress(ILogger logger, long objects, long total, long records, double megabytesPerSecond);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "The lake {Lake} is in use by {Holder}; waiting up to {Seconds:N0} s for it to finish…")]
    public static partial void WaitingForLake(ILogger logger, string lake, string holder, double seconds);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "… {Examined:N0}/{Partitions:N0} partitions (at {Partition}), {Merged:N0} files merged into {Written:N0}, {Seconds:N0} s")]
    public static partial void CompactionProgress(ILogger logger, long examined, long partitions, string partition, long merged, long written, double seconds);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "{Source}: {Pages} pages ({Operations}), {Landed} records landed, {Duplicates} duplicates")]
    public static partial void SourceCollected(ILogger logger, string source, int pages, string operations, long landed, long duplicates);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "{Failure}")]
    public static partial void SourceFailed(ILogger logger, string failure);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "sts: could not tell which account the credentials belong to (GetCallerIdentity: {Reason}); pages are stored without their account.")]
    public static partial void NoCallerAccount(ILogger logger, string reason);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Worker started: lake {Lake}, sources {Sources}, every {IntervalSeconds} s")]
    public static partial void WorkerStarted(ILogger logger, string lake, string sources, int intervalSeconds);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Ingested {Objects} new objects of {Source}: {Landed} records landed, {Duplicates} duplicates, {Quarantined} quarantined; checkpoint holds {Known} objects")]
    public static partial void Ingested(ILogger logger, int objects, string source, long landed, long duplicates, long quarantined, int known);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Reading {Source} failed, tried again at the next look: {Reason}")]
    public static partial void PollFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Information, Message = "Status: {Objects} objects ingested since start, {Landed} records landed, {Duplicates} duplicates, {Quarantined} quarantined; rows per table: {Rows}; {Queued} objects waiting, lag behind the sources {Lag}; newest object ingested: {Newest}; last checkpoint {Checkpoint}")]
    public static partial void WorkerStatus(ILogger logger, long objects, long landed, long duplicates, long quarantined, string rows, int queued, string lag, string newest, string checkpoint);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Worker stopped: {Objects} objects ingested since start, {Queued} waiting left in their sources for the next start; last checkpoint {Checkpoint}")]
    public static partial void WorkerStopped(ILogger logger, long objects, int queued, string checkpoint);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Collected {Source}: {Pages} pages, {Landed} records landed, {Duplicates} duplicates")]
    public static partial void WorkerCollected(ILogger logger, string source, int pages, long landed, long duplicates);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Collecting {Source} failed, tried again at its next time: {Reason}")]
    public static partial void WorkerCollectFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Alert {Change} ({Rule}, {Severity}): {Summary}")]
    public static partial void AlertChanged(ILogger logger, string change, string rule, string severity, string summary);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Alert {Id} {Change} could not be delivered to {Sink}, given up: {Reason}")]
    public static partial void AlertNotDelivered(ILogger logger, string id, string change, string sink, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Alerts: {Changes} changes from {Facts} rows, state saved in {Key}")]
    public static partial void AlertsSaved(ILogger logger, int changes, int facts, string key);
}
