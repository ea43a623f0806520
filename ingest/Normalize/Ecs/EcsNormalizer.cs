using Analytics.Schemas;
using Analytics.Schemas.Semantics;
using Analytics.Schemas.Tables.Ecs;

namespace Analytics.Ingest.Normalize.Ecs;

/// <summary>Turns <c>aws.ecs</c> events into rows of the ECS tables.</summary>
internal static class EcsNormalizer
{
    /// <summary>True when this normalizer knows the detail type.</summary>
    public static bool Handles(string detailType) => detailType is
        "ECS Task State Change" or "ECS Deployment State Change" or "ECS Service Action" or "ECS Container Instance State Change";

    /// <summary>Normalizes one ECS event.</summary>
    public static NormalizedRecord Normalize(Envelope e, byte[] raw, RecordContext context, string position) => e.DetailType switch
    {
        "ECS Task State Change" => Task(e, raw, context, position),
        "ECS Deployment State Change" => NormalizedRecord.Rows(position, Deployment(e, raw, context)),
        "ECS Service Action" => NormalizedRecord.Rows(position, ServiceAction(e, raw, context)),
        "ECS Container Instance State Change" => NormalizedRecord.Rows(position, ContainerInstance(e, raw, context)),
        _ => throw new ArgumentException($"Not an ECS detail type: {e.DetailType}", nameof(e)),
    };

    private static NormalizedRecord Task(Envelope e, byte[] raw, RecordContext context, string position) =>
        Task(new EventHead(e.Id, e.Time, e.Account, e.Region, e.RecordId), TaskDetail.Read(e.Detail), raw, context, position);

    /// <summary>
    /// The rows of an ECS Task State Change whose detail was read (by <see cref="TaskDetail.Read"/>, or in one pass by
    /// <see cref="EcsTaskReader"/>): the task's row, and a row per container.
    /// </summary>
    public static NormalizedRecord Task(EventHead e, TaskDetail d, byte[] raw, RecordContext context, string position)
    {
        var (family, revision) = Arns.FamilyAndRevision(d.TaskDefinitionArn);
        var row = context.Stamp(new EcsTaskEvent
        {
            ClusterArn = d.ClusterArn,
            ClusterName = Arns.LastSegment(d.ClusterArn),
            ServiceName = d.Group is { } group && group.StartsWith("service:", StringComparison.Ordinal) ? group["service:".Length..] : null,
            TaskGroup = d.Group,
            StartedBy = d.StartedBy,
            TaskArn = d.TaskArn,
            TaskId = Arns.LastSegment(d.TaskArn),
            TaskDefinitionArn = d.TaskDefinitionArn,
            TaskFamily = family,
            TaskRevision = revision,
            LaunchType = d.LaunchType,
            CapacityProviderName = d.CapacityProviderName,
            PlatformVersion = d.PlatformVersion,
            AvailabilityZone = d.AvailabilityZone,
            ContainerInstanceArn = d.ContainerInstanceArn,
            LastStatus = d.LastStatus,
            DesiredStatus = d.DesiredStatus,
            StopCode = d.StopCode,
            StoppedReason = d.StoppedReason,
            CreatedAt = d.CreatedAt,
            StartedAt = d.StartedAt,
            StoppingAt = d.StoppingAt,
            StoppedAt = d.StoppedAt,
            ExecutionStoppedAt = d.ExecutionStoppedAt,
            UpdatedAt = d.UpdatedAt,
            TaskVersion = d.Version,
            CpuUnits = d.Cpu,
            MemoryMib = d.Memory,
        }.WithRaw(raw), d.UpdatedAt ?? e.Time, e.RecordId, e.Id, e.Account, e.Region);

        row.Containers = new List<EcsContainer>(d.Containers.Count);
        var states = new List<LakeRow>(d.Containers.Count);
        for (var i = 0; i < d.Containers.Count; i++)
        {
            var c = d.Containers[i];
            var container = new EcsContainer
            {
                Name = c.Name,
                Image = c.Image,
                ImageDigest = c.ImageDigest,
                LastStatus = c.LastStatus,
                ExitCode = c.ExitCode,
                Reason = c.Reason,
                RuntimeId = c.RuntimeId,
            };
            row.Containers.Add(container);
            states.Add(context.Stamp(new EcsContainerState
            {
                ClusterName = row.ClusterName,
                ServiceName = row.ServiceName,
                TaskArn = d.TaskArn,
                TaskId = row.TaskId,
                TaskVersion = row.TaskVersion,
                TaskRevision = revision,
                ContainerName = container.Name,
                Image = container.Image,
                LastStatus = container.LastStatus,
                ExitCode = container.ExitCode,
                Reason = container.Reason,
                OomKilled = container.Reason?.StartsWith("OutOfMemoryError", StringComparison.Ordinal) == true,
                MemoryMib = c.Memory,
                MemoryReservationMib = c.MemoryReservation,
            }, row.EventTime, $"{e.RecordId}/{i}", e.Id, e.Account, e.Region));
        }
        // A task stopped with neither code nor reason is a stop nobody explains, not routine.
        row.StopClass = StopClass.Classify(row.StopCode, row.StoppedReason, row.Containers)
            ?? (row.LastStatus == "STOPPED" ? StopClass.Other : null);
        row.Severity = StopClass.SeverityOf(row.StopClass) ?? Severity.Info;
        return NormalizedRecord.Rows(position, row, states);
    }

