using System.Text.Json;

namespace Analytics.Generator;

public sealed partial class EventGenerator
{
    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream(2048);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return buffer.ToArray();
    }

    private static void EnvelopeStart(Utf8JsonWriter w, string id, string detailType, string source, DateTime time, params string[] resources)
    {
        w.WriteStartObject();
        w.WriteString("version", "0");
        w.WriteString("id", id);
        w.WriteString("detail-type", detailType);
        w.WriteString("source", source);
        w.WriteString("account", Account);
        w.WriteString("time", time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("region", Region);
        w.WriteStartArray("resources");
        foreach (var r in resources) w.WriteStringValue(r);
        w.WriteEndArray();
        w.WriteStartObject("detail");
    }

    private void Task(string service, DateTime started, bool crashLoop, DateTime end, string startedBy)
    {
        var cluster = Cluster(service);
        var clusterArn = $"arn:aws:ecs:{Region}:{Account}:cluster/{cluster}";
        var taskId = NewId().Replace("-", "", StringComparison.Ordinal);
        var taskArn = $"arn:aws:ecs:{Region}:{Account}:task/{cluster}/{taskId}";
        var revision = crashLoop ? 42 : 41;
        var spot = service == "search";
        var memory = service == "worker" ? 1024 : 512;
        var az = $"{Region}{"abc"[_rng.Next(3)]}";
        // How the task ends: in the crash loop, most tasks exit within a minute and the rest are killed by the
        // scheduler for failing the load balancer's health checks after a few minutes (ServiceSchedulerInitiated,
        // as AWS documents); workers are OOM-killed now and then, Spot capacity is reclaimed, and the rest are
        // replaced by deployments or scale-in after hours.
        var (lifetime, stopCode, stoppedReason, exitCode, containerReason) = crashLoop
            ? _rng.NextDouble() < 0.35
                ? (90 + _rng.NextDouble() * 90, "ServiceSchedulerInitiated",
                    $"Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:{Region}:{Account}:targetgroup/{service}-tg/73e2d6bc24d8a067)", 143, (string?)null)
                : (30 + _rng.NextDouble() * 60, "EssentialContainerExited", "Essential container in task exited", 1, (string?)null)
            : service == "worker" && _rng.NextDouble() < 0.15
                ? (600 + _rng.NextDouble() * 7200, "EssentialContainerExited", "Essential container in task exited", 137, (string?)"OutOfMemoryError: Container killed due to memory usage")
                : spot && _rng.NextDouble() < 0.1
                    ? (1800 + _rng.NextDouble() * 20000, "SpotInterruption", "Your Spot Task was interrupted.", 143, (string?)null)
                    : (3600 + _rng.NextDouble() * 40000, "ServiceSchedulerInitiated", $"Scaling activity initiated by (deployment {startedBy})", 137, (string?)null);
        var running = started.AddSeconds(15 + _rng.NextDouble() * 20);
        var stopping = running.AddSeconds(lifetime);
        var stopped = stopping.AddSeconds(5 + _rng.NextDouble() * 30);
        var states = new List<(string Last, string Desired, DateTime At)> { ("PENDING", "RUNNING", started), ("RUNNING", "RUNNING", running) };
        if (stopping < end) states.Add(("STOPPING", "STOPPED", stopping));
        if (stopped < end) states.Add(("STOPPED", "STOPPED", stopped));
        var group = service == "worker" ? "family:worker" : $"service:{service}";
        for (var v = 0; v < states.Count; v++)
        {
            var (last, desired, at) = states[v];
            var id = NewId();
            var version = v + 1;
            var isStop = last == "STOPPED";
            var json = Json(w =>
            {
                EnvelopeStart(w, id, "ECS Task State Change", "aws.ecs", at, taskArn);
                w.WriteStartArray("attachments");
                w.WriteStartObject();
                w.WriteString("id", NewId());
                w.WriteString("type", "eni");
                w.WriteString("status", isStop ? "DELETED" : "ATTACHED");
                w.WriteStartArray("details");
                foreach (var (n, val) in new[] { ("subnetId", "subnet-0aeeeea40ba9b0406"), ("networkInterfaceId", "eni-067c2d19a5fe6ecf3"), ("macAddress", "02:75:1e:d0:70:59"), ("privateIPv4Address", "10.0.215.105") })
                {
                    w.WriteStartObject(); w.WriteString("name", n); w.WriteString("value", val); w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("availabilityZone", az);
                if (spot) w.WriteString("capacityProviderName", "FARGATE_SPOT");
                w.WriteString("clusterArn", clusterArn);
                w.WriteString("connectivity", "CONNECTED");
                w.WriteStartArray("containers");
                foreach (var (name, essential) in new[] { (service, true), ("log-router", false) })
                {
                    w.WriteStartObject();
                    w.WriteString("containerArn", $"arn:aws:ecs:{Region}:{Account}:container/{cluster}/{taskId}/{NewId()}");
                    if (isStop) w.WriteNumber("exitCode", essential ? exitCode : 0);
                    w.WriteString("lastStatus", last == "STOPPING" ? "RUNNING" : last);
                    w.WriteString("name", name);
                    w.WriteString("image", essential ? $"{Account}.dkr.ecr.{Region}.amazonaws.com/{service}:r{revision}" : "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable");
                    w.WriteString("imageDigest", "sha256:4c8a9049915f437fcf5e8ef339e4109140cb92039dc0d3a78460623532c7c0cb");
                    w.WriteString("runtimeId", $"{taskId}-{name.Length}");
                    w.WriteString("taskArn", taskArn);
                    if (isStop && essential && containerReason is not null) w.WriteString("reason", containerReason);
                    w.WriteString("cpu", "0");
                    if (essential) w.WriteString("memory", (memory - 64).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("cpu", "256");
                w.WriteString("createdAt", Iso(started.AddSeconds(-3)));
                w.WriteString("desiredStatus", desired);
                w.WriteString("group", group);
                w.WriteString("launchType", "FARGATE");
                w.WriteString("lastStatus", last);
                w.WriteString("memory", memory.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("platformVersion", "1.4.0");
                if (v >= 1) w.WriteString("startedAt", Iso(running));
                w.WriteString("startedBy", startedBy);
                if (v >= 2)
                {
                    w.WriteString("stoppingAt", Iso(stopping));
                    w.WriteString("stopCode", stopCode);
                    w.WriteString("stoppedReason", stoppedReason);
                }
                if (isStop) { w.WriteString("stoppedAt", Iso(stopped)); w.WriteString("executionStoppedAt", Iso(stopped.AddSeconds(-2))); }
                w.WriteString("taskArn", taskArn);
                w.WriteString("taskDefinitionArn", $"arn:aws:ecs:{Region}:{Account}:task-definition/{service}:{revision}");
                w.WriteString("updatedAt", Iso(at));
                w.WriteNumber("version", version);
                w.WriteEndObject();
                w.WriteEndObject();
            });
            Add(at, json, truncatable: version == 1 && states.Count > 1, task: taskArn, version: version);
            _manifest.Expect("ecs_task_events");
            _manifest.Expect("ecs_container_states", 2);
        }
        var (lastStatus, _, _) = states[^1];
        _latest[taskArn] = (states.Count, lastStatus);
    }

    private void Deployment(DeploymentPlan plan)
    {
        var cluster = Cluster(plan.Service);
        var serviceArn = $"arn:aws:ecs:{Region}:{Account}:service/{cluster}/{plan.Service}";
        void Emit(DateTime t, string type, string name, string reason)
        {
            Add(t, Json(w =>
            {
                EnvelopeStart(w, NewId(), "ECS Deployment State Change", "aws.ecs", t, serviceArn);
                w.WriteString("eventType", type);
                w.WriteString("eventName", name);
                w.WriteString("deploymentId", plan.Id);
                w.WriteString("updatedAt", Iso(t));
                w.WriteString("reason", reason);
                w.WriteEndObject();
                w.WriteEndObject();
            }));
            _manifest.Expect("ecs_deployment_events");
        }
        Emit(plan.At, "INFO", "SERVICE_DEPLOYMENT_IN_PROGRESS", plan.RollsBack is not null
            ? $"ECS deployment circuit breaker: rolling back to deploymentId {plan.Id}."
            : $"ECS deployment {plan.Id} in progress.");
        if (plan.FailedAt is { } failedAt)
        {
            Emit(failedAt, "ERROR", "SERVICE_DEPLOYMENT_FAILED", "ECS deployment circuit breaker: task failed to start.");
            return;
        }
        var done = plan.RollsBack is null ? plan.At.AddMinutes(4 + _rng.NextDouble() * 8) : plan.At.AddMinutes(6);
        Emit(done, "INFO", "SERVICE_DEPLOYMENT_COMPLETED", $"ECS deployment {plan.Id} completed.");
        SteadyState(plan.Service, done.AddSeconds(plan.RollsBack is null ? 30 : 40));
    }

    private void SteadyState(string service, DateTime at) => ServiceAction(service, at, "INFO", "SERVICE_STEADY_STATE", null);

    private void PlacementFailure(string service, DateTime at) =>
        ServiceAction(service, at, "ERROR", "SERVICE_TASK_PLACEMENT_FAILURE", service == "search" ? "RESOURCE:FARGATE" : "RESOURCE:MEMORY");

    private void ServiceAction(string service, DateTime at, string type, string name, string? reason)
    {
        var cluster = Cluster(service);
        Add(at, Json(w =>
        {
            EnvelopeStart(w, NewId(), "ECS Service Action", "aws.ecs", at, $"arn:aws:ecs:{Region}:{Account}:service/{cluster}/{service}");
            w.WriteString("eventType", type);
            w.WriteString("eventName", name);
            w.WriteString("clusterArn", $"arn:aws:ecs:{Region}:{Account}:cluster/{cluster}");
            if (reason is not null) w.WriteString("reason", reason);
            if (reason == "RESOURCE:FARGATE")
            {
                w.WriteStartArray("capacityProviderArns");
                w.WriteStringValue($"arn:aws:ecs:{Region}:{Account}:capacity-provider/FARGATE_SPOT");
                w.WriteEndArray();
            }
            w.WriteString("createdAt", Iso(at));
            w.WriteEndObject();
            w.WriteEndObject();
        }));
        _manifest.Expect("ecs_service_actions");
    }

    private void ContainerInstance(DateTime at, int index)
    {
        var arn = $"arn:aws:ecs:{Region}:{Account}:container-instance/batch/{NewId().Replace("-", "", StringComparison.Ordinal)}";
        Add(at, Json(w =>
        {
            EnvelopeStart(w, NewId(), "ECS Container Instance State Change", "aws.ecs", at, arn);
            w.WriteBoolean("agentConnected", index != 2);
            w.WriteString("clusterArn", $"arn:aws:ecs:{Region}:{Account}:cluster/batch");
            w.WriteString("containerInstanceArn", arn);
            w.WriteString("ec2InstanceId", $"i-0{_rng.NextInt64(0x1000000000000, 0xfffffffffffff):x}");
            foreach (var (name, cpu, mem) in new[] { ("registeredResources", 2048, 7680), ("remainingResources", 1024, 3072) })
            {
                w.WriteStartArray(name);
                w.WriteStartObject(); w.WriteString("name", "CPU"); w.WriteString("type", "INTEGER"); w.WriteNumber("integerValue", cpu); w.WriteEndObject();
                w.WriteStartObject(); w.WriteString("name", "MEMORY"); w.WriteString("type", "INTEGER"); w.WriteNumber("integerValue", mem); w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteString("status", index == 2 ? "DRAINING" : "ACTIVE");
            w.WriteNumber("version", 100 + index);
            w.WriteString("updatedAt", Iso(at));
            w.WriteEndObject();
            w.WriteEndObject();
        }));
        _manifest.Expect("ecs_container_instance_events");
    }

    private void Health(DateTime opened, DateTime day)
    {
        // Named by the date, so periods generated separately never share an event.
        var eventArn = $"arn:aws:health:{Region}::event/ECS/AWS_ECS_OPERATIONAL_ISSUE/AWS_ECS_OPERATIONAL_ISSUE_{day:yyyyMMdd}_{_rng.Next(100000, 999999)}";
        var closed = opened.AddMinutes(90 + _rng.Next(60));
        var entities = new[] { "arn:aws:ecs:us-east-1:123456789012:service/prod/payments", "arn:aws:ecs:us-east-1:123456789012:service/prod/checkout" };
        byte[] Version(string status, DateTime updated, bool backup) => Json(w =>
        {
            EnvelopeStart(w, NewId(), "AWS Health Event", "aws.health", updated, entities);
            w.WriteString("eventArn", eventArn);
            w.WriteString("service", "ECS");
            w.WriteString("eventTypeCode", "AWS_ECS_OPERATIONAL_ISSUE");
            w.WriteString("eventTypeCategory", "issue");
            w.WriteString("eventScopeCode", "ACCOUNT_SPECIFIC");
            w.WriteString("communicationId", $"comm-{day:yyyyMMdd}-{eventArn.Length}");
            w.WriteString("startTime", Rfc1123(opened));
            if (status == "closed") w.WriteString("endTime", Rfc1123(closed));
            w.WriteString("lastUpdatedTime", Rfc1123(updated));
            w.WriteString("statusCode", status);
            w.WriteString("eventRegion", Region);
            w.WriteStartArray("eventDescription");
            w.WriteStartObject();
            w.WriteString("language", "en_US");
            w.WriteString("latestDescription", status == "open"
                ? "We are investigating increased task launch failures for Fargate tasks in the US-EAST-1 Region."
                : "[RESOLVED] Between 1:50 PM and 3:30 PM PST we experienced increased task launch failures. The issue has been resolved.");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("affectedEntities");
            foreach (var e in entities) { w.WriteStartObject(); w.WriteString("entityValue", e); w.WriteString("status", status == "open" ? "IMPAIRED" : "RESOLVED"); w.WriteEndObject(); }
            w.WriteEndArray();
            w.WriteString("affectedAccount", Account);
            w.WriteString("page", "1");
            w.WriteString("totalPages", "1");
            w.WriteString("backupEvent", backup ? "true" : "false");
            w.WriteEndObject();
            w.WriteEndObject();
        });
        Add(opened, Version("open", opened, false));
        Add(closed, Version("closed", closed, false));
        OrganizationView(eventArn, opened, null, opened, entities);
        OrganizationView(eventArn, opened, closed, closed, entities);
        // The same closed version, sent again to the backup region: a copy, not a new version.
        Add(closed.AddSeconds(2), Version("closed", closed, true));
        _manifest.Duplicates++;
        _manifest.Expect("health_events", 2);
        _manifest.Expect("health_affected_entities", 4);
    }

    private void SupportCase(DateTime opened, DateTime day)
    {
        // Numbered by the date, not by the day's place in the run: periods generated with different --start
        // never share a case, and none shares the documentation samples' ids.
        var dayNumber = DateOnly.FromDateTime(day).DayNumber;
        var caseId = $"case-{Account}-muen-{day:yyyy}-{8000000000000000L + dayNumber}";
        var displayId = (9000000000L + dayNumber).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, at, origin) in new[] { ("CreateCase", opened, ""), ("AddCommunicationToCase", opened.AddMinutes(25), "AWS"), ("AddCommunicationToCase", opened.AddMinutes(70), "CUSTOMER"), ("ResolveCase", opened.AddHours(3), "") })
        {
            Add(at, Json(w =>
            {
                EnvelopeStart(w, NewId(), "Support Case Update", "aws.support", at);
                w.WriteString("case-id", caseId);
                w.WriteString("display-id", displayId);
                w.WriteString("communication-id", name == "AddCommunicationToCase" ? $"{caseId}-{at.Ticks % 100000}" : "");
                w.WriteString("event-name", name);
                w.WriteString("origin", origin);
                w.WriteEndObject();
                w.WriteEndObject();
            }));
            _manifest.Expect("support_case_events");
        }
    }
}
