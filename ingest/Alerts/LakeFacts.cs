using System.Globalization;
using System.Text.Json.Serialization;
using Analytics.Schemas;
using Parquet.Serialization;

namespace Analytics.Ingest.Alerts;

/// <summary>
/// The rows of a window the alert rules read, from the lake's Parquet files (a local folder or S3): ECS task stops,
/// deployment events and service actions, Health event versions and Support case observations, in time order.
/// </summary>
internal static class LakeFacts
{
    // The columns each table's rows are read for (the rest of a file is not decoded).
    private sealed class TaskRow
    {
        [JsonPropertyName("event_time")] public DateTime EventTime { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("cluster_name")] public string? ClusterName { get; set; }
        [JsonPropertyName("service_name")] public string? ServiceName { get; set; }
        [JsonPropertyName("task_group")] public string? TaskGroup { get; set; }
        [JsonPropertyName("task_arn")] public string? TaskArn { get; set; }
        [JsonPropertyName("last_status")] public string? LastStatus { get; set; }
        [JsonPropertyName("stop_class")] public string? StopClass { get; set; }
        [JsonPropertyName("stopped_reason")] public string? StoppedReason { get; set; }
    }

    private sealed class DeploymentRow
    {
        [JsonPropertyName("event_time")] public DateTime EventTime { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("cluster_name")] public string? ClusterName { get; set; }
        [JsonPropertyName("service_name")] public string? ServiceName { get; set; }
        [JsonPropertyName("deployment_id")] public string? DeploymentId { get; set; }
        [JsonPropertyName("event_name")] public string? EventName { get; set; }
        [JsonPropertyName("reason")] public string? Reason { get; set; }
    }

    private sealed class ActionRow
    {
        [JsonPropertyName("event_time")] public DateTime EventTime { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("cluster_name")] public string? ClusterName { get; set; }
        [JsonPropertyName("service_name")] public string? ServiceName { get; set; }
        [JsonPropertyName("event_name")] public string? EventName { get; set; }
        [JsonPropertyName("reason")] public string? Reason { get; set; }
    }

    private sealed class HealthRow
    {
        [JsonPropertyName("event_time")] public DateTime EventTime { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("event_arn")] public string? EventArn { get; set; }
        [JsonPropertyName("service")] public string? Service { get; set; }
        [JsonPropertyName("event_type_code")] public string? EventTypeCode { get; set; }
        [JsonPropertyName("event_type_category")] public string? EventTypeCategory { get; set; }
        [JsonPropertyName("event_scope_code")] public string? EventScopeCode { get; set; }
        [JsonPropertyName("status_code")] public string? StatusCode { get; set; }
        [JsonPropertyName("event_region")] public string? EventRegion { get; set; }
        [JsonPropertyName("affected_account")] public string? AffectedAccount { get; set; }
        [JsonPropertyName("start_time")] public DateTime? StartTime { get; set; }
    }

    private sealed class CaseRow
    {
        [JsonPropertyName("event_time")] public DateTime EventTime { get; set; }
        [JsonPropertyName("account_id")] public string? AccountId { get; set; }
        [JsonPropertyName("region")] public string? Region { get; set; }
        [JsonPropertyName("case_id")] public string? CaseId { get; set; }
        [JsonPropertyName("display_id")] public string? DisplayId { get; set; }
        [JsonPropertyName("subject")] public string? Subject { get; set; }
        [JsonPropertyName("severity_code")] public string? SeverityCode { get; set; }
        [JsonPropertyName("status")] public string? Status { get; set; }
    }

    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? t) => t is { } v ? Utc(v) : null;

    /// <summary>The facts of [<paramref name="from"/>, <paramref name="to"/>) in <paramref name="layout"/>, in time order.</summary>
    public static async Task<List<AlertFact>> ReadAsync(LakeLayout layout, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var facts = new List<AlertFact>();
        bool In(DateTime t) => Utc(t) >= from && Utc(t) < to;
        await foreach (var r in RowsAsync<TaskRow>(layout, "ecs_task_events", from, to, cancellationToken).ConfigureAwait(false))
            if (In(r.EventTime) && r.LastStatus == "STOPPED" && r.TaskArn is not null)
                facts.Add(new TaskStopped(Utc(r.EventTime), r.AccountId, r.Region, r.ClusterName, r.ServiceName ?? r.TaskGroup, r.TaskArn, r.StopClass, r.StoppedReason));
        await foreach (var r in RowsAsync<DeploymentRow>(layout, "ecs_deployment_events", from, to, cancellationToken).ConfigureAwait(false))
            if (In(r.EventTime) && r.EventName is not null)
                facts.Add(new DeploymentChanged(Utc(r.EventTime), r.AccountId, r.Region, r.ClusterName, r.ServiceName, r.DeploymentId, r.EventName, r.Reason));
        await foreach (var r in RowsAsync<ActionRow>(layout, "ecs_service_actions", from, to, cancellationToken).ConfigureAwait(false))
            if (In(r.EventTime) && r.EventName is not null)
                facts.Add(new ServiceActed(Utc(r.EventTime), r.AccountId, r.Region, r.ClusterName, r.ServiceName, r.EventName, r.Reason));
        await foreach (var r in RowsAsync<HealthRow>(layout, "health_events", from, to, cancellationToken).ConfigureAwait(false))
            if (In(r.EventTime) && r.EventArn is not null)
                facts.Add(new HealthChanged(Utc(r.EventTime), r.AccountId, r.Region, r.EventArn, r.Service, r.EventTypeCode, r.EventTypeCategory, r.EventScopeCode,
                    r.StatusCode, r.EventRegion, r.AffectedAccount, Utc(r.StartTime)));
        await foreach (var r in RowsAsync<CaseRow>(layout, "support_cases", from, to, cancellationToken).ConfigureAwait(false))
            if (In(r.EventTime) && r.CaseId is not null)
                facts.Add(new CaseObserved(Utc(r.EventTime), r.AccountId, r.Region, r.CaseId, r.DisplayId, r.Subject, r.SeverityCode, r.Status));
        // Time order; facts of one instant in a fixed order (a stop before the steady state it precedes), then by their text.
        return [.. facts.OrderBy(f => f.At).ThenBy(f => f switch { TaskStopped => 0, DeploymentChanged => 1, ServiceActed => 2, HealthChanged => 3, _ => 4 })
            .ThenBy(f => f.ToString(), StringComparer.Ordinal)];
    }

    private static async IAsyncEnumerable<T> RowsAsync<T>(LakeLayout layout, string table, DateTime from, DateTime to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken) where T : class, new()
    {
        for (var day = from.Date; day < to; day = day.AddDays(1))
        {
            var prefix = LakeLayout.PartitionKey(table, day.ToString(Partitioning.Format, CultureInfo.InvariantCulture));
            var files = new List<Storage.StoredObject>();
            await foreach (var file in layout.Store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
                if (file.Key.EndsWith(LakePaths.DataExtension, StringComparison.Ordinal) && !LakePaths.IsHidden(Path.GetFileName(file.Key))) files.Add(file);
            foreach (var file in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                await using var stream = await layout.Store.OpenRandomAccessAsync(file.Key, file.Size, cancellationToken).ConfigureAwait(false);
                var result = await ParquetSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var row in result.Data) yield return row;
            }
        }
    }
}
