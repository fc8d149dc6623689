using Npgsql;

namespace Boid.Cluster.Tests;

/// <summary>
/// A fresh PostgreSQL database for one test, dropped at the end. The server is the one scripts/ensure-postgres.sh
/// starts (role boid, password boid, CREATEDB); BOID_TEST_POSTGRES overrides the administrative connection.
/// A missing server fails the test, never skips it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private static readonly string Admin =
        Environment.GetEnvironmentVariable("BOID_TEST_POSTGRES") ?? "Host=127.0.0.1;Username=boid;Password=boid;Database=boid";

    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var name = "boid_t_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var connection = new NpgsqlConnection(Admin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException exception)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable as role boid on 127.0.0.1 ({exception.Message}): run scripts/ensure-postgres.sh (.ci/run does)", exception);
        }

        return new TestDatabase(name, new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ConnectionString);
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
