namespace Analytics.Query.Catalog;

/// <summary>A catalog query ready for an engine: SQL with <c>?</c> for each bound value, and those values in order.</summary>
/// <param name="Name">The catalog name.</param>
/// <param name="Sql">The SQL text; the same for both engines.</param>
/// <param name="Bound">The values of the <c>?</c> markers, in order.</param>
internal sealed record RenderedQuery(string Name, string Sql, IReadOnlyList<ParameterValue> Bound)
{
    /// <summary>Athena's limit on one execution parameter (the service model's <c>ExecutionParameter</c> max).</summary>
    public const int AthenaParameterMaxLength = 1024;

    /// <summary>
    /// The values as Athena <c>ExecutionParameters</c>: each is SQL literal text, so strings carry their own
    /// quotes, escaped here.
    /// </summary>
    /// <exception cref="ArgumentException">A value's literal is longer than Athena accepts; names the parameter.</exception>
    public IReadOnlyList<string> AthenaExecutionParameters()
    {
        var result = new List<string>(Bound.Count);
        foreach (var value in Bound)
        {
            var literal = SqlLiteral.Of(value.Value);
            if (literal.Length > AthenaParameterMaxLength)
                throw new ArgumentException($"parameter '{value.Parameter.Name}' is {literal.Length:N0} characters as an Athena literal; Athena accepts at most {AthenaParameterMaxLength:N0}.");
            result.Add(literal);
        }
        return result;
    }
}
