namespace Analytics.Ingest.Input;

/// <summary>Where a record sits inside its input object.</summary>
/// <param name="Ordinal">1-based index of the record in the object.</param>
/// <param name="ByteOffset">Offset of the record's first byte in the (decompressed) object.</param>
/// <param name="Line">1-based line the record starts on.</param>
internal readonly record struct RecordPosition(int Ordinal, long ByteOffset, int Line)
{
    /// <inheritdoc/>
    public override string ToString() => $"record {Ordinal} (line {Line}, byte {ByteOffset})";
}

/// <summary>A segment of an input object: a complete JSON value, or bytes that are not one.</summary>
/// <param name="Position">Where the segment starts.</param>
/// <param name="Start">Offset of the first byte.</param>
/// <param name="Length">Number of bytes.</param>
/// <param name="Error">Null for a well-formed JSON value; otherwise why the bytes are not one.</param>
internal readonly record struct RecordSegment(RecordPosition Position, int Start, int Length, string? Error)
{
    /// <summary>True when the segment is a complete, well-formed JSON value.</summary>
    public bool IsWellFormed => Error is null;

    /// <summary>
    /// True for a record larger than the largest allowed: it was skipped without being held, and the segment is its
    /// first bytes only (<see cref="Error"/> says how large it was).
    /// </summary>
    public bool IsTooLarge { get; init; }
}

/// <summary>Where a window of an object starts: records before it, its byte offset and its line.</summary>
/// <param name="Ordinal">Records (segments) before the window.</param>
/// <param name="ByteOffset">Offset of the window's first byte in the (decompressed) object.</param>
/// <param name="Line">1-based line of the window's first byte.</param>
internal readonly record struct WindowStart(int Ordinal, long ByteOffset, int Line);
