using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Query.Catalog;

/// <summary>
/// One named query of the catalog: a <c>.sql</c> file in Athena's dialect (Trino) whose header declares
/// its description and parameters:
/// <code>
/// -- Task stops by stop code, reason family and exit code, per service.
/// --
/// -- @param from     timestamp        required     Start of the window (UTC, inclusive)
/// -- @param minutes  integer          default 10   Minutes after start that count as a crash
/// -- @param unit     enum(day|week)   default week Bucket size
/// </code>
/// </summary>
internal sealed partial class CatalogQuery
{
    private CatalogQuery(string name, string description, IReadOnlyList<QueryParameter> parameters, string sql, SqlTemplate template)
    {
        Name = name;
        Description = description;
        Parameters = parameters;
        Sql = sql;
        Template = template;
    }

    /// <summary>The name, from the file name.</summary>
    public string Name { get; }

    /// <summary>What it answers: the header's comment lines before the parameters.</summary>
    public string Description { get; }

    /// <summary>The declared parameters, in header order.</summary>
    public IReadOnlyList<QueryParameter> Parameters { get; }

    /// <summary>The file's SQL, header included (it is comments).</summary>
    public string Sql { get; }

    /// <summary>The SQL cut at its markers.</summary>
    public SqlTemplate Template { get; }

    /// <summary>The parameter called <paramref name="name"/>, or null.</summary>
    public QueryParameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Reads a query file's text.</summary>
    /// <exception cref="FormatException">The header or markers are wrong; the message names the file and line.</exception>
    public static CatalogQuery Parse(string name, string sql)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(sql);
        var errors = new List<string>();
        var description = new StringBuilder();
        var parameters = new List<QueryParameter>();
        var lines = sql.Split('\n');
        for (var n = 0; n < lines.Length && lines[n].TrimStart().StartsWith("--", StringComparison.Ordinal); n++)
        {
            var line = lines[n].Trim()[2..].Trim();
            if (!line.StartsWith("@param", StringComparison.Ordinal))
            {
                if (parameters.Count == 0 && line.Length > 0) description.Append(description.Length > 0 ? " " : "").Append(line);
                continue;
            }
            var m = ParamLine().Match(line);
            if (!m.Success)
            {
                errors.Add($"line {n + 1}: expected '@param NAME TYPE required|optional|default VALUE DESCRIPTION', got '{line}'");
                continue;
            }
            var type = m.Groups["type"].Value;
            var choices = m.Groups["choices"].Success ? m.Groups["choices"].Value.Split('|') : [];
            ParameterKind kind;
            if (m.Groups["choices"].Success) kind = ParameterKind.Enum;
            else if (m.Groups["min"].Success) kind = ParameterKind.Integer;
            else if (!Enum.TryParse(type, ignoreCase: true, out kind) || kind == ParameterKind.Enum)
            {
                errors.Add($"line {n + 1}: parameter '{m.Groups["name"].Value}' has unknown type '{type}' (timestamp, date, string, integer, integer(MIN..MAX), enum(a|b), list)");
                continue;
            }
            var presence = m.Groups["presence"].Value;
            var parameter = new QueryParameter(m.Groups["name"].Value, kind, presence == "required",
                presence == "default" ? m.Groups["default"].Value : null, m.Groups["description"].Value.Trim(), choices,
                m.Groups["min"].Success ? long.Parse(m.Groups["min"].Value, CultureInfo.InvariantCulture) : null,
                m.Groups["max"].Success ? long.Parse(m.Groups["max"].Value, CultureInfo.InvariantCulture) : null);
            if (parameter.Default is { } d && !ParameterParser.TryConvert(parameter, d, out _, out var expected))
                errors.Add($"line {n + 1}: default '{d}' of '{parameter.Name}' is not {expected}");
            if (parameters.Any(p => p.Name == parameter.Name)) errors.Add($"line {n + 1}: parameter '{parameter.Name}' is declared twice");
            parameters.Add(parameter);
        }

        SqlTemplate? template = null;
        try { template = SqlTemplate.Parse(sql); }
        catch (FormatException ex) { errors.Add(ex.Message); }
        if (template is not null)
        {
            foreach (var marker in template.Segments.Where(s => s.Marker != SqlTemplate.MarkerKind.None))
            {
                var parameter = parameters.FirstOrDefault(p => p.Name == marker.Text);
                if (parameter is null) errors.Add($"line {marker.Line}: marker '{marker.Text}' is not a declared parameter");
                else if (marker.Marker == SqlTemplate.MarkerKind.Rendered && parameter.Kind is ParameterKind.String or ParameterKind.List)
                    errors.Add($"line {marker.Line}: ${{{marker.Text}}} would write free text into the SQL; use :{marker.Text} (bound)");
                else if (marker.Marker == SqlTemplate.MarkerKind.Rendered && parameter.Kind == ParameterKind.Integer && (parameter.Min is null || parameter.Min < 0))
                    errors.Add($"line {marker.Line}: ${{{marker.Text}}} writes an integer into the SQL: declare it integer(0..MAX), since a negative one after '-' would start a comment");
            }
            foreach (var unused in parameters.Where(p => !template.Names.Contains(p.Name)))
                errors.Add($"parameter '{unused.Name}' is declared but not used");
        }
        if (description.Length == 0) errors.Add("the header has no description");
        if (errors.Count > 0) throw new FormatException($"Catalog query '{name}' is invalid:\n  " + string.Join("\n  ", errors));
        return new CatalogQuery(name, description.ToString(), parameters, sql, template!);
    }

    /// <summary>
    /// The SQL for an engine: each <c>:name</c> becomes <c>?</c> with its value appended to
    /// <see cref="RenderedQuery.Bound"/>, each <c>${name}</c> its value's literal.
    /// </summary>
    public RenderedQuery Render(IReadOnlyDictionary<string, ParameterValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sql = new StringBuilder(Sql.Length);
        var bound = new List<ParameterValue>();
        foreach (var segment in Template.Segments)
        {
            switch (segment.Marker)
            {
                case SqlTemplate.MarkerKind.None:
                    sql.Append(segment.Text);
                    break;
                case SqlTemplate.MarkerKind.Bound:
                    sql.Append('?');
                    bound.Add(values[segment.Text]);
                    break;
                case SqlTemplate.MarkerKind.Rendered:
                    sql.Append(SqlLiteral.Of(values[segment.Text].Value));
                    break;
            }
        }
        return new RenderedQuery(Name, sql.ToString(), bound);
    }

    [GeneratedRegex(@"^@param\s+(?<name>[a-z_][a-z0-9_]*)\s+(?<type>enum\((?<choices>[a-z0-9_]+(\|[a-z0-9_]+)*)\)|integer\((?<min>-?[0-9]+)\.\.(?<max>-?[0-9]+)\)|[a-z]+)\s+(?:(?<presence>required|optional)|(?<presence>default)\s+(?<default>\S+))\s+(?<description>\S.*)$")]
    private static partial Regex ParamLine();
}
