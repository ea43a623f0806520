using System.Text.RegularExpressions;
using Analytics.Query.Catalog;
using Analytics.Schemas.Semantics;

namespace Analytics.Tests.Query.Catalog;

/// <summary>
/// The catalog's SQL spells the failure and abnormal stop classes as literal lists (Athena has no functions of
/// ours); each list must be exactly one of the sets <see cref="StopClass"/> defines, so the classes stay defined once.
/// </summary>
public sealed partial class StopClassListsTests
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

    [GeneratedRegex(@"stop_class\s+IN\s*\(([^)]*)\)")]
    private static partial Regex StopClassList();

    [GeneratedRegex(@"'([a-z_]+)'")]
    private static partial Regex Quoted();
}
