using System.Runtime.CompilerServices;
using System.Text;
using Apache.Arrow;

namespace Analytics.Query.Engines;

/// <summary>
/// Reads the CSV file Athena writes to the output location for a SELECT: RFC 4180, a header row, every value in double
/// quotes (quotes doubled inside), a null as an empty field without quotes. Streams it into the record batches
/// <see cref="AthenaResults"/> builds from API pages, so a large result is read in one GET instead of 1,000-row pages.
/// </summary>
internal static class AthenaCsv
{
    /// <summary>The rows of <paramref name="csv"/> after its header, <see cref="ArrowBatches.BatchRows"/> per batch.</summary>
    public static async IAsyncEnumerable<RecordBatch> ReadAsync(Stream csv, Schema schema, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        ArgumentNullException.ThrowIfNull(schema);
        using var reader = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var fields = new Parser(reader);
        if (await fields.NextRecordAsync(cancellationToken).ConfigureAwait(false) is null) yield break; // the header
        var rows = new List<Aws.Athena.Row>(ArrowBatches.BatchRows);
        var any = false;
        while (await fields.NextRecordAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            rows.Add(new Aws.Athena.Row(record.Select(v => new Aws.Athena.Datum(v)).ToList()));
            if (rows.Count == ArrowBatches.BatchRows)
            {
                yield return AthenaResults.Batch(schema, rows, 0);
                any = true;
                rows.Clear();
            }
        }
        if (rows.Count > 0 || !any) yield return AthenaResults.Batch(schema, rows, 0);
    }

    // One record at a time: a field is null when it is empty and was not quoted.
    private sealed class Parser(TextReader reader)
    {
        private readonly char[] _buffer = new char[1 << 16];
        private int _length;
        private int _position;
        private readonly StringBuilder _field = new();

        private async ValueTask<int> PeekAsync(CancellationToken cancellationToken)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                _position = 0;
                if (_length == 0) return -1;
            }
            return _buffer[_position];
        }

        public async ValueTask<List<string?>?> NextRecordAsync(CancellationToken cancellationToken)
        {
            if (await PeekAsync(cancellationToken).ConfigureAwait(false) < 0) return null;
            var record = new List<string?>();
            while (true)
            {
                _field.Clear();
                var quoted = false;
                var c = await PeekAsync(cancellationToken).ConfigureAwait(false);
                if (c == '"')
                {
                    quoted = true;
                    _position++;
                    while (true)
                    {
                        c = await PeekAsync(cancellationToken).ConfigureAwait(false);
                        if (c < 0) throw new InvalidDataException("Athena's result CSV ends inside a quoted field.");
                        _position++;
                        if (c != '"')
                        {
                            _field.Append((char)c);
                            continue;
                        }
                        if (await PeekAsync(cancellationToken).ConfigureAwait(false) == '"')
                        {
                            _field.Append('"');
                            _position++;
                            continue;
                        }
                        break;
                    }
                    c = await PeekAsync(cancellationToken).ConfigureAwait(false);
                }
                while (c >= 0 && c is not (',' or '\n' or '\r'))
                {
                    _field.Append((char)c);
                    _position++;
                    c = await PeekAsync(cancellationToken).ConfigureAwait(false);
                }
                record.Add(quoted || _field.Length > 0 ? _field.ToString() : null);
                if (c == ',')
                {
                    _position++;
                    continue;
                }
                if (c == '\r')
                {
                    _position++;
                    if (await PeekAsync(cancellationToken).ConfigureAwait(false) == '\n') _position++;
                }
                else if (c == '\n') _position++;
                return record;
            }
        }
    }
}
