using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Ingest.Run;
using DuckDB.NET.Data;

namespace Analytics.Tests;

/// <summary>Test data and helpers that keep each test's Arrange step short.</summary>
public static class Some
{
    /// <summary>The repository's root (where Analytics.sln is).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>The bundled corpus of real published samples.</summary>
    public static string Corpus => Path.Combine(RepoRoot, "samples", "corpus");

    /// <summary>A fresh temporary folder, deleted by the returned disposable.</summary>
    public static TempFolder TempFolder() => new();

    /// <summary>Runs an ingest with default options.</summary>
    internal static Task<IngestSummary> IngestAsync(string lake, params string[] inputs) =>
        new IngestRunner(new IngestOptions { Lake = new() { Location = lake }, Inputs = inputs }, TimeProvider.System).RunAsync(CancellationToken.None);

    /// <summary>Asserts that each table of <paramref name="lake"/> holds the rows the generator's <paramref name="manifest"/> expects.</summary>
    public static void AssertRowsAsExpected(string lake, Analytics.Generator.GeneratorManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using var db = DuckDb(lake);
        foreach (var (table, rows) in manifest.ExpectedRows)
            Assert.Equal(rows, Scalar<long>(db, $"SELECT count(*) FROM {table}"));
    }

    /// <summary>An in-memory DuckDB connection with one view per lake table (hive partitioning on).</summary>
    public static DuckDBConnection DuckDb(string lake)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var name in Analytics.Schemas.LakePaths.TablesWithData(lake))
            Execute(connection, $"CREATE VIEW {name} AS SELECT * FROM read_parquet('{Analytics.Schemas.LakePaths.DataGlob(lake, name)}', hive_partitioning = true, hive_types = {{'dt': VARCHAR}})");
        return connection;
    }

    /// <summary>
    /// Runs a program's command line with writers of its own and <paramref name="context"/> (default: <see cref="Context"/>);
    /// returns its exit code and what it wrote. Nothing global is touched, so such tests run beside each other.
    /// </summary>
    public static async Task<(int Code, string Out, string Err)> ProgramAsync(Func<ProgramContext, InvocationConfiguration, Task<int>> run, ProgramContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var @out = new StringWriter();
        using var err = new StringWriter();
        var code = await run(context ?? Context(), new InvocationConfiguration { Output = @out, Error = err });
        return (code, @out.ToString(), err.ToString());
    }

    /// <summary>A program context of a test: only <paramref name="environment"/>, and the credentials of the local S3 server (or <paramref name="credentials"/>).</summary>
    public static ProgramContext Context(IReadOnlyDictionary<string, string?>? environment = null, Amazon.Runtime.AWSCredentials? credentials = null, TimeProvider? time = null) => new()
    {
        Environment = environment ?? new Dictionary<string, string?>(),
        Credentials = credentials ?? new Amazon.Runtime.BasicAWSCredentials(Analytics.Tests.Aws.S3Server.Key, Analytics.Tests.Aws.S3Server.Key),
        Time = time ?? TimeProvider.System,
    };

    /// <summary>Runs a statement.</summary>
    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a query and returns its rows as dictionaries keyed by column name.</summary>
    public static List<Dictionary<string, object?>> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Runs a query returning one value.</summary>
    public static T Scalar<T>(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Rows of the Parquet files <paramref name="files"/> (a glob) that come after a later row of the same file.</summary>
    public static long RowsOutOfTimeOrder(DuckDBConnection connection, string files) => Scalar<long>(connection, $"""
        SELECT count(*) FROM (
          SELECT event_time < lag(event_time) OVER (PARTITION BY filename ORDER BY file_row_number) AS backwards
          FROM read_parquet('{files}', filename = true, file_row_number = true))
        WHERE backwards
        """);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln"))) return dir.FullName;
        throw new InvalidOperationException("Analytics.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder that deletes itself.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The folder.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "analytics-tests-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>A path inside the folder.</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc/>
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
