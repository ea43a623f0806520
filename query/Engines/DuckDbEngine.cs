using System.Data.Common;
using Analytics.Query.Catalog;
using Analytics.Schemas;
using DuckDB.NET.Data;
using Parquet.Schema;

namespace Analytics.Query.Engines;

/// <summary>
/// The embedded engine: DuckDB in memory over a local lake folder. Every table of the contract is a view
/// over its Parquet files with hive partitioning (<c>dt</c> as a string, as in Athena), timestamps as
/// plain UTC timestamps (Athena's <c>timestamp</c>), and an empty typed view when a table has no files yet.
/// Trino functions DuckDB lacks are macros (<see cref="TrinoMacros"/>), so one SQL text runs on both.
/// One connection: run one query at a time and read its result before starting the next.
/// </summary>
internal sealed partial class DuckDbEngine : IQueryEngine
{
    private readonly DuckDBConnection _connection;

    private DuckDbEngine(DuckDBConnection connection, string lake)
    {
        _connection = connection;
        Lake = lake;
    }

    /// <inheritdoc/>
    public string Name => "duckdb";

    /// <inheritdoc/>
    public int MaxConcurrentQueries => 1;

    /// <summary>The lake folder.</summary>
    public string Lake { get; }

    /// <summary>
    /// The Trino functions the catalog uses that DuckDB does not have, or has with other semantics, as DuckDB
    /// macros, so that one SQL text gives Trino's answers on both (tested against Trino's documented results).
    /// </summary>
    public static IReadOnlyList<string> TrinoMacros { get; } =
    [
        // Trino's date_diff counts whole units elapsed; DuckDB's counts unit boundaries crossed (date_sub is Trino's).
        "CREATE MACRO date_diff(unit, t1, t2) AS date_sub(unit, t1, t2)",
        // Trino's date_add(unit, value, timestamp); DuckDB's date_add takes (timestamp, interval).
        "CREATE MACRO date_add(unit, n, t) AS CAST(t AS TIMESTAMP) + CASE lower(unit) WHEN 'day' THEN to_days(CAST(n AS INTEGER)) "
            + "WHEN 'hour' THEN to_hours(CAST(n AS BIGINT)) WHEN 'minute' THEN to_minutes(CAST(n AS BIGINT)) "
            + "WHEN 'second' THEN to_seconds(CAST(n AS DOUBLE)) WHEN 'week' THEN to_weeks(CAST(n AS INTEGER)) END",
        // Trino prints a timestamp (without time zone) with no zone designator: 2026-11-02T14:00:00.000.
        "CREATE MACRO to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.%g')",
        "CREATE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)",
        "CREATE MACRO year_of_week(t) AS isoyear(t)",
        "CREATE MACRO week_of_year(t) AS weekofyear(t)",
        "CREATE MACRO array_join(list, separator) AS array_to_string(list, separator)",
        // Trino's approx_percentile is a t-digest, which holds every value of a small input as its own
        // centroid and then answers with the value at rank floor(p * n) (no interpolation: {1, 2, 10, 11} at
        // 0.5 is 10). DuckDB's approx_quantile interpolates (6); this is the exact value at that rank.
        "CREATE MACRO approx_percentile(x, p) AS list_sort(list(x) FILTER (WHERE x IS NOT NULL))"
            + "[least(CAST(floor(p * count(x)) AS BIGINT), count(x) - 1) + 1]",
        // Trino's count_if counts TRUE values: 0 when there is none, where DuckDB's gives NULL for all-NULL input.
        "CREATE MACRO count_if(x) AS count(*) FILTER (WHERE x)",
        // Trino's sequence(start, stop, step) over timestamps (inclusive), for calendars of weeks or days.
        "CREATE MACRO sequence(a, b, step) AS generate_series(a, b, step)",
        // Trino's slice(array, start, length); DuckDB's list_slice takes (list, begin, end), both 1-based and inclusive.
        "CREATE MACRO slice(l, s, n) AS list_slice(l, s, s + n - 1)",
        // Trino's json_format(json) is the JSON's text; a JSON value's text in DuckDB is its cast to VARCHAR.
        "CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)",
        // Trino's max_by/min_by give the value of the row with the greatest (least) key even when that value is NULL
        // (Trino's TestMinMaxByAggregation); DuckDB's skip NULL values. arg_max_null and arg_min_null keep them.
        "CREATE MACRO max_by(x, k) AS arg_max_null(x, k)",
        "CREATE MACRO min_by(x, k) AS arg_min_null(x, k)",
        // Trino's least/greatest are NULL when an argument is; DuckDB's skip NULLs. The catalog calls them with two.
        "CREATE MACRO least(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a <= b THEN a ELSE b END",
        "CREATE MACRO greatest(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN a >= b THEN a ELSE b END",
        // Seconds since the epoch and back, in UTC (Athena's session time zone), as Grafana's $__timeGroup writes them.
        "CREATE MACRO to_unixtime(t) AS epoch(t)",
        "CREATE MACRO from_unixtime(x) AS make_timestamp(CAST(round(x * 1000000) AS BIGINT))",
    ];

