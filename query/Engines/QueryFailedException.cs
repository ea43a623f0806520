namespace Analytics.Query.Engines;

/// <summary>An engine rejected or failed a query; the message names the query and says why.</summary>
internal sealed class QueryFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QueryFailedException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public QueryFailedException() { }

    /// <summary>Creates the exception.</summary>
    public QueryFailedException(string message) : base(message) { }
}
