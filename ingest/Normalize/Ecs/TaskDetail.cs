namespace Analytics.Ingest.Normalize.Ecs;

/// <summary>What identifies an event as a row: its id, time, account, region and record id (see <see cref="Envelope"/>).</summary>
internal readonly record struct EventHead(string Id, DateTime Time, string? Account, string? Region, string RecordId);

/// <summary>
/// The fields of an ECS Task State Change's detail that become rows, as read from the event. Read either through
/// <see cref="Fields"/> (<see cref="Read"/>, which rejects a missing or mistyped field with its path) or in one pass
/// of the event's bytes (<see cref="EcsTaskReader"/>, which leaves any event it does not read exactly to the former).
/// </summary>
internal sealed class TaskDetail
{
    public string TaskArn { get; set; } = "";
    public string? ClusterArn { get; set; }
    public string? Group { get; set; }
    public string? TaskDefinitionArn { get; set; }
    public DateTime? UpdatedAt { get; set; }
    public string? StartedBy { get; set; }
    public string? LaunchType { get; set; }
    public string? CapacityProviderName { get; set; }
    public string? PlatformVersion { get; set; }
    public string? AvailabilityZone { get; set; }
    public string? ContainerInstanceArn { get; set; }
    public string? LastStatus { get; set; }
    public string? DesiredStatus { get; set; }
    public string? StopCode { get; set; }
    public string? StoppedReason { get; set; }
    public DateTime? CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? StoppingAt { get; set; }
    public DateTime? StoppedAt { get; set; }
    public DateTime? ExecutionStoppedAt { get; set; }
    public long Version { get; set; }
    public int? Cpu { get; set; }
    public int? Memory { get; set; }
    public List<ContainerDetail> Containers { get; set; } = [];

    /// <summary>Reads the detail's fields in a fixed order, so a record with several faults is rejected for the first.</summary>
    public static TaskDetail Read(Fields d)
    {
        var detail = new TaskDetail
        {
            TaskArn = d.NonEmptyString("taskArn"),
            ClusterArn = d.OptionalString("clusterArn"),
            Group = d.OptionalString("group"),
            TaskDefinitionArn = d.OptionalString("taskDefinitionArn"),
            UpdatedAt = d.OptionalTimestamp("updatedAt"),
            StartedBy = d.OptionalString("startedBy"),
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
            Version = d.Int64("version"),
            Cpu = d.OptionalInt32("cpu"),
            Memory = d.OptionalInt32("memory"),
        };
        var containers = d.Objects("containers");
        detail.Containers = new List<ContainerDetail>(containers.Count);
        foreach (var c in containers)
        {
            detail.Containers.Add(new ContainerDetail
            {
                Name = c.OptionalString("name"),
                Image = c.OptionalString("image"),
                ImageDigest = c.OptionalString("imageDigest"),
                LastStatus = c.OptionalString("lastStatus"),
                ExitCode = c.OptionalInt32("exitCode"),
                Reason = c.OptionalString("reason"),
                RuntimeId = c.OptionalString("runtimeId"),
                Memory = c.OptionalInt32("memory"),
                MemoryReservation = c.OptionalInt32("memoryReservation"),
            });
        }
        return detail;
    }
}

/// <summary>The fields of one of a task's containers that become rows.</summary>
internal sealed class ContainerDetail
{
    public string? Name { get; set; }
    public string? Image { get; set; }
    public string? ImageDigest { get; set; }
    public string? LastStatus { get; set; }
    public int? ExitCode { get; set; }
    public string? Reason { get; set; }
    public string? RuntimeId { get; set; }
    public int? Memory { get; set; }
    public int? MemoryReservation { get; set; }
}
