using System.Globalization;

namespace Analytics.Query.Catalog;

/// <summary>A parameter a catalog query declares in its header.</summary>
/// <param name="Name">The name used as <c>:name</c> (bound) or <c>${name}</c> (rendered) in the SQL.</param>
/// <param name="Kind">Its type.</param>
/// <param name="Required">True when a value must be given.</param>
/// <param name="Default">The value used when none is given (text, validated like a given value); null for none.</param>
/// <param name="Description">What it means, for <c>list</c> and errors.</param>
/// <param name="Choices">The allowed words of an enum; empty otherwise.</param>
public sealed record QueryParameter(string Name, ParameterKind Kind, bool Required, string? Default, string Description, IReadOnlyList<string> Choices)
{
    /// <summary>The type as the header spells it, e.g. <c>timestamp</c> or <c>enum(day|week)</c>.</summary>
    public string TypeName => Kind == ParameterKind.Enum
        ? "enum(" + string.Join('|', Choices) + ")"
        : Kind.ToString().ToLower(CultureInfo.InvariantCulture);

    /// <summary>required, optional, or default VALUE.</summary>
    public string Presence => Required ? "required" : Default is null ? "optional" : "default " + Default;
}
