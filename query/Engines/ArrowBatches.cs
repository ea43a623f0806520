using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Analytics.Query.Engines;

/// <summary>
/// Reads a data reader's rows into Arrow record batches. Types: text to utf8, booleans, 8–64-bit integers
/// to int64 (int32 stays int32), 128-bit integers to int64 when they fit, decimals and floats to double,
/// timestamps to timestamp[ms, UTC], dates to date32, lists to list&lt;utf8&gt;, anything else to its text.
/// </summary>
internal static class ArrowBatches
{
    /// <summary>Rows per batch.</summary>
    public const int BatchRows = 8192;

    /// <summary>The Arrow schema for the reader's columns.</summary>
    public static Schema SchemaOf(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var builder = new Schema.Builder();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var type = TypeOf(reader.GetFieldType(i));
            var name = reader.GetName(i);
            builder.Field(f => f.Name(name).DataType(type).Nullable(true));
        }
        return builder.Build();
    }

    /// <summary>The rows, <see cref="BatchRows"/> at a time. At least one batch, empty when there are no rows.</summary>
    public static async IAsyncEnumerable<RecordBatch> ReadAsync(DbDataReader reader, Schema schema, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(schema);
        var any = false;
        while (true)
        {
            var columns = schema.FieldsList.Select(f => Column.For(f.DataType)).ToArray();
            var rows = 0;
            while (rows < BatchRows && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < columns.Length; i++) columns[i].Append(reader.IsDBNull(i) ? null : reader.GetValue(i));
                rows++;
            }
            if (rows == 0 && any) yield break;
            any = true;
            yield return new RecordBatch(schema, columns.Select(c => c.Build()), rows);
            if (rows < BatchRows) yield break;
        }
    }

    /// <summary>An Arrow array of <paramref name="type"/> holding <paramref name="values"/> (CLR values as <see cref="Cells.Value"/> returns them).</summary>
    public static IArrowArray Build(IArrowType type, IEnumerable<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var column = Column.For(type);
        foreach (var value in values) column.Append(value);
        return column.Build();
    }

    private static IArrowType TypeOf(Type clr)
    {
        if (clr == typeof(string)) return StringType.Default;
        if (clr == typeof(bool)) return BooleanType.Default;
        if (clr == typeof(int) || clr == typeof(short) || clr == typeof(sbyte) || clr == typeof(byte) || clr == typeof(ushort)) return Int32Type.Default;
        if (clr == typeof(long) || clr == typeof(uint) || clr == typeof(ulong) || clr == typeof(BigInteger)) return Int64Type.Default;
        if (clr == typeof(double) || clr == typeof(float) || clr == typeof(decimal)) return DoubleType.Default;
        if (clr == typeof(DateTime) || clr == typeof(DateTimeOffset)) return new TimestampType(TimeUnit.Millisecond, "UTC");
        if (clr == typeof(DateOnly)) return Date32Type.Default;
        if (clr != typeof(string) && typeof(IEnumerable).IsAssignableFrom(clr)) return new ListType(StringType.Default);
        return StringType.Default;
    }

    private abstract class Column
    {
        public abstract void Append(object? value);
        public abstract IArrowArray Build();

        public static Column For(IArrowType type) => type switch
        {
            StringType => new Of<StringArray.Builder>(new(), (b, v) => b.Append(Cells.Text(v)), b => b.AppendNull(), b => b.Build()),
            BooleanType => new Of<BooleanArray.Builder>(new(), (b, v) => b.Append((bool)v), b => b.AppendNull(), b => b.Build()),
            Int32Type => new Of<Int32Array.Builder>(new(), (b, v) => b.Append(Convert.ToInt32(v, CultureInfo.InvariantCulture)), b => b.AppendNull(), b => b.Build()),
            Int64Type => new Of<Int64Array.Builder>(new(), (b, v) => b.Append(v is BigInteger big ? (long)big : Convert.ToInt64(v, CultureInfo.InvariantCulture)), b => b.AppendNull(), b => b.Build()),
            DoubleType => new Of<DoubleArray.Builder>(new(), (b, v) => b.Append(Convert.ToDouble(v, CultureInfo.InvariantCulture)), b => b.AppendNull(), b => b.Build()),
            TimestampType t => new Of<TimestampArray.Builder>(new(t), (b, v) => b.Append(v is DateTimeOffset o ? o : new DateTimeOffset(DateTime.SpecifyKind((DateTime)v, DateTimeKind.Utc))), b => b.AppendNull(), b => b.Build()),
            Date32Type => new Of<Date32Array.Builder>(new(), (b, v) => b.Append(v is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : (DateTime)v), b => b.AppendNull(), b => b.Build()),
            ListType => new Of<ListArray.Builder>(new(StringType.Default), AppendList, b => b.AppendNull(), b => b.Build()),
            _ => throw new NotSupportedException($"No Arrow column for {type.Name}."),
        };

        private static void AppendList(ListArray.Builder builder, object value)
        {
            builder.Append();
            var items = (StringArray.Builder)builder.ValueBuilder;
            foreach (var item in (IEnumerable)value)
            {
                if (item is null) items.AppendNull();
                else items.Append(Cells.Text(item));
            }
        }

        private sealed class Of<TBuilder>(TBuilder builder, Action<TBuilder, object> append, Action<TBuilder> appendNull, Func<TBuilder, IArrowArray> build) : Column
        {
            public override void Append(object? value)
            {
                if (value is null) appendNull(builder);
                else append(builder, value);
            }

            public override IArrowArray Build() => build(builder);
        }
    }
}
