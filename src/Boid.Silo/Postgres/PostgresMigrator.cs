using System.Globalization;
using Npgsql;

namespace Boid.Silo.Postgres;

/// <summary>One schema migration: its version (the file's number), its name and its SQL.</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);

/// <summary>What <see cref="PostgresMigrator.MigrateAsync"/> did.</summary>
public sealed record MigrationReport(int VersionBefore, int VersionAfter, IReadOnlyList<string> Applied);

/// <summary>
/// Applies the embedded migrations (<c>Postgres/Migrations/NNNN_name.sql</c>) in order, each in its own
/// transaction, and records them in <c>boid_schema_migrations</c>. Idempotent: applied versions are skipped,
/// and an advisory lock makes silos or operators starting at once apply each migration exactly once.
/// </summary>
public static class PostgresMigrator
{
    /// <summary>The advisory lock key every migrator takes ("boid" in ASCII).</summary>
    private const long LockKey = 0x626f6964;

    public static IReadOnlyList<PostgresMigration> Migrations { get; } = Load();

    public static int LatestVersion => Migrations[^1].Version;

    public static async Task<MigrationReport> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(PostgresConnection.Normalize(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, """
            CREATE TABLE IF NOT EXISTS boid_schema_migrations
            (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken).ConfigureAwait(false);

        var before = await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        var applied = new List<string>();
        foreach (var migration in Migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);
            await using (var check = new NpgsqlCommand("SELECT count(*) FROM boid_schema_migrations WHERE version = @v", connection, transaction))
            {
                check.Parameters.AddWithValue("v", migration.Version);
                if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
                {
                    await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using (var record = new NpgsqlCommand("INSERT INTO boid_schema_migrations (version, name) VALUES (@v, @n)", connection, transaction))
            {
                record.Parameters.AddWithValue("v", migration.Version);
                record.Parameters.AddWithValue("n", migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add($"{migration.Version:D4}_{migration.Name}");
        }

        return new MigrationReport(before, await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false), applied);
    }

    /// <summary>The highest applied version, 0 for an empty database.</summary>
    public static async Task<int> CurrentVersionAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(PostgresConnection.Normalize(connectionString));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT CASE WHEN to_regclass('boid_schema_migrations') IS NULL THEN 0 ELSE (SELECT coalesce(max(version), 0) FROM boid_schema_migrations) END",
            connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<PostgresMigration> Load()
    {
        const string Prefix = "Boid.Silo.Postgres.Migrations.";
        var assembly = typeof(PostgresMigrator).Assembly;
        var migrations = new List<PostgresMigration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[Prefix.Length..^".sql".Length];
            var separator = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file[..separator], NumberStyles.None, CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new PostgresMigration(version, file[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"migrations must be numbered 1, 2, 3… without gaps; found {migrations[i].Version} at position {i + 1}");
            }
        }

        return migrations;
    }
}
