namespace Analytics.Query.Catalog;

/// <summary>The named queries: the <c>query/catalog/*.sql</c> files, embedded in the executable.</summary>
internal sealed class QueryCatalog
{
    private readonly Dictionary<string, CatalogQuery> _queries;

    private QueryCatalog(IEnumerable<CatalogQuery> queries) =>
        _queries = queries.ToDictionary(q => q.Name, StringComparer.Ordinal);

    /// <summary>Every query, by name.</summary>
    public IEnumerable<CatalogQuery> Queries => _queries.Values.OrderBy(q => q.Name, StringComparer.Ordinal);

    /// <summary>The catalog shipped with this build.</summary>
    public static QueryCatalog Default { get; } = LoadEmbedded();

    /// <summary>The query called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such query; the message lists the catalog.</exception>
    public CatalogQuery Get(string name) =>
        _queries.TryGetValue(name, out var query) ? query
        : throw new KeyNotFoundException($"No query '{name}' in the catalog. Queries: {string.Join(", ", _queries.Keys.Order(StringComparer.Ordinal))}.");

    /// <summary>Builds a catalog from (name, SQL text) pairs, their <c>@{fragment}</c> markers expanded; every invalid query is reported.</summary>
    /// <exception cref="FormatException">One or more queries are invalid.</exception>
    public static QueryCatalog From(IEnumerable<(string Name, string Sql)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var queries = new List<CatalogQuery>();
        var errors = new List<string>();
        foreach (var (name, sql) in files)
        {
            string expanded;
            try { expanded = Analytics.Schemas.Semantics.SqlFragments.Expand(sql); }
            catch (FormatException ex)
            {
                errors.Add($"{name}: {ex.Message}");
                continue;
            }
            try { queries.Add(CatalogQuery.Parse(name, expanded)); }
            catch (FormatException ex) { errors.Add(ex.Message); }
        }
        if (errors.Count > 0) throw new FormatException(string.Join("\n", errors));
        return new QueryCatalog(queries);
    }

    private static QueryCatalog LoadEmbedded()
    {
        var assembly = typeof(QueryCatalog).Assembly;
        return From(assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("catalog/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (Path.GetFileNameWithoutExtension(n), reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal));
            }));
    }
}
