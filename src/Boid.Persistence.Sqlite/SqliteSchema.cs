using Microsoft.Data.Sqlite;

namespace Boid.Persistence.Sqlite;

/// <summary>
/// The database layout, versioned with <c>PRAGMA user_version</c>. Migrations only ever get appended:
/// migration <c>n</c> moves the schema from version <c>n - 1</c> to <c>n</c>.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Key of the row in <c>storage_meta</c> that holds the last ETag version handed out.</summary>
    public const string LastVersionKey = "last_version";

    private static readonly string[] Migrations =
    [
        // 1: grain state rows and the ETag version counter.
        """
        CREATE TABLE grain_state (
            storage_name TEXT    NOT NULL,
            state_name   TEXT    NOT NULL,
            grain_id     TEXT    NOT NULL,
            version      INTEGER NOT NULL,
            payload      BLOB,
            PRIMARY KEY (storage_name, state_name, grain_id)
        );
        CREATE TABLE storage_meta (
            key   TEXT    NOT NULL PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO storage_meta (key, value) VALUES ('last_version', 0);
        """,
    ];

    /// <summary>Schema version this build writes.</summary>
    public static long LatestVersion => Migrations.Length;

    /// <summary>
    /// Brings the schema up to <see cref="LatestVersion"/> inside one immediate transaction, so that
    /// several providers opening the same file at once migrate it exactly once.
    /// </summary>
    /// <returns>The schema version found before migrating.</returns>
    public static long Migrate(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        var found = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (found > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The SQLite grain storage file '{connection.DataSource}' has schema version {found}, newer than the {LatestVersion} this build knows; refusing to use it.");
        }

        for (var version = found + 1; version <= LatestVersion; version++)
        {
            command.CommandText = Migrations[version - 1];
            command.ExecuteNonQuery();
            // PRAGMA takes no parameters; the value is an integer we produced.
            command.CommandText = FormattableString.Invariant($"PRAGMA user_version = {version};");
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        return found;
    }
}
