using System.IO.Compression;
using Parquet;

namespace Analytics.Ingest.Lake;

/// <summary>How the lake's Parquet files are written.</summary>
public static class ParquetSettings
{
    /// <summary>
    /// ZSTD at <see cref="CompressionLevel.Fastest"/>: Parquet.Net's default level (SmallestSize) runs at about
    /// 1 MB/s, while Fastest is two orders of magnitude faster for files barely larger. Whether a string column
    /// is dictionary-encoded is decided on its first 1,000 values: by default Parquet.Net counts the distinct
    /// values of the whole column chunk, which for raw_event means hashing every event's JSON (a third of the
    /// time spent writing that column).
    /// </summary>
    public static ParquetOptions Create(bool append) => new()
    {
        CompressionMethod = CompressionMethod.Zstd,
        CompressionLevel = CompressionLevel.Fastest,
        DictionaryEncodingSampleSize = 1000,
        Append = append,
    };
}
