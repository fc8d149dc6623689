using Orleans.Storage;

namespace Boid.Persistence.Sqlite;

/// <summary>How hard SQLite works to make a committed batch survive a crash.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// <c>PRAGMA synchronous=NORMAL</c>: in WAL mode a commit survives a crash of the process;
    /// after a power loss the last commits may roll back (the file is never corrupted).
    /// </summary>
    Normal = 0,

    /// <summary><c>PRAGMA synchronous=FULL</c>: every commit is synced to disk before it is acknowledged.</summary>
    Full = 1,
}

/// <summary>Options of one named SQLite grain storage provider.</summary>
public sealed class SqliteGrainStorageOptions : IStorageProviderSerializerOptions
{
    /// <summary>Default for <see cref="MaxBatchSize"/>.</summary>
    public const int DefaultMaxBatchSize = 512;

    /// <summary>Path of the SQLite database file; created (with its folder) when missing. Required.</summary>
    public string DataSource { get; set; } = string.Empty;

    /// <summary>
    /// When <see langword="true"/>, clearing state deletes its row; otherwise the row stays with no payload
    /// and a new ETag.
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool DeleteStateOnClear { get; set; }

    /// <summary>Most writes and clears applied in one transaction by the group-commit writer.</summary>
    /// <value>Default 512.</value>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;

    /// <summary>Durability of a commit; a write completes only once its batch is committed in this mode.</summary>
    /// <value>Default <see cref="SqliteSynchronousMode.Normal"/>.</value>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Normal;

    /// <summary>How long a statement waits for a lock held by another connection before it fails.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Serializer for state payloads. When <see langword="null"/>, the silo's configured
    /// <see cref="IGrainStorageSerializer"/> is used.
    /// </summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    // Orleans' default-serializer post-configurator fills this in when it is null.
    IGrainStorageSerializer IStorageProviderSerializerOptions.GrainStorageSerializer
    {
        get => GrainStorageSerializer!;
        set => GrainStorageSerializer = value;
    }
}
