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

    private static NormalizedRecord Task(Envelope e, byte[] raw, RecordContext context, string position)
    {
        var d = e.Detail;
        var taskArn = d.NonEmptyString("taskArn");
        var clusterArn = d.OptionalString("clusterArn");
        var group = d.OptionalString("group");
        var taskDefinitionArn = d.OptionalString("taskDefinitionArn");
        var (family, revision) = Arns.FamilyAndRevision(taskDefinitionArn);
        var updatedAt = d.OptionalTimestamp("updatedAt");
        var row = context.Stamp(new EcsTaskEvent
        {
            ClusterArn = clusterArn,
            ClusterName = Arns.LastSegment(clusterArn),
            ServiceName = group is not null && group.StartsWith("service:", StringComparison.Ordinal) ? group["service:".Length..] : null,
            TaskGroup = group,
            StartedBy = d.OptionalString("startedBy"),
            TaskArn = taskArn,
            TaskId = Arns.LastSegment(taskArn),
            TaskDefinitionArn = taskDefinitionArn,
            TaskFamily = family,
            TaskRevision = revision,
            LaunchType = d.OptionalString("launchType"),
            CapacityProviderName = d.OptionalString("capacityProviderName"),
            PlatformVersion = d.OptionalString("platformVersion"),
            AvailabilityZone = d.OptionalString("availabilityZone"),
            ContainerInstanceArn = d.OptionalString("containerInstanceArn"),
            LastStatus = d.OptionalString("lastStatus"),
            DesiredStatus = d.OptionalString("desiredStatus"),
            StopCode = d.OptionalString("stopCode"),
            StoppedReason = d.OptionalString("stoppedReason"),
            CreatedAt = d.OptionalTimestamp("createdAt"),
            StartedAt = d.OptionalTimestamp("startedAt"),
            StoppingAt = d.OptionalTimestamp("stoppingAt"),
            StoppedAt = d.OptionalTimestamp("stoppedAt"),
            ExecutionStoppedAt = d.OptionalTimestamp("executionStoppedAt"),
            UpdatedAt = updatedAt,
            TaskVersion = d.Int64("version"),
            CpuUnits = d.OptionalInt32("cpu"),
            MemoryMib = d.OptionalInt32("memory"),
        }.WithRaw(raw), updatedAt ?? e.Time, e.RecordId, e.Id, e.Account, e.Region);

        var containers = d.Objects("containers");
        row.Containers = new List<EcsContainer>(containers.Count);
        var states = new List<LakeRow>(containers.Count);
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i];
            var container = new EcsContainer
            {
                Name = c.OptionalString("name"),
                Image = c.OptionalString("image"),
                ImageDigest = c.OptionalString("imageDigest"),
                LastStatus = c.OptionalString("lastStatus"),
                ExitCode = c.OptionalInt32("exitCode"),
                Reason = c.OptionalString("reason"),
                RuntimeId = c.OptionalString("runtimeId"),
            };
            row.Containers.Add(container);
            states.Add(context.Stamp(new EcsContainerState
            {
                ClusterName = row.ClusterName,
                ServiceName = row.ServiceName,
                TaskArn = taskArn,
                TaskId = row.TaskId,
                TaskVersion = row.TaskVersion,
                TaskRevision = revision,
                ContainerName = container.Name,
                Image = container.Image,
                LastStatus = container.LastStatus,
                ExitCode = container.ExitCode,
                Reason = container.Reason,
                OomKilled = container.Reason?.StartsWith("OutOfMemoryError", StringComparison.Ordinal) == true,
                MemoryMib = c.OptionalInt32("memory"),
                MemoryReservationMib = c.OptionalInt32("memoryReservation"),
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
