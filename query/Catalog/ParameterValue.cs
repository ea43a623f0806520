using System.Globalization;

namespace Analytics.Query.Catalog;

/// <summary>
/// A validated, typed parameter value: a <see cref="DateTime"/> (UTC) for timestamps, a <see cref="DateOnly"/>
/// for dates, a <see cref="long"/> for integers, a string for strings and enums, a string array for lists, or
/// null when an optional parameter has no value.
/// </summary>
/// <param name="Parameter">The parameter.</param>
/// <param name="Value">The typed value, or null.</param>
internal sealed record ParameterValue(QueryParameter Parameter, object? Value)
{
    /// <summary>The value as it reads in messages and documents (ISO 8601 for instants).</summary>
    public override string ToString() => Value switch
    {
        null => "(none)",
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        string[] list => string.Join(',', list),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };
}
