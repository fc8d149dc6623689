using Npgsql;

namespace Boid.Silo.Postgres;

/// <summary>Connection-string handling shared by the migrator and the Orleans providers. Never logs the string.</summary>
public static class PostgresConnection
{
    /// <summary>The ADO.NET invariant name Orleans' providers use to find Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Connections one process may open unless the connection string says otherwise.</summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// Validates the string and pins the session time zone to UTC (membership and reminder times are
    /// <c>timestamptz</c>, compared with values Orleans sends). Throws <see cref="ArgumentException"/>
    /// naming the problem, never echoing the string (it holds a password).
    /// </summary>
    public static string Normalize(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"Boid:Postgres:ConnectionString is not a valid Npgsql connection string ({exception.GetType().Name})", nameof(connectionString));
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new ArgumentException("Boid:Postgres:ConnectionString names no Host", nameof(connectionString));
        }

        builder.Timezone = "UTC";
        builder.ApplicationName ??= "boid";
        if (!connectionString.Contains("pool size", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("maxpoolsize", StringComparison.OrdinalIgnoreCase))
        {
            // Npgsql's default pool of 100 per process lets four silos exhaust PostgreSQL's default 100 connections
            // (seen in the network-namespace cluster: error 53300). An explicit setting in the string wins.
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return builder.ConnectionString;
    }

    /// <summary>A description safe for logs: host, port, database and user, no password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
