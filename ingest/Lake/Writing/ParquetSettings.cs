using System.IO.Compression;
using Parquet;
using Parquet.Schema;

namespace Analytics.Ingest.Lake.Writing;

/// <summary>How the lake's Parquet files are written.</summary>
internal static class ParquetSettings
{
    /// <summary>
    /// ZSTD at <see cref="CompressionLevel.Fastest"/>: Parquet.Net's default level (SmallestSize) runs at about
    /// 1 MB/s, while Fastest is two orders of magnitude faster for files barely larger.
    /// <para>
    /// Given the table's <paramref name="schema"/>, every string column but raw_event and record_id may be
    /// dictionary-encoded (Parquet.Net encodes none unless told, column by column): a column chunk is when it keeps
    /// under 80% distinct values, and a chunk of more than 4,096 values (compaction's) must first have under 80% in
    /// its first 4,096. source_object, account_id, region, cluster and status columns repeat a few values over
    /// thousands of rows, so their pages shrink to a dictionary and bit-packed indexes: on the ingest benchmark the
    /// uncompressed column data falls from 1.35 to 0.89 GB (less to compress) and readers filter on dictionary ids.
    /// raw_event and record_id (the dedupe key) are unique per row: hashing them would be wasted.
    /// </para>
    /// <para>
    /// Ingest's row groups hold about 1,400 rows. With a sample of 1,000 (as before) each chunk was hashed almost
    /// twice, sample then whole, and the sample's table allocated again: the benchmark's run allocated 4.1 GB
    /// against 3.8 GB now, for the same files byte for byte (time within the machine's noise over 8 paired runs).
    /// </para>
    /// </summary>
    public static ParquetOptions Create(bool append, ParquetSchema? schema = null)
    {
        var options = new ParquetOptions
        {
            CompressionMethod = CompressionMethod.Zstd,
            CompressionLevel = CompressionLevel.Fastest,
            DictionaryEncodingSampleSize = 4096,
            Append = append,
        };
        foreach (var field in schema?.GetDataFields() ?? [])
        {
            if (field.ClrType == typeof(ReadOnlyMemory<char>) || field.ClrType == typeof(string))
                if (field.Path.ToList() is not ([Analytics.Schemas.LakeRow.RawEventColumn] or [Analytics.Schemas.LakeRow.RecordIdColumn])) options.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.Dictionary;
        }
        return options;
    }
}
