namespace Analytics.Query.Catalog;

/// <summary>The type of a catalog query parameter; decides how a value is validated, bound and rendered.</summary>
internal enum ParameterKind
{
    /// <summary>An instant, ISO 8601 (<c>2026-11-02T14:00:00Z</c>; no offset means UTC; a bare date means its midnight).</summary>
    Timestamp,
    /// <summary>A date, <c>yyyy-MM-dd</c>.</summary>
    Date,
    /// <summary>Free text. Always bound, never written into the SQL text.</summary>
    String,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>One of a fixed set of words, declared in the header as <c>enum(a|b|c)</c>.</summary>
    Enum,
    /// <summary>Comma-separated strings. Always bound, never written into the SQL text.</summary>
    List,
}
