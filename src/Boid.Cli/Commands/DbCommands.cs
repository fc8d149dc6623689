using System.ComponentModel;
using Boid.Silo.Cluster;
using Boid.Silo.Postgres;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Boid.Cli.Commands;

/// <summary>Settings of the <c>boid db</c> commands: where the cluster's PostgreSQL database is.</summary>
public class DbSettings : CommandSettings
{
    [CommandOption("--postgres <CONN>")]
    [Description("PostgreSQL connection string (default: Boid__Postgres__ConnectionString or Boid__Postgres__ConnectionStringFile)")]
    public string? Postgres { get; init; }

    public string ConnectionString() =>
        Postgres ?? ClusterHosting.PostgresConnectionString(new ConfigurationBuilder().AddEnvironmentVariables().Build())
        ?? throw new InvalidOperationException("no database: give --postgres or set Boid__Postgres__ConnectionString");
}

/// <summary>Creates or upgrades the cluster schema. Safe to run any number of times.</summary>
public sealed class DbInitCommand(IAnsiConsole console) : AsyncCommand<DbSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DbSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return await DbCommandRunner.RunAsync(console, settings, async connection =>
        {
            var report = await PostgresMigrator.MigrateAsync(connection, cancellationToken);
            if (report.Applied.Count == 0)
            {
                console.MarkupLineInterpolated($"schema of {PostgresConnection.Describe(connection)} already at version {report.VersionAfter}; nothing to do");
            }
            else
            {
                console.MarkupLineInterpolated($"schema of {PostgresConnection.Describe(connection)}: version {report.VersionBefore} → [green]{report.VersionAfter}[/] (applied {string.Join(", ", report.Applied)})");
            }

            return ExitCodes.Ok;
        });
    }
}

/// <summary>Shows the schema version of the cluster database.</summary>
public sealed class DbStatusCommand(IAnsiConsole console) : AsyncCommand<DbSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, DbSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return await DbCommandRunner.RunAsync(console, settings, async connection =>
        {
            var version = await PostgresMigrator.CurrentVersionAsync(connection, cancellationToken);
            var latest = PostgresMigrator.LatestVersion;
            console.MarkupLineInterpolated($"schema of {PostgresConnection.Describe(connection)} at version {version} of {latest}{(version < latest ? " — run 'boid db init'" : "")}");
            return version < latest ? ExitCodes.Failed : ExitCodes.Ok;
        });
    }
}

internal static class DbCommandRunner
{
    public static async Task<int> RunAsync(IAnsiConsole console, DbSettings settings, Func<string, Task<int>> action)
    {
        string connection;
        try
        {
            connection = PostgresConnection.Normalize(settings.ConnectionString());
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return 2;
        }

        try
        {
            return await action(connection);
        }
        catch (NpgsqlException exception)
        {
            // Npgsql's messages name host and user, never the password.
            console.MarkupLineInterpolated($"[red]error:[/] database {PostgresConnection.Describe(connection)}: {exception.Message}");
            return 5;
        }
    }
}
