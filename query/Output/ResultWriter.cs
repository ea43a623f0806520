using System.Text;
using System.Text.Json;
using Analytics.Query.Engines;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Parquet;
using Parquet.Schema;

namespace Analytics.Query.Output;

/// <summary>Writes a query result in each output format, always from its Arrow batches.</summary>
internal static class ResultWriter
{
    /// <summary>Writes <paramref name="result"/> to <paramref name="output"/> as <paramref name="format"/>; returns the rows written.</summary>
    public static async Task<long> WriteAsync(QueryResult result, OutputFormat format, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        return format switch
        {
            OutputFormat.Arrow => await ArrowAsync(result, output, cancellationToken).ConfigureAwait(false),
            OutputFormat.Parquet => await ParquetAsync(result, output, cancellationToken).ConfigureAwait(false),
            OutputFormat.Json => await JsonAsync(result, output, cancellationToken).ConfigureAwait(false),
            _ => await TextAsync(result, format, output, cancellationToken).ConfigureAwait(false),
        };
    }

    private static async Task<long> ArrowAsync(QueryResult result, Stream output, CancellationToken cancellationToken)
    {
        using var writer = new ArrowFileWriter(output, result.Schema, leaveOpen: true);
        await writer.WriteStartAsync(cancellationToken).ConfigureAwait(false);
        long rows = 0;
        await foreach (var batch in result.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            using (batch)
            {
                await writer.WriteRecordBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                rows += batch.Length;
            }
        }
        await writer.WriteEndAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static async Task<long> JsonAsync(QueryResult result, Stream output, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        long rows = 0;
        var names = result.Schema.FieldsList.Select(f => JsonEncodedText.Encode(f.Name)).ToArray();
        await foreach (var batch in result.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            using (batch)
            {
                for (var r = 0; r < batch.Length; r++, rows++)
                {
                    json.WriteStartObject();
                    for (var c = 0; c < names.Length; c++)
                    {
                        json.WritePropertyName(names[c]);
                        WriteJsonValue(json, Cells.Value(batch.Column(c), r));
                    }
                    json.WriteEndObject();
                    if (json.BytesPending > 1 << 16) await json.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        json.WriteEndArray();
        await json.FlushAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case List<string?> items:
                json.WriteStartArray();
                foreach (var item in items) WriteJsonValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Cells.Text(value)); break;
        }
    }

    private static async Task<long> TextAsync(QueryResult result, OutputFormat format, Stream output, CancellationToken cancellationToken)
    {
        var names = result.Schema.FieldsList.Select(f => f.Name).ToArray();
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        long rows = 0;
        if (format == OutputFormat.Csv)
        {
            await writer.WriteAsync(string.Join(',', names.Select(Csv)) + "\r\n").ConfigureAwait(false);
            await foreach (var batch in result.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                using (batch)
                {
                    for (var r = 0; r < batch.Length; r++, rows++)
                        await writer.WriteAsync(string.Join(',', Enumerable.Range(0, names.Length).Select(c => Csv(Cells.Text(Cells.Value(batch.Column(c), r))))) + "\r\n").ConfigureAwait(false);
                }
            }
            return rows;
        }

        // Table and Markdown align their columns, so they read every row first.
        var table = new List<string[]>();
        await foreach (var batch in result.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            using (batch)
            {
                for (var r = 0; r < batch.Length; r++)
                    table.Add(Enumerable.Range(0, names.Length).Select(c => Cell(format, Cells.Display(Cells.Value(batch.Column(c), r)))).ToArray());
            }
        }
        var widths = names.Select((n, c) => Math.Max(n.Length, table.Count == 0 ? 0 : table.Max(row => row[c].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) => format == OutputFormat.Markdown
            ? "| " + string.Join(" | ", cells.Select((v, c) => v.PadRight(widths[c]))) + " |"
            : string.Join("  ", cells.Select((v, c) => v.PadRight(widths[c]))).TrimEnd();
        await writer.WriteLineAsync(Line(names)).ConfigureAwait(false);
        await writer.WriteLineAsync(format == OutputFormat.Markdown
            ? "|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|"
            : string.Join("  ", widths.Select(w => new string('-', w)))).ConfigureAwait(false);
        foreach (var row in table) await writer.WriteLineAsync(Line(row)).ConfigureAwait(false);
        if (format == OutputFormat.Table) await writer.WriteLineAsync($"({table.Count:N0} rows)").ConfigureAwait(false);
        return table.Count;
    }

    private static string Cell(OutputFormat format, string text)
    {
        var oneLine = text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
        return format == OutputFormat.Markdown ? oneLine.Replace("|", "\\|", StringComparison.Ordinal) : oneLine;
    }

    private static string Csv(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<long> ParquetAsync(QueryResult result, Stream output, CancellationToken cancellationToken)
    {
        var fields = result.Schema.FieldsList.Select(ParquetField).ToArray();
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, options, append: false, cancellationToken).ConfigureAwait(false);
        long rows = 0;
        await foreach (var batch in result.Batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            using (batch)
            {
                if (batch.Length == 0 && rows > 0) continue;
                using var group = writer.CreateRowGroup();
                for (var c = 0; c < fields.Length; c++)
                    await WriteColumnAsync(group, fields[c], batch.Column(c), batch.Length, cancellationToken).ConfigureAwait(false);
                rows += batch.Length;
            }
        }
        return rows;
    }

    private static DataField ParquetField(Apache.Arrow.Field field) => field.DataType switch
    {
        BooleanType => new DataField<bool?>(field.Name),
        Int32Type => new DataField<int?>(field.Name),
        Int64Type => new DataField<long?>(field.Name),
        DoubleType => new DataField<double?>(field.Name),
        TimestampType => new DateTimeDataField(field.Name, DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Millis, true),
        Date32Type => new DateTimeDataField(field.Name, DateTimeFormat.Date, false, null, true),
        // Lists go as their text: BI tools that read Parquet rarely read nested columns.
        _ => new DataField<string>(field.Name),
    };

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, IArrowArray array, int length, CancellationToken cancellationToken)
    {
        T?[] Values<T>() where T : struct => Enumerable.Range(0, length).Select(i => (T?)Cells.Value(array, i)).ToArray();
        switch (field)
        {
            case DateTimeDataField { DateTimeFormat: DateTimeFormat.Date }:
                await group.WriteAsync<DateTime>(field, Enumerable.Range(0, length).Select(i => ((DateOnly?)Cells.Value(array, i))?.ToDateTime(TimeOnly.MinValue)).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                break;
            case DateTimeDataField:
                await group.WriteAsync<DateTime>(field, Values<DateTime>(), null, null, cancellationToken).ConfigureAwait(false);
                break;
            case DataField<bool?>:
                await group.WriteAsync<bool>(field, Values<bool>(), null, null, cancellationToken).ConfigureAwait(false);
                break;
            case DataField<int?>:
                await group.WriteAsync<int>(field, Values<int>(), null, null, cancellationToken).ConfigureAwait(false);
                break;
            case DataField<long?>:
                await group.WriteAsync<long>(field, Values<long>(), null, null, cancellationToken).ConfigureAwait(false);
                break;
            case DataField<double?>:
                await group.WriteAsync<double>(field, Values<double>(), null, null, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await group.WriteAsync(field, Enumerable.Range(0, length).Select(i => Cells.Value(array, i) is { } v ? Cells.Text(v) : null).ToArray()!, null).ConfigureAwait(false);
                break;
        }
    }
}
