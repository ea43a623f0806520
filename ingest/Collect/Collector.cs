using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Aws;
using Analytics.Aws.Health;
using Analytics.Aws.Support;
using Analytics.Common.Aws;
using Analytics.Common.Settings;
using Analytics.Ingest.Input;
using Analytics.Ingest.Run;
using Analytics.Ingest.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Ingest.Collect;

/// <summary>What a collection pass of one source did.</summary>
/// <param name="Source">health, health-org, support or trusted-advisor.</param>
/// <param name="Pages">Response pages fetched, by operation.</param>
/// <param name="Ingest">The ingest of the source's new pages; null when it failed before.</param>
/// <param name="Error">One line: the call that failed and what to do; null when the pass completed.</param>
internal sealed record CollectResult(string Source, IReadOnlyDictionary<string, int> Pages, IngestSummary? Ingest, string? Error);

/// <summary>
/// One collection pass per source, incremental from the source's checkpoint in the lake: every response page is stored
/// as it came, with its request and the time it was observed (<c>_collected/SOURCE/…json</c>, from the injected clock),
/// then the source's pages not yet ingested are ingested by the same pipeline as Firehose objects (it reads the page
/// wrapper, and dates rows by their observation), and only then the checkpoint moves. A pass that dies between pages
/// leaves its pages stored and the checkpoint where it was: the next pass ingests those pages and asks again from the
/// old checkpoint, and what it gets twice is a counted duplicate. A source that fails (no support plan, access
/// denied) is reported in one line; the others go on.
/// </summary>
/// <param name="options">The sources and where a first pass starts.</param>
/// <param name="lake">The lake the pages and their rows go to.</param>
/// <param name="aws">The program's AWS clients (Health, Support, STS, and S3 for a lake on S3).</param>
/// <param name="time">The clock: stamps each page's observation.</param>
/// <param name="logger">Hears a line per source; null for none.</param>
internal sealed class Collector(CollectOptions options, LakeSettings lake, AwsClients aws, TimeProvider time, ILogger? logger = null)
{
    /// <summary>The worker's alerts, told what each pass's ingest read; null for none.</summary>
    public Analytics.Ingest.Alerts.AlertService? Alerts { get; init; }

    private readonly ILogger _logger = logger ?? NullLogger.Instance;


    /// <summary>How far back a first pass asks when no <c>--since</c> is given: Health keeps events 90 days.</summary>
    public static readonly TimeSpan HealthHistory = TimeSpan.FromDays(90);

    /// <summary>How far back Support is swept when no <c>--since</c> is given: DescribeCases returns a year of resolved cases.</summary>
    public static readonly TimeSpan SupportHistory = TimeSpan.FromDays(365);

    private int _sequence;
    private string? _account;

