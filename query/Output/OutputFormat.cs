namespace Analytics.Query.Output;

/// <summary>How a result is written.</summary>
internal enum OutputFormat
{
    /// <summary>Aligned columns for a terminal.</summary>
    Table,
    /// <summary>RFC 4180: header row, CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled.</summary>
    Csv,
    /// <summary>A JSON array of row objects keyed by column name.</summary>
    Json,
    /// <summary>A Markdown (GitHub) table.</summary>
    Markdown,
    /// <summary>Arrow IPC file format.</summary>
    Arrow,
    /// <summary>A Parquet file (ZSTD; timestamps INT64 millis UTC), for BI tools.</summary>
    Parquet,
}
