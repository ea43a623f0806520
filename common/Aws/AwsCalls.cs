using System.Text;

namespace Analytics.Common.Aws;

/// <summary>
/// An AWS call a program makes, the IAM action that allows it, and the resource it acts on, named by the deployment
/// stack's logical resources (deploy/analytics.yaml): <c>RawBucket</c>, <c>LakeBucket/ops/*</c>, <c>DeliveryStream</c>,
/// or <c>*</c> for an API without resource-level permissions.
/// </summary>
/// <param name="Service">The AWS service (S3, Firehose, Health, Support, STS).</param>
/// <param name="Operations">The API operations (as the service's reference names them).</param>
/// <param name="Action">The IAM action they need; null when none is needed.</param>
/// <param name="Resource">The resource, in the stack's names.</param>
/// <param name="Why">What the program does with it.</param>
public sealed record AwsCall(string Service, string Operations, string? Action, string Resource, string Why);

/// <summary>
/// Every AWS call the worker makes: the one list its deployment's task role is checked against (tests/Deploy) and the
/// README's permission table is written from. A new call goes here first.
/// </summary>
public static class AwsCalls
{
    /// <summary>The lake's prefix in the stack's lake bucket.</summary>
    public const string LakePrefix = "ops/";

    /// <summary>The worker's calls (ingest of Firehose objects, the collectors, the lake on S3).</summary>
    public static IReadOnlyList<AwsCall> Worker { get; } =
    [
        new("S3", "ListObjectsV2", "s3:ListBucket", "RawBucket", "find new objects under the stream's prefixes (events/, errors/)"),
        new("S3", "GetObject (ranged), HeadObject", "s3:GetObject", "RawBucket/events/*", "read what Firehose delivered"),
        new("S3", "GetObject (ranged), HeadObject", "s3:GetObject", "RawBucket/errors/*", "read what Firehose could not deliver as is"),
        new("S3", "ListObjectsV2", "s3:ListBucket", "LakeBucket", "the lake's files, checkpoints and lease (under ops/)"),
        new("S3", "GetObject, HeadObject", "s3:GetObject", "LakeBucket/ops/*", "read the lake's index, checkpoints, lease and files"),
        new("S3", "PutObject (If-None-Match, If-Match), CreateMultipartUpload, UploadPart, CompleteMultipartUpload", "s3:PutObject", "LakeBucket/ops/*", "write Parquet, the quarantine, collected pages, checkpoints and the lease"),
        new("S3", "DeleteObject (If-Match), DeleteObjects", "s3:DeleteObject", "LakeBucket/ops/*", "replace compacted files, release the lease, sweep stale temporaries"),
        new("S3", "AbortMultipartUpload", "s3:AbortMultipartUpload", "LakeBucket/ops/*", "abandon an upload a failed run left"),
        new("Firehose", "DescribeDeliveryStream", "firehose:DescribeDeliveryStream", "DeliveryStream", "learn the stream's bucket, prefixes and compression"),
        new("Health", "DescribeEvents", "health:DescribeEvents", "*", "collect the account's Health events"),
        new("Health", "DescribeEventDetails", "health:DescribeEventDetails", "*", "their descriptions"),
        new("Health", "DescribeAffectedEntities", "health:DescribeAffectedEntities", "*", "their affected resources"),
        new("Support", "DescribeCases", "support:DescribeCases", "*", "collect Support cases"),
        new("Support", "DescribeCommunications", "support:DescribeCommunications", "*", "their communications"),
        new("Support", "DescribeTrustedAdvisorChecks", "support:DescribeTrustedAdvisorChecks", "*", "Trusted Advisor's checks"),
        new("Support", "DescribeTrustedAdvisorCheckResult", "support:DescribeTrustedAdvisorCheckResult", "*", "each check's flagged resources"),
        new("Support", "DescribeTrustedAdvisorCheckSummaries", "support:DescribeTrustedAdvisorCheckSummaries", "*", "each check's last refresh"),
        new("STS", "GetCallerIdentity", null, "*", "the account collected pages belong to (needs no permission)"),
    ];

    /// <summary>The worker's calls when it reads AWS Health's organization view (<c>--collect health-org</c>).</summary>
    public static IReadOnlyList<AwsCall> OrganizationHealth { get; } =
    [
        new("Health", "DescribeEventsForOrganization", "health:DescribeEventsForOrganization", "*", "the organization's Health events"),
        new("Health", "DescribeEventDetailsForOrganization", "health:DescribeEventDetailsForOrganization", "*", "their descriptions, per account"),
        new("Health", "DescribeAffectedEntitiesForOrganization", "health:DescribeAffectedEntitiesForOrganization", "*", "their affected resources, per account"),
        new("Health", "DescribeAffectedAccountsForOrganization", "health:DescribeAffectedAccountsForOrganization", "*", "the accounts each affects"),
    ];

    /// <summary>The worker's calls when it puts its alerts on an event bus (<c>--alert-event-bus</c>).</summary>
    public static IReadOnlyList<AwsCall> AlertBus { get; } =
    [
        new("EventBridge", "PutEvents", "events:PutEvents", "AlertEventBus", "put each alert change on the bus"),
    ];

    /// <summary>The worker's permissions as the README's table: per resource, the actions granted on it.</summary>
    public static string Markdown()
    {
        var text = new StringBuilder("| resource | actions |\n|---|---|\n");
        foreach (var (calls, note) in new[] { (Worker, ""), (OrganizationHealth, " (`health-org` only)"), (AlertBus, " (alerts' bus only)") })
            foreach (var group in calls.Where(c => c.Action is not null).GroupBy(c => c.Resource))
                text.Append("| `").Append(group.Key).Append('`').Append(note).Append(" | ")
                    .AppendJoin(", ", group.Select(c => $"`{c.Action}`").Distinct()).Append(" |\n");
        return text.ToString();
    }

    /// <summary>Every call, its action and resource, and why the worker makes it, as docs/deploy.md's table.</summary>
    public static string DetailMarkdown()
    {
        var text = new StringBuilder("| call | IAM action | resource | why |\n|---|---|---|---|\n");
        foreach (var c in Worker.Concat(OrganizationHealth).Concat(AlertBus))
            text.Append("| ").Append(c.Service).Append(' ').Append(c.Operations).Append(" | ").Append(c.Action is null ? "none" : $"`{c.Action}`")
                .Append(" | `").Append(c.Resource).Append("` | ").Append(c.Why)
                .Append(OrganizationHealth.Contains(c) ? " (`health-org` only)" : AlertBus.Contains(c) ? " (`--alert-event-bus` only)" : "").Append(" |\n");
        return text.ToString();
    }
}
