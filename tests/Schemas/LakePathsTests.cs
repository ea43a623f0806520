using Analytics.Schemas;

namespace Analytics.Tests.Schemas;

/// <summary>The lake's layout, the one definition every part reads.</summary>
public class LakePathsTests
{
    [Fact]
    public void Names_FollowTheHiveLayoutAndHideWhatIsNotData()
    {
        Assert.Equal("dt=2026-11-02", LakePaths.PartitionFolder("2026-11-02"));
        Assert.Equal("2026-11-02", LakePaths.PartitionValue("dt=2026-11-02"));
        Assert.Null(LakePaths.PartitionValue("date=2026-11-02"));
        Assert.Equal("part-20261102T140000Z-abcd1234.parquet", LakePaths.DataFileName("20261102T140000Z-abcd1234"));
        Assert.Equal(".part-20261102T140000Z-abcd1234-1.parquet.tmp", LakePaths.TempFileName("20261102T140000Z-abcd1234-1"));
        Assert.True(LakePaths.IsHidden(LakePaths.TempFileName("r")));
        Assert.True(LakePaths.IsHidden(LakePaths.QuarantineFolder));
        Assert.True(LakePaths.IsHidden(LakePaths.LockFile));
        Assert.False(LakePaths.IsHidden(LakePaths.DataFileName("r")));
    }

    [Fact]
    public void TablesWithData_OnlyVisibleFoldersHoldingDataFiles()
    {
        using var temp = Some.TempFolder();
        Directory.CreateDirectory(temp.Sub("lake/ecs_task_events/dt=2026-11-02"));
        File.WriteAllText(temp.Sub("lake/ecs_task_events/dt=2026-11-02/part-r.parquet"), "");
        Directory.CreateDirectory(temp.Sub("lake/health_events/dt=2026-11-02"));
        File.WriteAllText(temp.Sub("lake/health_events/dt=2026-11-02/.part-r.parquet.tmp"), "");
        Directory.CreateDirectory(temp.Sub("lake/_quarantine"));
        File.WriteAllText(temp.Sub("lake/_quarantine/part-x.parquet"), "");

        Assert.Equal(["ecs_task_events"], LakePaths.TablesWithData(temp.Sub("lake")));
        Assert.Equal(Path.Combine(temp.Sub("lake"), "ecs_task_events", "dt=*", "part-*.parquet"), LakePaths.DataGlob(temp.Sub("lake"), "ecs_task_events"));
    }
}
