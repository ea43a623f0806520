using Analytics.Schemas.Tables.Ecs;
using Analytics.Schemas.Tables.EventBridge;
using Analytics.Schemas.Tables.Health;
using Analytics.Schemas.Tables.Support;
using Analytics.Schemas.Tables.TrustedAdvisor;

namespace Analytics.Schemas;

/// <summary>Every table of the lake, in a stable order.</summary>
public static class TableCatalog
{
    private static readonly Lazy<IReadOnlyList<TableDefinition>> LazyAll = new(() =>
    [
        TableDefinition.For<EcsTaskEvent>(),
        TableDefinition.For<EcsContainerState>(),
        TableDefinition.For<EcsDeploymentEvent>(),
        TableDefinition.For<EcsServiceAction>(),
        TableDefinition.For<EcsContainerInstanceEvent>(),
        TableDefinition.For<HealthEvent>(),
        TableDefinition.For<HealthAffectedEntity>(),
        TableDefinition.For<SupportCase>(),
        TableDefinition.For<SupportCommunication>(),
        TableDefinition.For<SupportCaseEvent>(),
        TableDefinition.For<TrustedAdvisorCheck>(),
        TableDefinition.For<TrustedAdvisorCheckResult>(),
        TableDefinition.For<TrustedAdvisorFlaggedResource>(),
        TableDefinition.For<EventBridgeEvent>(),
    ]);

    /// <summary>All tables.</summary>
    public static IReadOnlyList<TableDefinition> All => LazyAll.Value;

    /// <summary>The table whose rows are <paramref name="rowType"/>.</summary>
    /// <exception cref="ArgumentException">No table has that row type.</exception>
    public static TableDefinition ForRowType(Type rowType) =>
        All.FirstOrDefault(t => t.RowType == rowType)
        ?? throw new ArgumentException($"No table has row type {rowType.Name}.", nameof(rowType));

    /// <summary>The table named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No table has that name.</exception>
    public static TableDefinition ForName(string name) =>
        All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"No table is named '{name}'. Tables: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));
}
