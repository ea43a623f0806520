using System.Text.RegularExpressions;
using Analytics.Query.Catalog;
using Analytics.Schemas.Semantics;

namespace Analytics.Tests.Query.Catalog;

/// <summary>
/// Each analytic rule the catalog shares has one home: the stop-class lists come from <see cref="StopClass"/> and the
/// Support case status rule from <see cref="SqlFragments"/>, placed by <c>@{name}</c> markers (Athena runs no function of
/// ours, so the rule is shared as SQL text); no catalog file spells them itself.
/// </summary>
public sealed partial class SharedRulesTests
{
    [Fact]
    public void EveryStopClassList_IsTheFailuresOrTheAbnormalSet()
    {
        var lists = QueryCatalog.Default.Queries
            .SelectMany(q => StopClassList().Matches(q.Sql).Select(m => (q.Name, Classes: Quoted().Matches(m.Groups[1].Value).Select(x => x.Groups[1].Value).ToHashSet())))
            .ToList();
        Assert.True(lists.Count >= 4, $"{lists.Count} lists");
        foreach (var (name, classes) in lists)
            Assert.True(classes.SetEquals(StopClass.Failures) || classes.SetEquals(StopClass.Abnormal),
                $"{name}: stop_class IN ({string.Join(", ", classes)}) is neither StopClass.Failures nor StopClass.Abnormal");
    }

    [Fact]
    public void CatalogFiles_SpellNoSharedRuleThemselves()
    {
        var files = Directory.GetFiles(Path.Combine(Some.RepoRoot, "query", "catalog"), "*.sql");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var sql = File.ReadAllText(file);
            Assert.DoesNotMatch(@"stop_class\s+IN\s*\(\s*'", sql);
            Assert.DoesNotContain("signals AS (", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("FROM trusted_advisor_checks", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("ORDER BY task_version DESC, event_time DESC", sql, StringComparison.Ordinal);
        }
        var views = string.Concat(Analytics.Schemas.Views.SharedViews.All.Select(v => v.Sql));
        Assert.Contains(SqlFragments.All["support_case_status"], views, StringComparison.Ordinal);
    }

    [Fact]
    public void Expand_PlacesEachFragmentIndentedAsItsMarker_AndRefusesAnUnknownOne()
    {
        var sql = SqlFragments.Expand("WITH x AS (SELECT 1),\n    @{support_case_status}\nSELECT * FROM t WHERE stop_class IN (@{failure_classes})");
        Assert.EndsWith("WHERE stop_class IN ('health_check_failed', 'out_of_memory', 'essential_container_exited', 'failed_to_start')", sql, StringComparison.Ordinal);
        Assert.Contains("\n    observations AS (\n        SELECT c.*,", sql, StringComparison.Ordinal);
        // A fragment given the rows it reads: service failures over the window, or from the look-back.
        var failures = SqlFragments.Expand("WITH @{service_failures(in_window)}\nSELECT 1");
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(failures, "AND event_time >= :from AND event_time < :to").Count);
        Assert.DoesNotContain("@{", failures, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => SqlFragments.Expand("WITH @{service_failures(nope)}"));
        var ex = Assert.Throws<FormatException>(() => SqlFragments.Expand("SELECT @{nope}"));
        Assert.StartsWith("@{nope} is no SQL fragment; fragments: in_window, in_scope, in_window_and_scope,", ex.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"stop_class\s+IN\s*\(([^)]*)\)")]
    private static partial Regex StopClassList();

    [GeneratedRegex(@"'([a-z_]+)'")]
    private static partial Regex Quoted();
}
