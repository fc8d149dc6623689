using Microsoft.Extensions.Options;

namespace Boid.Persistence.Sqlite;

/// <summary>Validates every named <see cref="SqliteGrainStorageOptions"/> instance.</summary>
internal sealed class SqliteGrainStorageOptionsValidator : IValidateOptions<SqliteGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteGrainStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataSource))
        {
            failures.Add($"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.DataSource)} is required " +
                $"(SQLite grain storage '{name}'): set it to the path of the database file.");
        }

        if (options.MaxBatchSize < 1)
        {
            failures.Add($"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.MaxBatchSize)} must be at least 1 " +
                $"(SQLite grain storage '{name}'), was {options.MaxBatchSize}.");
        }

        if (options.BusyTimeout < TimeSpan.Zero)
        {
            failures.Add($"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.BusyTimeout)} must not be negative " +
                $"(SQLite grain storage '{name}').");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            failures.Add($"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.Synchronous)} has an unknown value " +
                $"{options.Synchronous} (SQLite grain storage '{name}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
