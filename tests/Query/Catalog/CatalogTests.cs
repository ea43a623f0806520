using System.Text.RegularExpressions;
using Analytics.Query.Catalog;
using Analytics.Schemas;

namespace Analytics.Tests.Query.Catalog;

public sealed partial class CatalogTests
{
    private const string Header = "-- What it answers.\n--\n-- @param from timestamp required Start\n-- @param to timestamp required End\n";

    [Fact]
    public void Default_HoldsTheQueriesOfTheIssue()
    {
        Assert.Equal(
            ["cluster-state", "crash-loops", "deployment-outcomes", "health-impact", "health-organization", "incident-timeline", "oom-kills", "placement-failures",
             "recovery-episodes", "service-recovery", "service-state", "services", "spot-interruptions", "support-case-totals", "support-cases", "task-stop-reasons",
             "trusted-advisor-findings", "trusted-advisor-trends", "weekly-trends"],
            QueryCatalog.Default.Queries.Select(q => q.Name));
    }

    [Fact]
    public void Default_EveryQueryTakesAWindowAndEveryQueryOverEcsTablesTakesClusterAndService()
    {
        foreach (var query in QueryCatalog.Default.Queries)
        {
            Assert.Equal(ParameterKind.Timestamp, query.Parameter("from")?.Kind);
            Assert.Equal(ParameterKind.Timestamp, query.Parameter("to")?.Kind);
            var readsEcs = TableCatalog.All.Any(t => t.Name.StartsWith("ecs_", StringComparison.Ordinal) && query.Sql.Contains("FROM " + t.Name, StringComparison.Ordinal));
            if (readsEcs)
            {
                Assert.Equal(ParameterKind.String, query.Parameter("cluster")?.Kind);
                Assert.Equal(ParameterKind.String, query.Parameter("service")?.Kind);
            }
        }
    }