    /// <summary>DuckDB settings that make its operators behave as Trino's.</summary>
    public static IReadOnlyList<string> TrinoSettings { get; } =
    [
        // Casting the files' UTC-adjusted timestamps to plain TIMESTAMP must not shift them.
        "SET TimeZone = 'UTC'",
        // In Trino, / on two integers is integer division (7 / 2 = 3); DuckDB would give 3.5.
        "SET integer_division = true",
    ];

    /// <summary>Opens the lake at <paramref name="lake"/> (which must exist) and defines its views.</summary>
    /// <exception cref="DirectoryNotFoundException">The lake folder does not exist.</exception>
    public static async Task<DuckDbEngine> OpenAsync(string lake, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        var root = Path.GetFullPath(lake);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"Lake folder '{root}' does not exist; build it with: dotnet run --project ingest -- ingest --lake {lake} EVENTS…");
        var connection = new DuckDBConnection("DataSource=:memory:");
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var setting in TrinoSettings) await ExecuteAsync(connection, setting, cancellationToken).ConfigureAwait(false);
            foreach (var macro in TrinoMacros) await ExecuteAsync(connection, macro, cancellationToken).ConfigureAwait(false);
            foreach (var table in TableCatalog.All) await ExecuteAsync(connection, ViewSql(root, table), cancellationToken).ConfigureAwait(false);
            foreach (var view in Analytics.Schemas.Views.SharedViews.All)
                await ExecuteAsync(connection, $"CREATE VIEW {view.Name} AS {view.Sql}", cancellationToken).ConfigureAwait(false);
            return new DuckDbEngine(connection, root);
        }
        catch (DuckDBException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Failure($"DuckDB could not open the lake {root}", ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // A lake file DuckDB cannot read as Parquet is named, with what to do; any other error keeps DuckDB's words.
    private static QueryFailedException Failure(string what, DuckDBException ex)
    {
        var reason = ex.Message.Split('\n')[0].Trim();
        var file = DamagedFile().Match(ex.Message);
        return file.Success
            ? new QueryFailedException($"The lake file {file.Groups[1].Value} is damaged or not Parquet ({reason}). Move it out of the lake "
                + "and run the ingest over its inputs again to restore its rows (they are no longer in the lake, so they land again).", ex)
            : new QueryFailedException($"{what}: {ex.Message}", ex);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"file '([^']+\.parquet)'", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex DamagedFile();

    /// <summary>The view that exposes <paramref name="table"/> of the lake at <paramref name="root"/>.</summary>
    public static string ViewSql(string root, TableDefinition table) => ViewSql(root, table, unionByName: true);

    // union_by_name reads every file's footer to unify the schemas of files written before and after a column was added.
    private static string ViewSql(string root, TableDefinition table, bool unionByName)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(table);
        var fields = table.ParquetSchema.Fields;
        var hasFiles = LakePaths.TablesWithData(root).Contains(table.Name);
        if (!hasFiles)
        {
            var columns = fields.Select(f => $"CAST(NULL AS {DuckDbType(f)}) AS {f.Name}").Append("CAST(NULL AS VARCHAR) AS dt");
            return $"CREATE VIEW {table.Name} AS SELECT {string.Join(", ", columns)} WHERE false";
        }
        var timestamps = fields.OfType<DateTimeDataField>().Select(f => $"CAST({f.Name} AS TIMESTAMP) AS {f.Name}").ToList();
        var replace = timestamps.Count == 0 ? "" : $" REPLACE ({string.Join(", ", timestamps)})";
        var glob = LakePaths.DataGlob(root, table.Name).Replace("'", "''", StringComparison.Ordinal);
        return $"CREATE VIEW {table.Name} AS SELECT *{replace} FROM read_parquet('{glob}', hive_partitioning = true, hive_types = {{'dt': VARCHAR}}, union_by_name = {(unionByName ? "true" : "false")})";
    }

    /// <summary>The DuckDB type of a Parquet field of the contract.</summary>
    public static string DuckDbType(Field field) => field switch
    {
        ListField list => DuckDbType(list.Item) + "[]",
        MapField map => $"MAP({DuckDbType(map.Key)}, {DuckDbType(map.Value)})",
        StructField s => "STRUCT(" + string.Join(", ", s.Fields.Select(f => $"{f.Name} {DuckDbType(f)}")) + ")",
        DateTimeDataField => "TIMESTAMP",
        DataField data => (Nullable.GetUnderlyingType(data.ClrType) ?? data.ClrType) switch
        {
            var t when t == typeof(int) => "INTEGER",
            var t when t == typeof(long) => "BIGINT",
            var t when t == typeof(bool) => "BOOLEAN",
            var t when t == typeof(double) => "DOUBLE",
            var t when t == typeof(DateTime) => "TIMESTAMP",
            _ => "VARCHAR",
        },
        _ => throw new NotSupportedException($"Field '{field.Name}' has no DuckDB type."),
    };

    /// <inheritdoc/>
    public async Task<QueryResult> RunAsync(RenderedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var command = _connection.CreateCommand();
        command.CommandText = query.Sql;
        foreach (var value in query.Bound) command.Parameters.Add(new DuckDBParameter { Value = Native(value.Value) ?? DBNull.Value });
        DbDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DuckDBException ex)
        {
            await command.DisposeAsync().ConfigureAwait(false);
            throw Failure($"DuckDB failed query '{query.Name}'", ex);
        }
        var schema = ArrowBatches.SchemaOf(reader);
        return new QueryResult(schema, Batches(command, reader, schema, cancellationToken));
    }

    private static async IAsyncEnumerable<Apache.Arrow.RecordBatch> Batches(DbCommand command, DbDataReader reader, Apache.Arrow.Schema schema,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            var batches = ArrowBatches.ReadAsync(reader, schema, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (batches.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await batches.MoveNextAsync().ConfigureAwait(false)) yield break;
                    }
                    catch (DuckDBException ex)
                    {
                        throw Failure("DuckDB failed reading the results", ex);
                    }
                    yield return batches.Current;
                }
            }
        }
    }

    // DuckDB binds lists as VARCHAR[] and instants as TIMESTAMP; the rest as they are.
    private static object? Native(object? value) => value switch
    {
        string[] list => list.ToList(),
        _ => value,
    };

    /// <summary>
    /// The bytes DuckDB reads from the lake's files to run <paramref name="query"/> (its profiler's <c>total_bytes_read</c>),
    /// what the scan estimate is checked against: measured on a fresh connection without DuckDB's file cache and without
    /// union_by_name (which reads every file's footer), less what DuckDB reads only to bind each table's view (one file's
    /// footer, measured by the same query over no rows), so that what remains is what the query itself reads.
    /// </summary>
    public static async Task<long> MeasureBytesReadAsync(string lake, RenderedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var root = Path.GetFullPath(lake);
        async Task<long> ReadAsync(RenderedQuery q)
        {
            await using var connection = new DuckDBConnection("DataSource=:memory:");
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var setting in TrinoSettings.Append("SET enable_external_file_cache = false")) await ExecuteAsync(connection, setting, cancellationToken).ConfigureAwait(false);
            foreach (var macro in TrinoMacros) await ExecuteAsync(connection, macro, cancellationToken).ConfigureAwait(false);
            foreach (var table in TableCatalog.All) await ExecuteAsync(connection, ViewSql(root, table, unionByName: false), cancellationToken).ConfigureAwait(false);
            var profile = Path.Combine(Path.GetTempPath(), $"analytics-profile-{Guid.NewGuid():N}.json");
            try
            {
                await ExecuteAsync(connection, "SET enable_profiling = 'json'", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, $"SET profiling_output = '{profile.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken).ConfigureAwait(false);
                await using (var engine = new DuckDbEngine(connection, root))
                    await (await engine.RunAsync(q, cancellationToken).ConfigureAwait(false)).ToListAsync(cancellationToken).ConfigureAwait(false);
                using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(profile, cancellationToken).ConfigureAwait(false));
                return json.RootElement.GetProperty("total_bytes_read").GetInt64();
            }
            finally
            {
                File.Delete(profile);
            }
        }
        var read = await ReadAsync(query).ConfigureAwait(false);
        // The same query over no rows: every table's view is bound, no partition is read.
        var bindOnly = await ReadAsync(query with { Sql = $"SELECT * FROM ({query.Sql}) WHERE false" }).ConfigureAwait(false);
        return read - bindOnly;
    }

    /// <summary>Runs SQL of the caller's own (the benchmark's hand-run baseline, tests); not for user text.</summary>
    public async Task<QueryResult> RunSqlAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var values = parameters.Select(p => new ParameterValue(new QueryParameter("p", ParameterKind.String, false, null, "", []), p)).ToList();
        return await RunAsync(new RenderedQuery("sql", sql, values), cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);
}
