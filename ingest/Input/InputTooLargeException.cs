namespace Analytics.Ingest.Input;

/// <summary>A whole JSON document (read whole) larger than the largest allowed: a fault of its object, not of the run.</summary>
internal sealed class InputTooLargeException : IOException
{
    /// <summary>Creates the exception.</summary>
    public InputTooLargeException() { }

    /// <summary>Creates the exception.</summary>
    public InputTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public InputTooLargeException(string message, Exception inner) : base(message, inner) { }
}