    // The account the credentials belong to: every page stored is that account's view (the Health account view and
    // Trusted Advisor name no account). Not knowing it is said once, and the pages are stored without it.
    private async Task<string?> CallerAccountAsync(CancellationToken cancellationToken)
    {
        var settings = aws.Settings;
        if (settings.StsEndpoint is null && (settings.HealthEndpoint is not null || settings.SupportEndpoint is not null)) return null;
        try
        {
            return await aws.CallerAccountAsync(settings.ResolvedRegion ?? "us-east-1", settings.StsEndpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            Log.NoCallerAccount(_logger, ex.Message);
            return null;
        }
    }

    /// <summary>Runs one pass of each source in <see cref="CollectOptions.Sources"/>, in order.</summary>
    public async Task<List<CollectResult>> RunAsync(CancellationToken cancellationToken)
    {
        var store = Lake.LakeLayout.Open(lake.Location!, () => aws.StoreS3, lake.StagingFolder).Store;
        _account = await CallerAccountAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<CollectResult>();
        foreach (var source in options.Sources)
            results.Add(await PassAsync(store, source, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<CollectResult> PassAsync(IObjectStore store, string source, CancellationToken cancellationToken)
    {
        var pages = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var checkpoint = await CollectCheckpoint.LoadAsync(store, source, cancellationToken).ConfigureAwait(false);
        string? error = null;
        try
        {
            using var client = await ClientAsync(source).ConfigureAwait(false);
            async Task Store(ApiPage page, JsonElement? check = null)
            {
                await StorePageAsync(store, source, page, check, cancellationToken).ConfigureAwait(false);
                pages[page.Operation] = pages.GetValueOrDefault(page.Operation) + 1;
            }
            await (source switch
            {
                "health" => HealthAsync(new HealthClient(client), checkpoint, page => Store(page), cancellationToken),
                "health-org" => HealthOrganizationAsync(new HealthClient(client), checkpoint, page => Store(page), cancellationToken),
                "trusted-advisor" => TrustedAdvisorAsync(new SupportClient(client), Store, cancellationToken),
                _ => SupportAsync(new SupportClient(client), checkpoint, page => Store(page), cancellationToken),
            }).ConfigureAwait(false);
        }
        catch (AwsServiceException ex)
        {
            error = Explain(source, ex);
        }
        catch (AwsCredentialsException ex)
        {
            error = $"{source}: no AWS credentials: {ex.Message}";
        }
        catch (HttpRequestException ex)
        {
            error = $"{source}: the {source} endpoint could not be reached: {ex.Message}";
        }
        // The pages stored, this pass's and any an earlier pass stored before it died, are ingested; the checkpoint moves
        // only when the whole pass was fetched and ingested.
        var summary = await IngestPagesAsync(store, source, cancellationToken).ConfigureAwait(false);
        if (error is null) await checkpoint.SaveAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (error is not null) Log.SourceFailed(_logger, error);
        else Log.SourceCollected(_logger, source, pages.Values.Sum(), string.Join(", ", pages.Select(p => $"{p.Key} {p.Value}")), summary?.RecordsLanded ?? 0, summary?.Duplicates ?? 0);
        return new CollectResult(source, pages, summary, error);
    }

    private async Task<AwsJsonClient> ClientAsync(string source)
    {
        var health = source.StartsWith("health", StringComparison.Ordinal);
        // Trusted Advisor is served by the Support API.
        var (service, endpoint) = health ? (AwsService.Health, aws.Settings.HealthEndpoint) : (AwsService.Support, aws.Settings.SupportEndpoint);
        // Health is served from one active region at a time; Support from us-east-1 (aws partition).
        var region = endpoint is not null ? aws.Settings.Region ?? service.GlobalRegion! : health ? await HealthClient.ActiveRegionAsync().ConfigureAwait(false) : service.GlobalRegion!;
        return aws.Json(service, region, endpoint);
    }

    private async Task HealthAsync(HealthClient health, CollectCheckpoint checkpoint, Func<ApiPage, Task> store, CancellationToken cancellationToken)
    {
        var arns = await EventsAsync(since => health.DescribeEventsAsync(since, cancellationToken), checkpoint, store).ConfigureAwait(false);
        await foreach (var page in health.DescribeEventDetailsAsync(arns, cancellationToken).ConfigureAwait(false)) await store(page).ConfigureAwait(false);
        await foreach (var page in health.DescribeAffectedEntitiesAsync(arns, cancellationToken).ConfigureAwait(false)) await store(page).ConfigureAwait(false);
    }

    // The organization view: the events of every account of the organization, then for each event the accounts it
    // affects, and the details and entities of each (event, account), ten at a time.
    private async Task HealthOrganizationAsync(HealthClient health, CollectCheckpoint checkpoint, Func<ApiPage, Task> store, CancellationToken cancellationToken)
    {
        var arns = await EventsAsync(since => health.DescribeEventsForOrganizationAsync(since, cancellationToken), checkpoint, store).ConfigureAwait(false);
        var pairs = new List<EventAccountFilter>();
        foreach (var arn in arns)
            await foreach (var page in health.DescribeAffectedAccountsForOrganizationAsync(arn, cancellationToken).ConfigureAwait(false))
            {
                await store(page).ConfigureAwait(false);
                var accounts = Items(page, "affectedAccounts").Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()).ToList();
                // A public event affects no account in particular: asked once, without one.
                pairs.AddRange(accounts.Count == 0 ? [new EventAccountFilter(arn, null)] : accounts.Select(a => new EventAccountFilter(arn, a)));
            }
        await foreach (var page in health.DescribeEventDetailsForOrganizationAsync(pairs, cancellationToken).ConfigureAwait(false)) await store(page).ConfigureAwait(false);
        await foreach (var page in health.DescribeAffectedEntitiesForOrganizationAsync(pairs, cancellationToken).ConfigureAwait(false)) await store(page).ConfigureAwait(false);
    }

    // Stores every page of the events updated since the checkpoint (else --since, else 90 days back) and returns their
    // ARNs, once each. The next pass asks from the newest update seen, inclusive: that event comes again, as a duplicate
    // (the checkpoint is saved only when the whole pass succeeds).
    private async Task<List<string>> EventsAsync(Func<DateTimeOffset, IAsyncEnumerable<ApiPage>> describe, CollectCheckpoint checkpoint, Func<ApiPage, Task> store)
    {
        var since = checkpoint.HealthUpdatedSince ?? options.Since ?? time.GetUtcNow() - HealthHistory;
        var (arns, newest) = (new List<string>(), checkpoint.HealthUpdatedSince);
        await foreach (var page in describe(since).ConfigureAwait(false))
        {
            await store(page).ConfigureAwait(false);
            foreach (var e in Items(page, "events"))
            {
                if (e.TryGetProperty("arn", out var arn) && arn.ValueKind == JsonValueKind.String) arns.Add(arn.GetString()!);
                if (e.TryGetProperty("lastUpdatedTime", out var updated) && updated.ValueKind == JsonValueKind.Number
                    && DateTimeOffset.FromUnixTimeMilliseconds((long)(updated.GetDouble() * 1000)) is var at && (newest is null || at > newest)) newest = at;
            }
        }
        checkpoint.HealthUpdatedSince = newest ?? since;
        return [.. arns.Distinct(StringComparer.Ordinal)];
    }

    private async Task SupportAsync(SupportClient support, CollectCheckpoint checkpoint, Func<ApiPage, Task> store, CancellationToken cancellationToken)
    {
        // afterTime filters by creation, and an old case can change (a reply, reopened): every pass sweeps the whole window,
        // and only the cases whose state changed since the last pass have their communications asked for.
        var after = (options.Since ?? time.GetUtcNow() - SupportHistory).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var changed = new List<(string CaseId, string State)>();
        await foreach (var page in support.DescribeCasesAsync(after, cancellationToken).ConfigureAwait(false))
        {
            await store(page).ConfigureAwait(false);
            foreach (var c in Items(page, "cases"))
            {
                if (!c.TryGetProperty("caseId", out var id) || id.ValueKind != JsonValueKind.String) continue;
                var state = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(c.GetRawText())).AsSpan(0, 12));
                if (checkpoint.SupportCaseState(id.GetString()!) != state) changed.Add((id.GetString()!, state));
            }
        }
        foreach (var (caseId, state) in changed)
        {
            var last = checkpoint.SupportLastCommunication(caseId);
            await foreach (var page in support.DescribeCommunicationsAsync(caseId, last, cancellationToken).ConfigureAwait(false))
            {
                await store(page).ConfigureAwait(false);
                foreach (var m in Items(page, "communications"))
                    if (m.TryGetProperty("timeCreated", out var created) && created.ValueKind == JsonValueKind.String && string.CompareOrdinal(created.GetString(), last) > 0)
                        last = created.GetString();
            }
            checkpoint.SetSupportCase(caseId, state, last);
        }
    }

    // Every check's definition, then its result (stored with the definition, whose column names key the flagged
    // resources' values), then the summaries of all checks. Nothing to resume: each pass sees every check, and a result
    // Trusted Advisor has not refreshed is a duplicate.
    private static async Task TrustedAdvisorAsync(SupportClient support, Func<ApiPage, JsonElement?, Task> store, CancellationToken cancellationToken)
    {
        var checks = await support.DescribeTrustedAdvisorChecksAsync(cancellationToken).ConfigureAwait(false);
        await store(checks, null).ConfigureAwait(false);
        var ids = new List<string>();
        foreach (var check in Items(checks, "checks"))
        {
            if (!check.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String) continue;
            ids.Add(id.GetString()!);
            await store(await support.DescribeTrustedAdvisorCheckResultAsync(id.GetString()!, cancellationToken).ConfigureAwait(false), check).ConfigureAwait(false);
        }
        if (ids.Count > 0) await store(await support.DescribeTrustedAdvisorCheckSummariesAsync(ids, cancellationToken).ConfigureAwait(false), null).ConfigureAwait(false);
    }

    private static IEnumerable<JsonElement> Items(ApiPage page, string array) =>
        page.Response.TryGetProperty(array, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    /// <summary>The folder of a source's stored pages in the lake.</summary>
    public static string PagesPrefix(string source) => $"{Analytics.Schemas.LakePaths.CollectedFolder}/{source}/";

    private async Task StorePageAsync(IObjectStore lake, string source, ApiPage page, JsonElement? check, CancellationToken cancellationToken)
    {
        var observed = time.GetUtcNow().UtcDateTime;
        var key = $"{Analytics.Schemas.LakePaths.CollectedFolder}/{CollectedPage.Key(source, observed, Interlocked.Increment(ref _sequence), page.Operation)}";
        var request = JsonSerializer.SerializeToElement(page.Request, page.Request.GetType(), AwsJsonClient.Json);
        using var body = new MemoryStream(CollectedPage.Serialize(source, page.Operation, observed, request, check, page.Response, _account));
        await lake.WriteAsync(key, body, cancellationToken).ConfigureAwait(false);
    }

    // The source's stored pages that no pass has ingested yet, ingested in one run; the page checkpoint (as the worker
    // keeps one per source) then knows them.
    private async Task<IngestSummary?> IngestPagesAsync(IObjectStore store, string source, CancellationToken cancellationToken)
    {
        var prefix = PagesPrefix(source);
        var name = store.NameOf(prefix);
        var stored = new List<InputObjectRef>();
        await foreach (var o in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false)) stored.Add(new InputObjectRef(store, o));
        var ingested = await SourceCheckpoint.LoadAsync(store, name, cancellationToken).ConfigureAwait(false);
        var fresh = stored.Where(o => !ingested.Contains(o)).ToList();
        if (fresh.Count == 0) return null;
        var facts = new List<Analytics.Ingest.Alerts.AlertFact>();
        var summary = await new IngestRunner(new IngestOptions
        {
            Lake = lake, Inputs = [name], Objects = fresh, S3 = () => aws.StoreS3,
            Read = Alerts is null ? null : Analytics.Ingest.Alerts.RowFacts.Into(facts),
        }, time).RunAsync(cancellationToken).ConfigureAwait(false);
        // The alerts of what the run published, before its checkpoint: a crash in between reads those pages again.
        if (Alerts is not null) await Alerts.ObserveAsync(facts, cancellationToken).ConfigureAwait(false);
        // Only what the run published is checkpointed; a crash in between reads those pages again, as duplicates.
        await ingested.SaveAsync(fresh, stored, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        return summary;
    }

    private const string OrganizationView = " The organization view also needs AWS Organizations with all features, `aws health enable-health-service-access-for-organization` run in the management account, and this identity in it or a delegated administrator; without it, collect health instead.";

    /// <summary>One line for a failed call: the source, the call, the error, and what to do.</summary>
    public static string Explain(string source, AwsServiceException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var call = $"{source}: {error.Operation} failed ({error.ErrorCode})";
        return error.ErrorCode switch
        {
            "SubscriptionRequiredException" => $"{call}: the account has no Business, Enterprise On-Ramp or Enterprise Support plan, which the {(source.StartsWith("health", StringComparison.Ordinal) ? "Health" : source == "trusted-advisor" ? "Trusted Advisor" : "Support")} API needs. Subscribe, or leave {source} out of --sources.",
            "AccessDeniedException" or "AccessDenied" or "UnauthorizedOperation" => $"{call}: the identity may not call it. Grant {(source.StartsWith("health", StringComparison.Ordinal) ? "health" : "support")}:{error.Operation} to it.{(source == "health-org" ? OrganizationView : "")}",
            _ when source == "health-org" => $"{call}: {error.ErrorMessage}.{OrganizationView}",
            _ => $"{call}: {error.ErrorMessage}",
        };
    }
}
