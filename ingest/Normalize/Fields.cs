using System.Globalization;
using System.Text.Json;

namespace Analytics.Ingest.Normalize;

/// <summary>
/// Typed access to a record's fields. Every getter names the field's JSON path, so a record with a
/// missing or mistyped field is rejected with a message that says which field and what was expected.
/// </summary>
internal readonly struct Fields
{
    // An array element's path ("detail.containers[2]") is only spelled out for an error message.
    private readonly string _path;
    private readonly int _index;

    /// <summary>Reads <paramref name="element"/>.</summary>
    /// <param name="element">The object to read.</param>
    /// <param name="path">Its JSON path in the record, e.g. <c>detail</c>; empty at the root.</param>
    public Fields(JsonElement element, string path) : this(element, path, -1) { }

    private Fields(JsonElement element, string path, int index)
    {
        Element = element;
        _path = path;
        _index = index;
    }

    /// <summary>The object read.</summary>
    public JsonElement Element { get; }

    private string Path => _index < 0 ? _path : $"{_path}[{_index}]";

    private string PathOf(string name) => Path is { Length: > 0 } path ? $"{path}.{name}" : name;

    /// <summary>True when the field exists and is not null.</summary>
    public bool Has(string name) => Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>A required string.</summary>
    public string String(string name) =>
        OptionalString(name) ?? throw RecordRejectedException.InvalidField(PathOf(name), "a string", "nothing (missing)");

    /// <summary>A required non-empty string.</summary>
    public string NonEmptyString(string name)
    {
        var value = String(name);
        return value.Length > 0 ? value : throw RecordRejectedException.InvalidField(PathOf(name), "a non-empty string", "an empty string");
    }

    /// <summary>An optional string; null when absent or null. Numbers and booleans are rejected.</summary>
    public string? OptionalString(string name)
    {
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? JsonStrings.Get(v) : throw RecordRejectedException.InvalidField(PathOf(name), "a string", Describe(v));
    }

    /// <summary>An optional string; empty strings read as null.</summary>
    public string? OptionalNonEmptyString(string name)
    {
        var value = OptionalString(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>A required integer (a JSON number, or a string holding one, as ECS writes cpu and memory).</summary>
    public long Int64(string name) =>
        OptionalInt64(name) ?? throw RecordRejectedException.InvalidField(PathOf(name), "an integer", "nothing (missing)");

    /// <summary>An optional integer (number or numeric string).</summary>
    public long? OptionalInt64(string name)
    {
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)) return n;
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n)) return n;
        throw RecordRejectedException.InvalidField(PathOf(name), "an integer", Describe(v));
    }

    /// <summary>An optional 32-bit integer (number or numeric string).</summary>
    public int? OptionalInt32(string name)
    {
        var value = OptionalInt64(name);
        if (value is null) return null;
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : throw RecordRejectedException.InvalidField(PathOf(name), "a 32-bit integer", value.Value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>An optional boolean (true/false, or the strings "true"/"false" as Health writes them).</summary>
    public bool? OptionalBool(string name)
    {
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => b,
            _ => throw RecordRejectedException.InvalidField(PathOf(name), "a boolean", Describe(v)),
        };
    }

    /// <summary>A required timestamp (ISO 8601, RFC 1123 or epoch seconds).</summary>
    public DateTime Timestamp(string name) =>
        OptionalTimestamp(name) ?? throw RecordRejectedException.InvalidField(PathOf(name), "a timestamp", "nothing (missing)");

    /// <summary>An optional timestamp.</summary>
    public DateTime? OptionalTimestamp(string name)
    {
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return Timestamps.TryParse(v, out var t)
            ? t
            : throw RecordRejectedException.InvalidField(PathOf(name), "a timestamp (ISO 8601, RFC 1123 or epoch seconds)", Describe(v));
    }

    /// <summary>A required object.</summary>
    public Fields Object(string name) =>
        OptionalObject(name) ?? throw RecordRejectedException.InvalidField(PathOf(name), "an object", "nothing (missing)");

    /// <summary>An optional object.</summary>
    public Fields? OptionalObject(string name)
    {
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Object ? new Fields(v, PathOf(name)) : throw RecordRejectedException.InvalidField(PathOf(name), "an object", Describe(v));
    }

    /// <summary>The elements of an optional array (empty when absent), each with its path.</summary>
    public IEnumerable<(JsonElement Value, string Path)> Array(string name)
    {
        if (OptionalArray(name) is not { } array) return [];
        var basePath = PathOf(name);
        return array.EnumerateArray().Select((e, i) => (e, $"{basePath}[{i}]"));
    }

    /// <summary>The elements of an optional array that must be objects.</summary>
    public List<Fields> Objects(string name)
    {
        if (OptionalArray(name) is not { } array) return [];
        var path = PathOf(name);
        var objects = new List<Fields>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            objects.Add(element.ValueKind == JsonValueKind.Object
                ? new Fields(element, path, objects.Count)
                : throw RecordRejectedException.InvalidField($"{path}[{objects.Count}]", "an object", Describe(element)));
        }
        return objects;
    }

    /// <summary>An optional array of strings; null when absent.</summary>
    public List<string>? OptionalStrings(string name)
    {
        if (OptionalArray(name) is not { } array) return null;
        var strings = new List<string>(array.GetArrayLength());
        foreach (var element in array.EnumerateArray())
        {
            strings.Add(element.ValueKind == JsonValueKind.String
                ? JsonStrings.Get(element)
                : throw RecordRejectedException.InvalidField($"{PathOf(name)}[{strings.Count}]", "a string", Describe(element)));
        }
        return strings;
    }

    private JsonElement? OptionalArray(string name)
    {
        if (!Element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.Array ? v : throw RecordRejectedException.InvalidField(PathOf(name), "an array", Describe(v));
    }

    /// <summary>Describes a JSON value for an error message: its kind and a short excerpt.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Excerpt(value.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {Excerpt(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    private static string Excerpt(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
