using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Query.Catalog;

namespace Analytics.Tests.Query.Catalog;

/// <summary>
/// Every catalog query, as sent to Athena (markers as <c>?</c>, rendered literals in place), parses with a
/// Trino grammar: dt-sql-parser's, run in Node (tests/trino, bundled by esbuild; installed on first use).
/// Also checks that every <c>?</c> sits in a WHERE clause, the only place Athena binds parameters.
/// </summary>
public sealed class TrinoParseTests
{
    private static readonly Lazy<string> Parser = new(BuildParser);

    private static string BuildParser()
    {
        var folder = Path.Combine(Some.RepoRoot, "tests", "trino");
        var bundle = Path.Combine(folder, "dist", "parse.cjs");
        if (!File.Exists(bundle))
        {
            Run("npm", "ci --no-audit --no-fund", folder, null);
            Run("npm", "run build", folder, null);
        }
        return bundle;
    }

    private static string Run(string file, string arguments, string folder, string? stdin)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"Could not start {file}.");
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed ({process.ExitCode}): {stderr.Result}");
        return output;
    }

    internal static JsonArray Parse(IEnumerable<(string Name, string Sql)> queries)
    {
        var input = new JsonArray(queries.Select(q => (JsonNode)new JsonObject { ["name"] = q.Name, ["sql"] = q.Sql }).ToArray());
        return JsonNode.Parse(Run("node", Parser.Value, Some.RepoRoot, input.ToJsonString()))!.AsArray();
    }

    private static string Sample(QueryParameter p) => p.Kind switch
    {
        ParameterKind.Timestamp => p.Name == "to" ? "2026-11-03T00:00:00Z" : "2026-11-02T00:00:00Z",
        ParameterKind.Date => "2026-11-02",
        ParameterKind.Integer => "5",
        ParameterKind.Enum => p.Choices[0],
        _ => "payments",
    };

    [Fact]
    public void Catalog_AsSentToAthena_ParsesAsTrinoWithParametersOnlyInWhere()
    {
        var rendered = QueryCatalog.Default.Queries.Select(q =>
            (q.Name, q.Render(ParameterParser.Parse(q, q.Parameters.Select(p => KeyValuePair.Create(p.Name, Sample(p))))).Sql)).ToList();

        var results = Parse(rendered);

        Assert.Equal(rendered.Count, results.Count);
        foreach (var result in results)
        {
            Assert.True(result!["errors"]!.AsArray().Count == 0, $"{result["name"]}: {result["errors"]!.ToJsonString()}");
            Assert.True(result["whereOnly"]!.GetValue<bool>(), $"{result["name"]}: a ? is outside WHERE");
        }
    }

    [Fact]
    public void SharedViews_ParseAsTrino()
    {
        var results = Parse(Analytics.Schemas.Views.SharedViews.All.Select(v => (v.Name, v.Sql)));
        Assert.Equal(Analytics.Schemas.Views.SharedViews.All.Count, results.Count);
        foreach (var result in results) Assert.True(result!["errors"]!.AsArray().Count == 0, $"{result["name"]}: {result["errors"]!.ToJsonString()}");
    }

    [Fact]
    public void Parser_RejectsInvalidSqlAndParametersOutsideWhere()
    {
        var results = Parse([("typo", "SELEC 1 FROM t"), ("select-list", "SELECT ? FROM t WHERE x = 1")]);
        Assert.NotEmpty(results[0]!["errors"]!.AsArray());
        Assert.False(results[1]!["whereOnly"]!.GetValue<bool>());
    }
}
