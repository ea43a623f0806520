using System.Globalization;

namespace Analytics.Query.Catalog;

/// <summary>Turns the <c>name=value</c> texts a user gives into validated, typed values for one query.</summary>
internal static class ParameterParser
{
    /// <summary>Longest string value accepted: far above any ARN or name, far below anything that hurts.</summary>
    public const int MaxStringLength = 4096;

    /// <summary>
    /// Validates <paramref name="given"/> against <paramref name="query"/>'s parameters and returns a value for
    /// every parameter (defaults applied, absent optional ones null). Every problem is listed in one
    /// <see cref="ArgumentException"/>, each naming the parameter, the value and what was expected.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is unknown, missing, given twice or invalid.</exception>
    public static IReadOnlyDictionary<string, ParameterValue> Parse(CatalogQuery query, IEnumerable<KeyValuePair<string, string>> given)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(given);
        var errors = new List<string>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in given)
        {
            if (query.Parameter(name) is null)
                errors.Add($"unknown parameter '{name}' for {query.Name}; it takes: {string.Join(", ", query.Parameters.Select(p => p.Name))}");
            else if (!texts.TryAdd(name, text))
                errors.Add($"parameter '{name}' is given more than once");
        }
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        foreach (var parameter in query.Parameters)
        {
            var text = texts.GetValueOrDefault(parameter.Name) ?? parameter.Default;
            if (string.IsNullOrEmpty(text))
            {
                if (parameter.Required) errors.Add($"parameter '{parameter.Name}' is required: {parameter.Description} ({parameter.TypeName})");
                values[parameter.Name] = new ParameterValue(parameter, null);
                continue;
            }
            if (TryConvert(parameter, text, out var value, out var expected)) values[parameter.Name] = new ParameterValue(parameter, value);
            else errors.Add($"parameter '{parameter.Name}' is '{Shorten(text)}': expected {expected}");
        }
        if (values.GetValueOrDefault("from")?.Value is DateTime from && values.GetValueOrDefault("to")?.Value is DateTime to && from >= to)
            errors.Add($"parameter 'to' ({values["to"]}) must be after 'from' ({values["from"]}): the window is [from, to)");
        if (errors.Count > 0) throw new ArgumentException($"Invalid parameters for {query.Name}:\n  " + string.Join("\n  ", errors));
        return values;
    }

    /// <summary>Converts one value; false with what was expected when it does not fit.</summary>
    public static bool TryConvert(QueryParameter parameter, string text, out object? value, out string expected)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        expected = parameter.Kind switch
        {
            ParameterKind.Timestamp => "an ISO 8601 timestamp such as 2026-11-02T14:00:00Z (no offset means UTC)",
            ParameterKind.Date => "a date yyyy-MM-dd",
            ParameterKind.Integer when parameter.Min is not null && parameter.Max is not null => string.Create(CultureInfo.InvariantCulture, $"a whole number from {parameter.Min} to {parameter.Max}"),
            ParameterKind.Integer => "a whole number",
            ParameterKind.Enum => "one of " + string.Join(", ", parameter.Choices),
            ParameterKind.String or ParameterKind.List => $"text of at most {MaxStringLength} characters",
            _ => "a value",
        };
        switch (parameter.Kind)
        {
            case ParameterKind.Timestamp:
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var instant)
                    || !text.Trim().StartsWith(instant.Year.ToString("D4", CultureInfo.InvariantCulture), StringComparison.Ordinal))
                    return false;
                // Athena keeps milliseconds; finer digits would make the two engines disagree at the edge.
                var utc = instant.UtcDateTime;
                value = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
                return true;
            case ParameterKind.Date:
                if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return false;
                value = date;
                return true;
            case ParameterKind.Integer:
                if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return false;
                if (number < parameter.Min || number > parameter.Max) return false;
                value = number;
                return true;
            case ParameterKind.Enum:
                var choice = parameter.Choices.FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
                value = choice;
                return choice is not null;
            case ParameterKind.String:
                if (text.Length > MaxStringLength) return false;
                value = text;
                return true;
            case ParameterKind.List:
                if (text.Length > MaxStringLength) return false;
                var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                value = items.Length == 0 ? null : items;
                return true;
            default:
                return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "…";
}
