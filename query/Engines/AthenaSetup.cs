using Analytics.Aws.Athena;
using Analytics.Schemas;
using Analytics.Schemas.Ddl;
using Analytics.Schemas.Views;

namespace Analytics.Query.Engines;

/// <summary>What the setup did to one object of the catalog.</summary>
/// <param name="Name">The database or table.</param>
/// <param name="Action">created, unchanged, columns added, properties updated, replaced.</param>
/// <param name="Detail">What differed, for a change.</param>
internal sealed record SetupChange(string Name, string Action, string? Detail = null)
{
    /// <summary>One line for the terminal.</summary>
    public override string ToString() => Detail is null ? $"{Name}: {Action}" : $"{Name}: {Action} ({Detail})";
}

/// <summary>
/// Creates or brings up to date the lake's database and tables in Athena's catalog, one statement per call (Athena runs
/// one at a time), and says what it changed. It reads each table first (GetTableMetadata) and sends only what differs:
/// a missing table is created; new trailing columns are added (<c>ALTER TABLE … ADD COLUMNS</c>, as the table contract
/// allows: columns are only ever added at the end); other column changes replace the table (<c>DROP TABLE</c> then
/// <c>CREATE EXTERNAL TABLE</c>: the files in S3 are untouched, only the catalog entry is replaced); changed partition
/// projection or location properties are set (<c>ALTER TABLE … SET TBLPROPERTIES</c>); then the shared views. A second
/// run changes nothing.
/// </summary>
/// <remarks>
/// The shared views (<see cref="SharedViews"/>) are created with <c>CREATE OR REPLACE VIEW</c> when missing or when their
/// columns differ; Athena keeps a view's text encoded, so a view whose body changed but not its columns is replaced only
/// when <paramref name="replaceViews"/> asks.
/// </remarks>
internal sealed class AthenaSetup(AthenaQueryRunner runner, string location, string rangeStart = AthenaDdl.DefaultRangeStart, bool replaceViews = false)
{
    /// <summary>Every statement sent, in order.</summary>
    public List<string> Statements { get; } = [];

    /// <summary>Brings the database and every table of <paramref name="tables"/> up to date.</summary>
    public async Task<List<SetupChange>> RunAsync(IEnumerable<TableDefinition> tables, Action<SetupChange>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var database = runner.Options.Database;
        var catalog = runner.Options.Catalog;
        var changes = new List<SetupChange>();
        void Report(SetupChange change)
        {
            changes.Add(change);
            progress?.Invoke(change);
        }

        if (!await runner.Athena.DatabaseExistsAsync(catalog, database, cancellationToken).ConfigureAwait(false))
        {
            // The query context names a database that does not exist yet: run this one in "default".
            var inDefault = new AthenaQueryRunner(runner.Athena, runner.Options with { Database = "default" });
            await ExecuteAsync(inDefault, $"CREATE DATABASE IF NOT EXISTS `{database}` COMMENT 'Analytics lake: AWS operational events (ECS, Health, Support)'", cancellationToken).ConfigureAwait(false);
            Report(new SetupChange(database, "created"));
        }

        foreach (var table in tables)
        {
            var existing = await runner.Athena.GetTableMetadataAsync(catalog, database, table.Name, cancellationToken).ConfigureAwait(false);
            var create = AthenaDdl.CreateTable(table, database, location, rangeStart).TrimEnd().TrimEnd(';');
            var name = $"{database}.{table.Name}";
            if (existing is null)
            {
                await ExecuteAsync(runner, create, cancellationToken).ConfigureAwait(false);
                Report(new SetupChange(name, "created"));
                continue;
            }
            var wanted = AthenaDdl.Columns(table);
            var have = existing.Columns;
            var same = have.Count <= wanted.Count && have.Select((c, i) => Same(c, wanted[i])).All(x => x);
            if (!same || existing.TableType is "VIRTUAL_VIEW")
            {
                await ExecuteAsync(runner, $"DROP TABLE IF EXISTS `{database}`.`{table.Name}`", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(runner, create, cancellationToken).ConfigureAwait(false);
                Report(new SetupChange(name, "replaced", "columns differ: " + Difference(have, wanted) + "; the files in S3 are untouched"));
                continue;
            }
            var changed = false;
            if (have.Count < wanted.Count)
            {
                var added = wanted.Skip(have.Count).ToList();
                await ExecuteAsync(runner, $"ALTER TABLE `{database}`.`{table.Name}` ADD COLUMNS ({string.Join(", ", added.Select(c => $"`{c.Name}` {c.Type}"))})", cancellationToken).ConfigureAwait(false);
                Report(new SetupChange(name, "columns added", string.Join(", ", added.Select(c => c.Name))));
                changed = true;
            }
            var properties = AthenaDdl.TableProperties(table, location, rangeStart)
                .Where(p => !existing.Parameters.TryGetValue(p.Key, out var value) || value != p.Value).ToList();
            if (properties.Count > 0)
            {
                await ExecuteAsync(runner, $"ALTER TABLE `{database}`.`{table.Name}` SET TBLPROPERTIES ({string.Join(", ", properties.Select(p => $"'{p.Key}'='{p.Value}'"))})", cancellationToken).ConfigureAwait(false);
                Report(new SetupChange(name, "properties updated", string.Join(", ", properties.Select(p => p.Key))));
                changed = true;
            }
            if (!changed) Report(new SetupChange(name, "unchanged"));
        }

        // The shared views: created when missing, replaced when their columns are not the definition's.
        foreach (var view in SharedViews.All)
        {
            var name = $"{database}.{view.Name}";
            var existing = await runner.Athena.GetTableMetadataAsync(catalog, database, view.Name, cancellationToken).ConfigureAwait(false);
            var same = existing is not null && existing.Columns.Select(c => c.Name).SequenceEqual(view.Columns, StringComparer.OrdinalIgnoreCase);
            if (same && !replaceViews)
            {
                Report(new SetupChange(name, "unchanged"));
                continue;
            }
            await ExecuteAsync(runner, $"CREATE OR REPLACE VIEW `{database}`.`{view.Name}` AS\n{view.Sql.Trim()}", cancellationToken).ConfigureAwait(false);
            Report(new SetupChange(name, existing is null ? "created" : "replaced", existing is null ? null : same ? "asked" : "columns differ"));
        }
        return changes;
    }

    private async Task ExecuteAsync(AthenaQueryRunner on, string statement, CancellationToken cancellationToken)
    {
        Statements.Add(statement);
        await on.RunAsync(statement, [], reuse: false, cancellationToken).ConfigureAwait(false);
    }

    // Glue keeps Hive type names lowercase and without spaces (struct<a:int,b:string>).
    private static bool Same(Column have, (string Name, string Type, string? Description) wanted) =>
        have.Name.Equals(wanted.Name, StringComparison.OrdinalIgnoreCase)
        && Normal(have.Type) == Normal(wanted.Type);

    private static string Normal(string type) => type.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string Difference(IReadOnlyList<Column> have, IReadOnlyList<(string Name, string Type, string? Description)> wanted)
    {
        for (var i = 0; i < have.Count; i++)
        {
            if (i >= wanted.Count) return $"'{have[i].Name}' is not in the contract";
            if (!Same(have[i], wanted[i])) return $"column {i + 1} is {have[i].Name} {have[i].Type}, the contract says {wanted[i].Name} {wanted[i].Type}";
        }
        return "table type";
    }
}
