using System.Text.Json;
using Analytics.Query.Reports.Charts;

namespace Analytics.Tests.Query.Reports;

/// <summary>
/// The pages inline a committed copy of Apache ECharts, so that the main job needs only the .NET SDK: the copy must be the
/// npm package's file of the pinned version, byte for byte, with its licence and notice (tests/browser installs the package).
/// </summary>
public sealed class ChartAssetTests
{
    private static readonly string Committed = Path.Combine(Some.RepoRoot, "query", "Reports", "Charts", "echarts");

    [Fact]
    public void TheCommittedLibrary_IsThePinnedNpmPackagesFile_WithItsLicence()
    {
        var package = Path.Combine(Browser.Modules(), "node_modules", "echarts");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(package, "package.json")));
        var version = manifest.RootElement.GetProperty("version").GetString();
        Assert.Equal(version, File.ReadAllText(Path.Combine(Committed, "VERSION")).Trim());
        Assert.Equal(version, ChartPage.LibraryVersion);
        foreach (var (committed, packaged) in new[]
        {
            ("echarts.common.min.js", Path.Combine("dist", "echarts.common.min.js")), ("LICENSE", "LICENSE"), ("NOTICE", "NOTICE"), ("LICENSE-d3", Path.Combine("licenses", "LICENSE-d3")),
        })
            Assert.True(File.ReadAllBytes(Path.Combine(Committed, committed)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(package, packaged))), $"{committed} differs from the package's {packaged}");
        Assert.Contains("Apache License", File.ReadAllText(Path.Combine(Committed, "LICENSE")), StringComparison.Ordinal);
    }
}