    private static EcsDeploymentEvent Deployment(Envelope e, byte[] raw, RecordContext context)
    {
        var d = e.Detail;
        var serviceArn = e.Resources is { Count: > 0 } ? e.Resources[0]
            : throw RecordRejectedException.InvalidField("resources[0]", "the service ARN", "no resources");
        var (cluster, service) = Arns.ClusterAndService(serviceArn);
        var updatedAt = d.OptionalTimestamp("updatedAt");
        return context.Stamp(new EcsDeploymentEvent
        {
            ServiceArn = serviceArn,
            ClusterName = cluster,
            ServiceName = service,
            EventType = d.OptionalString("eventType"),
            EventName = d.NonEmptyString("eventName"),
            DeploymentId = d.OptionalString("deploymentId"),
            Reason = d.OptionalString("reason"),
            UpdatedAt = updatedAt,
            Severity = Severity.OfEcsEventType(d.OptionalString("eventType")),
        }.WithRaw(raw), updatedAt ?? e.Time, e.RecordId, e.Id, e.Account, e.Region);
    }

    private static EcsServiceAction ServiceAction(Envelope e, byte[] raw, RecordContext context)
    {
        var d = e.Detail;
        var serviceArn = e.Resources is { Count: > 0 } ? e.Resources[0] : null;
        var (cluster, service) = Arns.ClusterAndService(serviceArn);
        var clusterArn = d.OptionalString("clusterArn");
        var createdAt = d.OptionalTimestamp("createdAt");
        return context.Stamp(new EcsServiceAction
        {
            ServiceArn = serviceArn,
            ClusterArn = clusterArn,
            ClusterName = cluster ?? Arns.LastSegment(clusterArn),
            ServiceName = service,
            EventType = d.OptionalString("eventType"),
            EventName = d.NonEmptyString("eventName"),
            Reason = d.OptionalString("reason"),
            CapacityProviderArns = d.OptionalStrings("capacityProviderArns"),
            ContainerInstanceArns = d.OptionalStrings("containerInstanceArns"),
            CreatedAt = createdAt,
            Severity = Severity.OfEcsEventType(d.OptionalString("eventType")),
        }.WithRaw(raw), createdAt ?? e.Time, e.RecordId, e.Id, e.Account, e.Region);
    }

    private static EcsContainerInstanceEvent ContainerInstance(Envelope e, byte[] raw, RecordContext context)
    {
        var d = e.Detail;
        var clusterArn = d.OptionalString("clusterArn");
        var updatedAt = d.OptionalTimestamp("updatedAt");
        var registered = Resources(d, "registeredResources");
        var remaining = Resources(d, "remainingResources");
        return context.Stamp(new EcsContainerInstanceEvent
        {
            ClusterArn = clusterArn,
            ClusterName = Arns.LastSegment(clusterArn),
            ContainerInstanceArn = d.NonEmptyString("containerInstanceArn"),
            Ec2InstanceId = d.OptionalString("ec2InstanceId"),
            Status = d.OptionalString("status"),
            AgentConnected = d.OptionalBool("agentConnected"),
            AgentUpdateStatus = d.OptionalString("agentUpdateStatus"),
            InstanceVersion = d.Int64("version"),
            RegisteredCpu = registered.Cpu,
            RegisteredMemoryMib = registered.Memory,
            RemainingCpu = remaining.Cpu,
            RemainingMemoryMib = remaining.Memory,
            UpdatedAt = updatedAt,
            Severity = Severity.OfContainerInstance(d.OptionalString("status"), d.OptionalBool("agentConnected")),
        }.WithRaw(raw), updatedAt ?? e.Time, e.RecordId, e.Id, e.Account, e.Region);
    }

    private static (int? Cpu, int? Memory) Resources(Fields detail, string name)
    {
        int? cpu = null, memory = null;
        foreach (var resource in detail.Objects(name))
        {
            switch (resource.OptionalString("name"))
            {
                case "CPU": cpu = resource.OptionalInt32("integerValue"); break;
                case "MEMORY": memory = resource.OptionalInt32("integerValue"); break;
            }
        }
        return (cpu, memory);
    }
}