    [Fact]
    public void Default_EveryFunctionTheCatalogCallsIsInTheEngineTable()
    {
        // docs/analytic-truth.md lists each function with Trino's answer at its edges and how DuckDB gives it: a function
        // the catalog starts to call must be added there (and to TrinoSemanticsTests).
        var table = File.ReadAllLines(Path.Combine(Some.RepoRoot, "docs", "analytic-truth.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => Regex.Matches(l.Split('|')[1], "`([a-z_]+)").Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var sql = QueryCatalog.Default.Queries.Select(q => q.Sql).Concat(Analytics.Schemas.Views.SharedViews.All.Select(v => v.Sql));
        var called = sql.Select(text => Regex.Replace(text, "--[^\n]*|'[^']*'", " "))
            .SelectMany(text => Regex.Matches(text, @"\b([a-z_]+)\(").Select(m => m.Groups[1].Value))
            .Where(name => name is not ("c" or "t"))  // aliases of UNNEST and VALUES: AS c(week)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(called.Except(table).Order(StringComparer.Ordinal));
        Assert.Contains("max_by", called);
    }

    [Fact]
    public void Default_DescriptionsSayWhatIsAnsweredNotItsHistory()
    {
        // `list` shows the descriptions to users; how an answer changed belongs to git and docs/.
        Assert.All(QueryCatalog.Default.Queries, q => Assert.DoesNotContain("Changed:", q.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void Default_EveryTableReadFiltersTheDtPartition()
    {
        foreach (var query in QueryCatalog.Default.Queries)
        {
            foreach (Match from in TableRead().Matches(query.Sql))
            {
                if (TableCatalog.All.All(t => t.Name != from.Groups[1].Value)) continue;
                var rest = query.Sql[from.Index..];
                var where = rest.IndexOf("WHERE", StringComparison.Ordinal);
                Assert.True(where >= 0 && rest[where..].TrimStart()[5..].TrimStart().StartsWith("dt ", StringComparison.Ordinal),
                    $"{query.Name}: the read of {from.Groups[1].Value} at {from.Index} does not filter dt first in its WHERE");
            }
            Assert.DoesNotContain("?", query.Sql, StringComparison.Ordinal);
            // Bounded both ways: on Athena a one-sided bound enumerates every projected day since the range's start.
            Assert.DoesNotContain("dt <=", query.Sql, StringComparison.Ordinal);
            Assert.DoesNotContain("dt >=", query.Sql, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"FROM\s+([a-z_]+)")]
    private static partial Regex TableRead();

    [Fact]
    public void Parse_MarkersInStringsAndCommentsAreText()
    {
        var query = CatalogQuery.Parse("q", Header + "SELECT ':from', \"x:to\" /* :from */ FROM t -- :to\nWHERE a >= :from AND b < :to AND c = '${to}'");
        var rendered = query.Render(ParameterParser.Parse(query, [new("from", "2026-11-02T14:00:00Z"), new("to", "2026-11-02T15:10:00+01:00")]));
        Assert.Equal(2, rendered.Bound.Count);
        Assert.Contains("SELECT ':from', \"x:to\" /* :from */ FROM t -- :to\nWHERE a >= ? AND b < ? AND c = '${to}'", rendered.Sql, StringComparison.Ordinal);
        Assert.Equal(new DateTime(2026, 11, 2, 14, 10, 0, DateTimeKind.Utc), rendered.Bound[1].Value);
    }

    [Fact]
    public void Parse_RenderedFreeText_IsRefusedWithEveryProblemListed()
    {
        var ex = Assert.Throws<FormatException>(() => CatalogQuery.Parse("bad",
            Header + "-- @param s string optional Text\n-- @param n integer default x Count\nSELECT ${s}, :missing FROM t WHERE a >= :from AND b < :to"));
        Assert.Contains("${s} would write free text into the SQL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("default 'x' of 'n' is not a whole number", ex.Message, StringComparison.Ordinal);
        Assert.Contains("marker 'missing' is not a declared parameter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterParser_EveryProblemNamedAtOnce()
    {
        var query = QueryCatalog.Default.Get("crash-loops");
        var ex = Assert.Throws<ArgumentException>(() => ParameterParser.Parse(query,
            [new("from", "yesterday"), new("min_stops", "five"), new("colour", "red"), new("service", "a"), new("service", "b")]));
        Assert.Equal("""
            Invalid parameters for crash-loops:
              unknown parameter 'colour' for crash-loops; it takes: from, to, cluster, service, min_stops
              parameter 'service' is given more than once
              parameter 'from' is 'yesterday': expected an ISO 8601 timestamp such as 2026-11-02T14:00:00Z (no offset means UTC)
              parameter 'to' is required: End of the window (UTC, exclusive) (timestamp)
              parameter 'min_stops' is 'five': expected a whole number from 1 to 100000
            """.ReplaceLineEndings("\n"), ex.Message);
    }

    [Theory]
    [InlineData("crash-loops", "min_stops", "0", "a whole number from 1 to 100000")]
    [InlineData("crash-loops", "min_stops", "-5", "a whole number from 1 to 100000")]
    [InlineData("health-impact", "lookback_days", "-5", "a whole number from 0 to 366")]
    [InlineData("support-cases", "lookback_days", "367", "a whole number from 0 to 366")]
    public void ParameterParser_IntegerOutsideItsDeclaredRange_IsAnError(string name, string parameter, string value, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ParameterParser.Parse(QueryCatalog.Default.Get(name),
            [new("from", "2026-11-02"), new("to", "2026-11-03"), new(parameter, value)]));
        Assert.Contains($"parameter '{parameter}' is '{value}': expected {expected}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_RenderedIntegerWithoutANonNegativeRange_IsRefused()
    {
        // ${days} after '-' with a negative value would render '--5': the rest of the line a comment.
        var ex = Assert.Throws<FormatException>(() => CatalogQuery.Parse("q", """
            -- What it answers.
            -- @param days integer default 3 Days back
            SELECT 1 FROM t WHERE dt >= date_add('day', -${days}, current_date)
            """));
        Assert.Contains("declare it integer(0..MAX)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterParser_ToBeforeFrom_IsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => ParameterParser.Parse(QueryCatalog.Default.Get("oom-kills"),
            [new("from", "2026-11-03"), new("to", "2026-11-02")]));
        Assert.Contains("'to' (2026-11-02T00:00:00.000Z) must be after 'from'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqlLiteral_WritesTrinoLiterals()
    {
        Assert.Equal("TIMESTAMP '2026-11-02 14:00:00.123'", SqlLiteral.Of(new DateTime(2026, 11, 2, 14, 0, 0, 123, DateTimeKind.Utc)));
        Assert.Equal("DATE '2026-11-02'", SqlLiteral.Of(new DateOnly(2026, 11, 2)));
        Assert.Equal("'o''brien'", SqlLiteral.Of("o'brien"));
        Assert.Equal("ARRAY['a', 'b''c']", SqlLiteral.Of(new[] { "a", "b'c" }));
        Assert.Equal("NULL", SqlLiteral.Of(null));
        Assert.Throws<ArgumentException>(() => SqlLiteral.Of("nul\0"));
    }
}
