using System.Globalization;

namespace Analytics.Query.Catalog;

/// <summary>A parameter a catalog query declares in its header.</summary>
/// <param name="Name">The name used as <c>:name</c> (bound) or <c>${name}</c> (rendered) in the SQL.</param>
/// <param name="Kind">Its type.</param>
/// <param name="Required">True when a value must be given.</param>
/// <param name="Default">The value used when none is given (text, validated like a given value); null for none.</param>
/// <param name="Description">What it means, for <c>list</c> and errors.</param>
/// <param name="Choices">The allowed words of an enum; empty otherwise.</param>
/// <param name="Min">An integer's smallest value, when declared (<c>integer(1..100)</c>).</param>
/// <param name="Max">An integer's largest value, when declared.</param>
internal sealed record QueryParameter(string Name, ParameterKind Kind, bool Required, string? Default, string Description, IReadOnlyList<string> Choices,
    long? Min = null, long? Max = null)
{
    /// <summary>The type as the header spells it, e.g. <c>timestamp</c>, <c>enum(day|week)</c> or <c>integer(1..100)</c>.</summary>
    public string TypeName => Kind switch
    {
        ParameterKind.Enum => "enum(" + string.Join('|', Choices) + ")",
        ParameterKind.Integer when Min is not null && Max is not null => string.Create(CultureInfo.InvariantCulture, $"integer({Min}..{Max})"),
        _ => Kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    /// <summary>required, optional, or default VALUE.</summary>
    public string Presence => Required ? "required" : Default is null ? "optional" : "default " + Default;
}
