namespace Analytics.Schemas;

/// <summary>Describes a column; the text becomes the column's COMMENT in the Athena DDL.</summary>
/// <param name="description">What the column holds, in one line.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ColumnAttribute(string description) : Attribute
{
    /// <summary>What the column holds, in one line.</summary>
    public string Description { get; } = description;
}

/// <summary>Names a row class's table and describes its grain.</summary>
/// <param name="name">The table name: lowercase snake_case.</param>
/// <param name="description">One row per what.</param>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TableAttribute(string name, string description) : Attribute
{
    /// <summary>The table name: lowercase snake_case.</summary>
    public string Name { get; } = name;

    /// <summary>One row per what.</summary>
    public string Description { get; } = description;
}
