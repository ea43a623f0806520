using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Serialization;
using Analytics.Schemas;
using Parquet;
using Parquet.Schema;

namespace Analytics.Ingest.Lake.Writing;

/// <summary>
/// Writes a table's rows through Parquet.Net's column API: each column's values (with definition and
/// repetition levels for lists) are gathered into typed arrays and written at once, skipping the class
/// serializer's per-object striping. Handles plain columns, lists of values, lists of structs of values and
/// maps of strings: every table of the contract. The file is the same as the serializer's (same schema,
/// values and levels; tests compare them).
/// </summary>
/// <typeparam name="TRow">The row class.</typeparam>
internal static class ColumnarRowWriter<TRow> where TRow : LakeRow
{
    private static readonly ParquetSchema Schema = TableCatalog.ForRowType(typeof(TRow)).ParquetSchema;
    private static readonly Column[]? Columns = Build();

    /// <summary>True when every column of the table is a value, a list of values, a list of structs of values or a map of strings.</summary>
    public static bool Supported => Columns is not null;

    /// <summary>Opens a writer on <paramref name="stream"/>: a new file when it is empty, else appending row groups to the file it holds.</summary>
    /// <exception cref="NotSupportedException">The table has a column this writer does not handle (see <see cref="Supported"/>).</exception>
    public static Task<ParquetWriter> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _ = SupportedColumns();
        var append = stream.Length > 0;
        return ParquetWriter.CreateAsync(Schema, stream, ParquetSettings.Create(append, Schema), append, cancellationToken);
    }

    /// <summary>Writes <paramref name="rows"/> as one row group through a writer from <see cref="OpenAsync"/>.</summary>
    public static async Task WriteRowGroupAsync(ParquetWriter writer, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        var columns = SupportedColumns();
        using var group = writer.CreateRowGroup();
        foreach (var column in columns) await column.WriteAsync(group, rows, cancellationToken).ConfigureAwait(false);
    }

    private static Column[] SupportedColumns() =>
        Columns ?? throw new NotSupportedException($"{typeof(TRow).Name} has a column the columnar writer does not handle.");

    /// <summary>Appends <paramref name="rows"/> as one row group to <paramref name="stream"/> (a new file when it is empty) and closes the file.</summary>
    public static async Task WriteAsync(IReadOnlyList<TRow> rows, Stream stream, CancellationToken cancellationToken)
    {
        await using var writer = await OpenAsync(stream, cancellationToken).ConfigureAwait(false);
        await WriteRowGroupAsync(writer, rows, cancellationToken).ConfigureAwait(false);
    }

    private static Column[]? Build()
    {
        var properties = PropertiesByColumn(typeof(TRow));
        var columns = new List<Column>();
        foreach (var field in Schema.Fields)
        {
            var property = properties[field.Name];
            switch (field)
            {
                case DataField data when property.DeclaringType == typeof(RawLakeRow) && property.Name == nameof(RawLakeRow.RawEvent):
                    columns.Add(new RawJsonColumn(data));
                    break;
                case DataField data when data.MaxRepetitionLevel == 0:
                    columns.Add(Plain(data, property));
                    break;
                case ListField { Item: DataField item } list:
                    columns.Add(ListOf(list, item, property, elementProperty: null));
                    break;
                case MapField { Key: DataField key, Value: DataField value } map when property.PropertyType == typeof(Dictionary<string, string>):
                    columns.Add(new StringMapColumn(map, key, property, isKey: true));
                    columns.Add(new StringMapColumn(map, value, property, isKey: false));
                    break;
                case ListField { Item: StructField element } list when element.Fields.All(f => f is DataField):
                    var elementType = property.PropertyType.GetGenericArguments()[0];
                    var elementProperties = PropertiesByColumn(elementType);
                    columns.AddRange(element.Fields.Cast<DataField>().Select(leaf => ListOf(list, leaf, property, elementProperties[leaf.Name], elementNullable: element.IsNullable)));
                    break;
                default:
                    return null;
            }
        }
        return [.. columns];
    }

    private static Dictionary<string, PropertyInfo> PropertiesByColumn(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, StringComparer.Ordinal);

    private static Column Plain(DataField field, PropertyInfo property)
    {
        var type = property.PropertyType;
        var kind = type == typeof(string) ? typeof(StringColumn)
            : Nullable.GetUnderlyingType(type) is { } inner ? typeof(NullableColumn<>).MakeGenericType(typeof(TRow), inner)
            : typeof(ValueColumn<>).MakeGenericType(typeof(TRow), type);
        return (Column)Activator.CreateInstance(kind, field, property)!;
    }

    private static Column ListOf(ListField list, DataField leaf, PropertyInfo listProperty, PropertyInfo? elementProperty, bool elementNullable = false)
    {
        var elementType = listProperty.PropertyType.GetGenericArguments()[0];
        var valueType = elementProperty?.PropertyType ?? elementType;
        var raw = valueType == typeof(string) ? typeof(ReadOnlyMemory<char>) : Nullable.GetUnderlyingType(valueType) ?? valueType;
        return (Column)Activator.CreateInstance(typeof(ListColumn<,,>).MakeGenericType(typeof(TRow), elementType, valueType, raw),
            list, leaf, listProperty, elementProperty, elementNullable)!;
    }

    private abstract class Column
    {
        public abstract Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken);
    }

    private sealed class StringColumn(DataField field, PropertyInfo property) : Column
    {
        private readonly Func<TRow, string?> _get = property.GetMethod!.CreateDelegate<Func<TRow, string?>>();

        public override async Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            using var column = new PackedColumn<ReadOnlyMemory<char>>(field, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                if (_get(rows[i]) is { } value) column.Add(value.AsMemory());
                else column.AddNull();
            }
            await column.WriteAsync(group, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A top-level column's non-null values and definition levels, in arrays rented here and cleared when
    /// returned. Parquet.Net's overloads for nullable values pack them into pooled arrays that go back to the
    /// shared pool uncleared, so those arrays kept earlier row groups' strings and raw events reachable: about
    /// 35 MB more peak on the ingest benchmark once raw_event's values were the rows' own byte arrays.
    /// </summary>
    private sealed class PackedColumn<T> : IDisposable where T : struct
    {
        private readonly DataField _field;
        private readonly T[] _values;
        private readonly int[]? _levels;
        private int _count;
        private int _rows;

        public PackedColumn(DataField field, int rows)
        {
            if (field.MaxRepetitionLevel != 0) throw new NotSupportedException($"{field.Name} is not a top-level column.");
            _field = field;
            _values = System.Buffers.ArrayPool<T>.Shared.Rent(rows);
            _levels = field.MaxDefinitionLevel > 0 ? System.Buffers.ArrayPool<int>.Shared.Rent(rows) : null;
        }

        public void Add(T value)
        {
            _values[_count++] = value;
            if (_levels is not null) _levels[_rows] = _field.MaxDefinitionLevel;
            _rows++;
        }

        public void AddNull()
        {
            if (_levels is null) throw new InvalidOperationException($"{_field.Name} is required: a row has no value for it.");
            _levels[_rows++] = _field.MaxDefinitionLevel - 1;
        }

        public Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken) =>
            group.WriteAllPartsAsync<T>(_field, _values.AsMemory(0, _count), _levels?.AsMemory(0, _rows), null, cancellationToken);

        public void Dispose()
        {
            System.Buffers.ArrayPool<T>.Shared.Return(_values, clearArray: System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<T>());
            if (_levels is not null) System.Buffers.ArrayPool<int>.Shared.Return(_levels);
        }
    }

    /// <summary>
    /// raw_event goes to Parquet.Net as the UTF-8 bytes ingest read (the splitter has checked they are UTF-8),
    /// not decoded to UTF-16 here and encoded back there. The file's column stays a UTF-8 string: the values
    /// are written through a byte-array twin of the field, which Parquet.Net accepts because a row group's
    /// column is matched by name and a byte array is stored exactly as a string's UTF-8. Parquet.Net keeps no
    /// min/max for byte values: for this column they were two whole events per row group, useless to a reader.
    /// </summary>
    private sealed class RawJsonColumn(DataField field) : Column
    {
        private const int ChunkBytes = 1 << 20;

        private readonly DataField _bytes = Twin(field);

        private static DataField Twin(DataField field)
        {
            if (field.Path.ToList().Count != 1) throw new NotSupportedException($"{field.Name} must be a top-level string column.");
            var twin = new DataField(field.Name, typeof(byte[]), field.IsNullable);
            _ = new ParquetSchema(twin); // attaches it, giving it the same levels as the top-level string
            return twin;
        }

        public override async Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            // Rows set as text (API observations) are encoded into pooled chunks.
            var chunks = new List<byte[]>();
            try
            {
                using var column = new PackedColumn<ReadOnlyMemory<byte>>(_bytes, rows.Count);
                var chunk = Array.Empty<byte>();
                var used = 0;
                for (var i = 0; i < rows.Count; i++)
                {
                    var raw = (RawLakeRow)(object)rows[i];
                    if (raw.TryGetRawEventUtf8(out var utf8))
                    {
                        column.Add(utf8);
                        continue;
                    }
                    var text = raw.RawEvent;
                    var length = System.Text.Encoding.UTF8.GetByteCount(text);
                    if (chunk.Length - used < length)
                    {
                        chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(ChunkBytes, length));
                        chunks.Add(chunk);
                        used = 0;
                    }
                    column.Add(chunk.AsMemory(used, System.Text.Encoding.UTF8.GetBytes(text, chunk.AsSpan(used))));
                    used += length;
                }
                await column.WriteAsync(group, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var chunk in chunks) System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
            }
        }
    }

    private sealed class NullableColumn<T>(DataField field, PropertyInfo property) : Column where T : struct
    {
        private readonly Func<TRow, T?> _get = property.GetMethod!.CreateDelegate<Func<TRow, T?>>();

        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            var values = new T?[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = _get(rows[i]);
            return group.WriteAsync<T>(field, values, null, null, cancellationToken);
        }
    }

    private sealed class ValueColumn<T>(DataField field, PropertyInfo property) : Column where T : struct
    {
        private readonly Func<TRow, T> _get = property.GetMethod!.CreateDelegate<Func<TRow, T>>();

        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            var values = new T[rows.Count];
            for (var i = 0; i < values.Length; i++) values[i] = _get(rows[i]);
            return field.IsNullable
                ? group.WriteAsync<T>(field, values.Select(v => (T?)v).ToArray(), null, null, cancellationToken)
                : group.WriteAsync<T>(field, values, null, null, cancellationToken);
        }
    }

    /// <summary>
    /// One leaf of a list column: a list of values, or one field of a list of structs. Levels, per RFC of the
    /// Parquet format: a null list has definition level 0, an empty list the list's own level, a null element
    /// or a null field the level above theirs, a value the leaf's maximum; each row's first entry has repetition
    /// level 0, the others 1. Only present values are written. Every access is a typed delegate: no boxing.
    /// </summary>
    /// <typeparam name="TElement">The list's element type.</typeparam>
    /// <typeparam name="TValue">The leaf's type in the row class: the element itself, or one of its properties.</typeparam>
    /// <typeparam name="T">The leaf's type for Parquet.Net: <see cref="ReadOnlyMemory{T}"/> of char for a string, the underlying type of a nullable.</typeparam>
    private sealed class ListColumn<TElement, TValue, T> : Column where T : struct
    {
        private readonly ListField _list;
        private readonly DataField _leaf;
        private readonly bool _elementNullable;
        private readonly Func<TRow, IReadOnlyList<TElement>?> _items;
        private readonly Func<TElement, TValue> _value;
        private static readonly Func<TValue, bool> Present = Converters.Present<TValue>();
        private static readonly Func<TValue, T> Raw = Converters.Raw<TValue, T>();

        public ListColumn(ListField list, DataField leaf, PropertyInfo listProperty, PropertyInfo? elementProperty, bool elementNullable)
        {
            _list = list;
            _leaf = leaf;
            _elementNullable = elementNullable;
            var row = Expression.Parameter(typeof(TRow));
            _items = Expression.Lambda<Func<TRow, IReadOnlyList<TElement>?>>(Expression.Convert(Expression.Property(row, listProperty), typeof(IReadOnlyList<TElement>)), row).Compile();
            _value = elementProperty is null ? (Func<TElement, TValue>)(object)(Func<TElement, TElement>)(e => e) : elementProperty.GetMethod!.CreateDelegate<Func<TElement, TValue>>();
        }

        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            var listLevel = _list.IsNullable ? 1 : 0;
            var elementLevel = listLevel + 1 + (_elementNullable ? 1 : 0);
            var values = new List<T>(rows.Count * 2);
            var definitions = new List<int>(rows.Count * 2);
            var repetitions = new List<int>(rows.Count * 2);
            foreach (var row in rows)
            {
                var items = _items(row);
                if (items is null || items.Count == 0)
                {
                    definitions.Add(items is null ? 0 : listLevel);
                    repetitions.Add(0);
                    continue;
                }
                for (var k = 0; k < items.Count; k++)
                {
                    repetitions.Add(k == 0 ? 0 : 1);
                    var element = items[k];
                    if (element is null)
                    {
                        definitions.Add(listLevel + 1);
                        continue;
                    }
                    var value = _value(element);
                    if (!Present(value))
                    {
                        definitions.Add(elementLevel);
                        continue;
                    }
                    definitions.Add(_leaf.MaxDefinitionLevel);
                    values.Add(Raw(value));
                }
            }
            return group.WriteAllPartsAsync<T>(_leaf, values.ToArray(), definitions.ToArray(), repetitions.ToArray(), cancellationToken);
        }
    }

    /// <summary>
    /// The key or the value leaf of a map of strings. Levels as for a list of structs whose entries are never
    /// null: a null map 0, an empty map the map's own level, a null value the entry's level, a key or a present
    /// value the leaf's maximum. Entries in the dictionary's order, as the class serializer writes them.
    /// </summary>
    private sealed class StringMapColumn(MapField map, DataField leaf, PropertyInfo property, bool isKey) : Column
    {
        private readonly Func<TRow, Dictionary<string, string>?> _map = property.GetMethod!.CreateDelegate<Func<TRow, Dictionary<string, string>?>>();

        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        {
            var mapLevel = map.IsNullable ? 1 : 0;
            var values = new List<ReadOnlyMemory<char>>(rows.Count);
            var definitions = new List<int>(rows.Count);
            var repetitions = new List<int>(rows.Count);
            foreach (var row in rows)
            {
                var entries = _map(row);
                if (entries is null || entries.Count == 0)
                {
                    definitions.Add(entries is null ? 0 : mapLevel);
                    repetitions.Add(0);
                    continue;
                }
                var first = true;
                foreach (var (key, value) in entries)
                {
                    repetitions.Add(first ? 0 : 1);
                    first = false;
                    var text = isKey ? key : value;
                    definitions.Add(text is null ? mapLevel + 1 : leaf.MaxDefinitionLevel);
                    if (text is not null) values.Add(text.AsMemory());
                }
            }
            return group.WriteAllPartsAsync<ReadOnlyMemory<char>>(leaf, values.ToArray(), definitions.ToArray(), repetitions.ToArray(), cancellationToken);
        }
    }

    /// <summary>Typed conversions from a row class's value to what Parquet.Net takes.</summary>
    private static class Converters
    {
        public static Func<TValue, bool> Present<TValue>() =>
            (Func<TValue, bool>)(Nullable.GetUnderlyingType(typeof(TValue)) is { } inner
                ? typeof(Converters).GetMethod(nameof(HasValue), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(inner).CreateDelegate(typeof(Func<TValue, bool>))
                : typeof(TValue).IsValueType ? (Func<TValue, bool>)(_ => true) : (Func<TValue, bool>)(v => v is not null));

        public static Func<TValue, T> Raw<TValue, T>() =>
            typeof(TValue) == typeof(string) ? (Func<TValue, T>)(object)(Func<string, ReadOnlyMemory<char>>)(s => s.AsMemory())
            : typeof(TValue) == typeof(T) ? (Func<TValue, T>)(object)(Func<T, T>)(v => v)
            : (Func<TValue, T>)typeof(Converters).GetMethod(nameof(ValueOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(typeof(T)).CreateDelegate(typeof(Func<TValue, T>));

        private static bool HasValue<TInner>(TInner? value) where TInner : struct => value.HasValue;

        private static TInner ValueOf<TInner>(TInner? value) where TInner : struct => value.GetValueOrDefault();
    }
}
