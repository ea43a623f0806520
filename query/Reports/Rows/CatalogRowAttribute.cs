namespace Analytics.Query.Reports.Rows;

/// <summary>Names the catalog query whose rows a record holds.</summary>
/// <param name="query">The catalog query.</param>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class CatalogRowAttribute(string query) : Attribute
{
    /// <summary>The catalog query.</summary>
    public string Query { get; } = query;
}
