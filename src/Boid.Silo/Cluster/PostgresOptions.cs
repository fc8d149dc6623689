namespace Boid.Silo.Cluster;

/// <summary>
/// The cluster database, bound from <c>Boid:Postgres</c>. With a connection string the silo runs the multi-machine
/// cluster (clustering, grain state and reminders on PostgreSQL); without one, the embedded cluster on one machine.
/// </summary>
public sealed class PostgresOptions
{
    public const string SectionName = "Boid:Postgres";

    /// <summary>The connection string (environment <c>Boid__Postgres__ConnectionString</c>). A secret: never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A file whose first line is the connection string, used when <see cref="ConnectionString"/> is not set.</summary>
    public string? ConnectionStringFile { get; set; }

    /// <summary>The connection string, from <see cref="ConnectionString"/> or else <see cref="ConnectionStringFile"/>; null: no database.</summary>
    public string? Resolve()
    {
        if (ConnectionString is { Length: > 0 } direct)
        {
            return direct;
        }

        if (ConnectionStringFile is not { Length: > 0 } file)
        {
            return null;
        }

        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(ConnectionStringFile)}: no file '{file}'");
        }

        return File.ReadLines(file).FirstOrDefault()?.Trim() is { Length: > 0 } line
            ? line
            : throw new InvalidOperationException($"{SectionName}:{nameof(ConnectionStringFile)}: '{file}' is empty");
    }

    public override string ToString() => $"PostgresOptions {{ ConnectionString = {(ConnectionString is null ? "none" : "[redacted]")}, ConnectionStringFile = {ConnectionStringFile} }}";
}
