using System.Globalization;
using Analytics.Query.Engines;

namespace Analytics.Tests.Query.Engines;

/// <summary>
/// The embedded engine gives Trino's answers: each expression the catalog relies on, run through
/// <see cref="DuckDbEngine"/>, against the result Trino's documentation gives (or, for approx_percentile, the
/// value Trino's t-digest returns while it holds every value; cited beside each row).
/// </summary>
public sealed class TrinoSemanticsTests : IAsyncLifetime
{
    private readonly TempFolder _lake = Some.TempFolder();
    private DuckDbEngine _engine = null!;

    public async Task InitializeAsync() => _engine = await DuckDbEngine.OpenAsync(_lake.Path, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _lake.Dispose();
    }

    public static TheoryData<string, string> Expressions => new()
    {
        // Mathematical operators: "/ division (integer division performs truncation)".
        { "7 / 2", "3" },
        { "-7 / 2", "-3" },
        { "CAST(7 AS double) / 2", "3.5" },
        { "7 % 3", "1" },
        // round(x): "Returns x rounded to the nearest integer" (half away from zero).
        { "round(CAST(2.5 AS double))", "3.0" },
        { "round(CAST(-2.5 AS double))", "-3.0" },
        { "round(CAST(1.25 AS double), 1)", "1.3" },
        // date_diff(unit, t1, t2): whole units elapsed, not boundaries crossed.
        { "date_diff('minute', TIMESTAMP '2026-11-02 14:00:59', TIMESTAMP '2026-11-02 14:01:00')", "0" },
        { "date_diff('day', TIMESTAMP '2026-11-02 23:00:00', TIMESTAMP '2026-11-03 01:00:00')", "0" },
        { "date_diff('second', TIMESTAMP '2026-11-02 14:00:00', TIMESTAMP '2026-11-02 13:59:00')", "-60" },
        // date_add(unit, value, timestamp).
        { "to_iso8601(date_add('day', -7, TIMESTAMP '2026-11-02 14:00:00'))", "2026-10-26T14:00:00.000" },
        { "to_iso8601(date_add('minute', 90, TIMESTAMP '2026-11-02 14:00:00'))", "2026-11-02T15:30:00.000" },
        { "CAST(CAST(date_add('day', -7, TIMESTAMP '2026-11-02 00:30:00') AS date) AS varchar)", "2026-10-26" },
        // to_iso8601(timestamp) of a timestamp without time zone has no zone designator.
        { "to_iso8601(TIMESTAMP '2026-11-02 14:00:00.123')", "2026-11-02T14:00:00.123" },
        // ISO weeks: 2021-01-01 is in week 53 of 2020; date_trunc('week') is the Monday.
        { "week_of_year(TIMESTAMP '2021-01-01 00:00:00')", "53" },
        { "year_of_week(TIMESTAMP '2021-01-01 00:00:00')", "2020" },
        { "to_iso8601(date_trunc('week', TIMESTAMP '2026-11-08 23:59:00'))", "2026-11-02T00:00:00.000" },
        // String functions.
        { "strpos('payments', 'men')", "4" },
        { "regexp_like('Task failed ELB health checks', 'health check')", "true" },
        { "array_join(ARRAY['a', 'b', 'c'], ', ')", "a, b, c" },
        // slice(x, start, length): "Subsets array x starting from index start ... with a length of length."
        { "array_join(slice(ARRAY['a', 'b', 'c', 'd'], 2, 2), ',')", "b,c" },
        { "array_join(slice(ARRAY['a'], 1, 10), ',')", "a" },
        // Casting a map to JSON, and json_format: the JSON functions' documented example, with varchar values.
        { "json_format(CAST(MAP(ARRAY['k1', 'k2', 'k3'], ARRAY['1', '23', '456']) AS JSON))", "{\"k1\":\"1\",\"k2\":\"23\",\"k3\":\"456\"}" },
        { "lower('WARN')", "warn" },
        { "CAST(CAST('2026-11-02T14:00:00Z' AS timestamp) AS date) = DATE '2026-11-02'", "true" },
        // Aggregates, over small inline tables.
        // Trino's approx_percentile is a t-digest; with every value its own centroid it answers the value at
        // rank floor(p * n), without interpolating: the median of {1, 2, 10, 11} is 10 (DuckDB's own gives 6).
        { "approx_percentile(x, 0.5) FROM (VALUES (1.0), (2.0), (10.0), (11.0)) t(x)", "10.0" },
        { "approx_percentile(x, 0.5) FROM (VALUES (3.0), (1.0), (2.0)) t(x)", "2.0" },
        { "approx_percentile(x, 0.0) FROM (VALUES (3.0), (1.0), (2.0)) t(x)", "1.0" },
        { "approx_percentile(x, 1.0) FROM (VALUES (3.0), (1.0), (2.0)) t(x)", "3.0" },
        { "approx_percentile(x, 0.5) FROM (VALUES (CAST(NULL AS double)), (4.0)) t(x)", "4.0" },
        // count_if, max_by and a week calendar from sequence() with every week, empty ones too.
        { "count_if(x > 1) FROM (VALUES (1), (2), (3)) t(x)", "2" },
        // count_if: "Returns the number of TRUE input values", so 0 when none is (DuckDB's own gives NULL for all-NULL input).
        { "count_if(x) FROM (VALUES (CAST(NULL AS boolean))) t(x)", "0" },
        { "max_by(name, n) FROM (VALUES ('a', 1), ('b', 3), ('c', 2)) t(name, n)", "b" },
        // max_by/min_by "return the value of x associated with the maximum (minimum) value of y": a NULL x there is the
        // answer (Trino's TestMinMaxByAggregation), a NULL y is not a maximum, and nothing gives NULL.
        { "max_by(name, n) FROM (VALUES ('a', 1), (NULL, 3), ('c', 2)) t(name, n)", "NULL" },
        { "min_by(name, n) FROM (VALUES (NULL, 1), ('b', 3)) t(name, n)", "NULL" },
        { "min_by(name, n) FROM (VALUES ('a', 1), ('b', 3)) t(name, n)", "a" },
        { "max_by(name, n) FROM (VALUES ('a', 1), ('b', CAST(NULL AS integer))) t(name, n)", "a" },
        { "max_by(name, n) FROM (VALUES ('a', CAST(NULL AS integer))) t(name, n)", "NULL" },
        { "max_by(name, n) FROM (VALUES ('a', 1)) t(name, n) WHERE n > 1", "NULL" },
        // A key made NULL where a row does not count: the same as FILTER, which DuckDB refuses on a macro.
        { "max_by(name, CASE WHEN n < 3 THEN n END) FROM (VALUES ('a', 1), (NULL, 2), ('c', 3)) t(name, n)", "NULL" },
        { "max_by(savings, seen) FROM (VALUES (CAST(91.98 AS double), 1), (CAST(NULL AS double), 2)) t(savings, seen)", "NULL" },
        // A map cast to JSON: Trino writes the keys in order (MapToJsonCast sorts them); the catalog sorts the entries first.
        { "json_format(CAST(map_from_entries(array_sort(map_entries(MAP(ARRAY['k2', 'k1'], ARRAY['2', '1'])))) AS JSON))", "{\"k1\":\"1\",\"k2\":\"2\"}" },
        { "count(*) FROM UNNEST(sequence(TIMESTAMP '2026-11-02 00:00:00', TIMESTAMP '2026-11-16 00:00:00', INTERVAL '7' DAY)) AS w(week)", "3" },
        // The rest of the functions the catalog calls, at their edges (docs/analytic-truth.md has the table).
        { "coalesce(CAST(NULL AS integer), NULL)", "NULL" },
        { "coalesce(NULL, 2, 3)", "2" },
        { "nullif(1, 1)", "NULL" },
        { "max(x) FROM (VALUES (1), (NULL), (3)) t(x)", "3" },
        { "min(x) FROM (VALUES (1)) t(x) WHERE x > 1", "NULL" },
        { "sum(x) FROM (VALUES (1), (NULL)) t(x)", "1" },
        { "sum(x) FROM (VALUES (1)) t(x) WHERE x > 1", "NULL" },
        { "avg(x) FROM (VALUES (1), (2)) t(x)", "1.5" },
        { "count(x) FROM (VALUES (1), (NULL)) t(x)", "1" },
        { "count(*) FROM (VALUES (1)) t(x) WHERE x > 1", "0" },
        { "array_agg(x) FROM (VALUES (1)) t(x) WHERE x > 1", "NULL" },
        { "array_join(array_agg(x ORDER BY x), ',') FROM (VALUES ('b'), ('a')) t(x)", "a,b" },
        // array_join: "Null elements are omitted".
        { "array_join(ARRAY['a', NULL, 'b'], ',')", "a,b" },
        { "array_join(array_sort(ARRAY['c', 'a', 'b']), ',')", "a,b,c" },
        { "array_join(map_values(MAP(ARRAY['k'], ARRAY['v'])), ',')", "v" },
        { "lag(x) OVER (ORDER BY x) FROM (VALUES (1)) t(x)", "NULL" },
        { "lead(x) OVER (ORDER BY x) FROM (VALUES (1)) t(x)", "NULL" },
        { "row_number() OVER (ORDER BY x) FROM (VALUES (5)) t(x)", "1" },
        // least/greatest: NULL when an argument is NULL.
        { "least(1, CAST(NULL AS integer))", "NULL" },
        { "greatest(CAST(NULL AS integer), 1)", "NULL" },
        { "least(2, 1)", "1" },
        { "greatest(TIMESTAMP '2026-11-02 00:00:00', TIMESTAMP '2026-11-03 00:00:00') = TIMESTAMP '2026-11-03 00:00:00'", "true" },
        { "strpos('abc', 'z')", "0" },
        { "strpos(CAST(NULL AS varchar), 'a')", "NULL" },
        // regexp_extract gives NULL without a match on Trino, '' on DuckDB: the catalog wraps it in nullif(…, '').
        { "nullif(regexp_extract('abc', 'x(y)', 1), '')", "NULL" },
        { "regexp_extract('rolling back to deploymentId ecs-svc/7.', 'rolling back to deploymentId ([^\\s.]+)', 1)", "ecs-svc/7" },
        { "trim(regexp_replace('Task failed ELB health checks in (target-group x)', '[:(].*$', ''))", "Task failed ELB health checks in" },
        { "'a' || CAST(NULL AS varchar)", "NULL" },
    };

    [Theory]
    [MemberData(nameof(Expressions))]
    public async Task Expression_GivesTrinosResult(string expression, string expected)
    {
        Assert.Equal(expected, await ScalarAsync($"SELECT {expression}"));
    }

    private async Task<string> ScalarAsync(string sql)
    {
        var rows = await Analytics.Tests.Query.QueryLake.Rows(await _engine.RunSqlAsync(sql, [], CancellationToken.None));
        var value = Assert.Single(Assert.Single(rows).Values);
        return value switch
        {
            bool b => b ? "true" : "false",
            double d => d.ToString("0.0##", CultureInfo.InvariantCulture),
            decimal m => m.ToString(CultureInfo.InvariantCulture),
            null => "NULL",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        };
    }
}
