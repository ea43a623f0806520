namespace Analytics.Ingest.Normalize;

/// <summary>Why a record cannot become a row: it is quarantined with this reason, and the rest of its input still lands.</summary>
internal sealed class RecordRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of rejection (<see cref="RejectionKind"/>).</param>
    /// <param name="field">The JSON path of the field at fault, when one is.</param>
    /// <param name="message">What was expected and what was found.</param>
    public RecordRejectedException(RejectionKind kind, string? field, string message) : base(message)
    {
        Kind = kind;
        Field = field;
    }

    /// <summary>The kind of rejection.</summary>
    public RejectionKind Kind { get; }

    /// <summary>The JSON path of the field at fault (e.g. <c>detail.version</c>), when one is.</summary>
    public string? Field { get; }

    /// <summary>A field is missing or has the wrong type or format.</summary>
    public static RecordRejectedException InvalidField(string field, string expected, string found) =>
        new(RejectionKind.InvalidField, field, $"field '{field}': expected {expected}, found {found}");

    /// <summary>The record is well-formed JSON but not a kind of record this pipeline knows.</summary>
    public static RecordRejectedException Unrecognized(string why) => new(RejectionKind.Unrecognized, null, $"unrecognized record: {why}");

    /// <summary>Normalizing failed in a way no check foresaw: the record is kept with the error, a fault of ours to look into.</summary>
    public static RecordRejectedException Unexpected(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(RejectionKind.Unexpected, null, $"normalizing failed unexpectedly ({error.GetType().Name}: {error.Message}); please report it with this record");
    }

    /// <summary>Not used: pass a kind and a message.</summary>
    public RecordRejectedException() : this(RejectionKind.InvalidField, null, "record rejected") { }

    /// <summary>Not used: pass a kind and a message.</summary>
    public RecordRejectedException(string message) : this(RejectionKind.InvalidField, null, message) { }

    /// <summary>Not used: pass a kind and a message.</summary>
    public RecordRejectedException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Why a record was quarantined.</summary>
internal enum RejectionKind
{
    /// <summary>The bytes are not a JSON object.</summary>
    Malformed,
    /// <summary>A JSON object of no kind this pipeline knows.</summary>
    Unrecognized,
    /// <summary>A known kind of record with a field missing or of the wrong type.</summary>
    InvalidField,
    /// <summary>An API response item that reports a failure instead of data.</summary>
    ApiFailure,
    /// <summary>Normalizing failed in a way no check foresaw (a fault of the pipeline's, kept with its error).</summary>
    Unexpected,
    /// <summary>A record larger than any event AWS delivers: skipped without being held, its first bytes kept.</summary>
    TooLarge,
}
