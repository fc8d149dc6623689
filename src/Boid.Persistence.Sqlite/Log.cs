using Microsoft.Extensions.Logging;

namespace Boid.Persistence.Sqlite;

/// <summary>Log messages of the SQLite grain storage (event ids 4100–4199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "SQLite grain storage {StorageName} opened {DataSource} (schema version {SchemaVersion}, synchronous {Synchronous}, max batch {MaxBatchSize})")]
    public static partial void Opened(ILogger logger, string storageName, string dataSource, long schemaVersion, SqliteSynchronousMode synchronous, int maxBatchSize);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "SQLite grain storage {StorageName} migrated {DataSource} from schema version {FromVersion} to {ToVersion}")]
    public static partial void Migrated(ILogger logger, string storageName, string dataSource, long fromVersion, long toVersion);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug,
        Message = "SQLite grain storage {StorageName}: ETag conflict on state {StateName} of grain {GrainId} (expected {ExpectedETag}, stored {StoredETag})")]
    public static partial void ETagConflict(ILogger logger, string storageName, string stateName, string grainId, string? expectedETag, string? storedETag);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning,
        Message = "SQLite grain storage {StorageName} failed to apply {Operation} of state {StateName} for grain {GrainId}; that caller fails and the rest of its batch is retried")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string storageName, string operation, string stateName, string grainId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Error,
        Message = "SQLite grain storage {StorageName} failed to commit a batch of {Count} operations; every caller in it fails")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string storageName, int count);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "SQLite grain storage {StorageName} could not roll back a failed batch")]
    public static partial void RollbackFailed(ILogger logger, Exception exception, string storageName);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
        Message = "SQLite grain storage {StorageName}: stop was cancelled before the queue drained; {Count} queued operations failed unwritten")]
    public static partial void QueueAbandoned(ILogger logger, string storageName, int count);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Information,
        Message = "SQLite grain storage {StorageName} stopped after {Transactions} transactions and {Operations} operations")]
    public static partial void Stopped(ILogger logger, string storageName, long transactions, long operations);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Critical,
        Message = "SQLite grain storage {StorageName}: the writer loop stopped unexpectedly; later writes fail")]
    public static partial void WriterCrashed(ILogger logger, Exception exception, string storageName);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Error,
        Message = "SQLite grain storage {StorageName} could not deserialize state {StateName} of grain {GrainId} (ETag {ETag})")]
    public static partial void DeserializeFailed(ILogger logger, Exception exception, string storageName, string stateName, string grainId, string eTag);
}
