namespace Analytics.Ingest.Normalize;

/// <summary>Pieces of ECS ARNs.</summary>
internal static class Arns
{
    /// <summary>The text after the last '/' (a cluster, task or container instance name or id).</summary>
    public static string? LastSegment(string? arn)
    {
        if (string.IsNullOrEmpty(arn)) return null;
        var slash = arn.LastIndexOf('/');
        return slash >= 0 && slash < arn.Length - 1 ? arn[(slash + 1)..] : null;
    }

    /// <summary>
    /// Cluster and service of a service ARN: <c>arn:aws:ecs:R:A:service/CLUSTER/SERVICE</c>, or the old
    /// format <c>…:service/SERVICE</c> that has no cluster segment.
    /// </summary>
    public static (string? Cluster, string? Service) ClusterAndService(string? serviceArn)
    {
        if (string.IsNullOrEmpty(serviceArn)) return (null, null);
        var marker = serviceArn.IndexOf(":service/", StringComparison.Ordinal);
        if (marker < 0) return (null, null);
        var parts = serviceArn[(marker + ":service/".Length)..].Split('/');
        return parts.Length >= 2 ? (parts[0], parts[^1]) : (null, parts[0]);
    }

    /// <summary>Family and revision of a task definition ARN (<c>…:task-definition/FAMILY:REVISION</c>).</summary>
    public static (string? Family, int? Revision) FamilyAndRevision(string? taskDefinitionArn)
    {
        var last = LastSegment(taskDefinitionArn);
        if (last is null) return (null, null);
        var colon = last.LastIndexOf(':');
        if (colon < 0) return (last, null);
        return (last[..colon], int.TryParse(last.AsSpan(colon + 1), out var revision) ? revision : null);
    }
}
