using Parquet.Serialization.Attributes;

namespace Analytics.Schemas;

/// <summary>
/// Marks a timestamp column: INT64 TIMESTAMP(MILLIS), adjusted to UTC, which Athena engine v3 reads
/// (Parquet.Net's default, INT96, overflows there).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TsAttribute() : ParquetTimestampAttribute(ParquetTimestampResolution.Milliseconds, true, true);
