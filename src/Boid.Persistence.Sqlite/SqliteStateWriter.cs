using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Boid.Persistence.Sqlite;

/// <summary>
/// Group commit: callers queue operations; one loop drains whatever is queued (up to the batch limit),
/// applies it in one immediate transaction with prepared commands, commits, then completes each caller.
/// </summary>
internal sealed class SqliteStateWriter : IAsyncDisposable
{
    private readonly string _storageName;
    private readonly bool _deleteStateOnClear;
    private readonly int _maxBatchSize;
    private readonly ILogger _logger;
    private readonly SqliteConnection _connection;
    private readonly Channel<PendingOperation> _queue;
    private readonly Commands _commands;
    private Task? _loop;
    private long _transactions;
    private long _operations;
    private volatile bool _abandon;
    private int _disposed;

    public SqliteStateWriter(string storageName, SqliteConnection connection, SqliteGrainStorageOptions options, ILogger logger)
    {
        _storageName = storageName;
        _connection = connection;
        _deleteStateOnClear = options.DeleteStateOnClear;
        _maxBatchSize = options.MaxBatchSize;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingOperation>(new BoundedChannelOptions(checked(options.MaxBatchSize * 8))
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _commands = new Commands(connection, storageName);
    }

    public long TransactionsCommitted => Interlocked.Read(ref _transactions);

    public long OperationsCommitted => Interlocked.Read(ref _operations);

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues an operation; the returned task completes when it is committed (or fails).</summary>
    public Task EnqueueAsync(PendingOperation operation)
    {
        if (_queue.Writer.TryWrite(operation))
        {
            return operation.Task;
        }

        return EnqueueSlowAsync(operation);
    }

    private async Task EnqueueSlowAsync(PendingOperation operation)
    {
        try
        {
            // Queue full: wait for room (back-pressure), unless the writer is stopping.
            await _queue.Writer.WriteAsync(operation).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw StoppedException(operation);
        }

        await operation.Task.ConfigureAwait(false);
    }

    public ObjectDisposedException StoppedException(PendingOperation operation) => new(
        nameof(SqliteGrainStorage),
        $"SQLite grain storage '{_storageName}' is stopped: the {Describe(operation.Kind)} of state '{operation.StateName}' for grain {operation.GrainId} was not saved.");

    /// <summary>
    /// Stops taking operations, commits everything already queued, then closes the connection.
    /// If <paramref name="cancellationToken"/> fires first, operations not yet begun fail unwritten.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not { } loop)
        {
            return;
        }

        try
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _abandon = true;
            await loop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _commands.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
        Log.Stopped(_logger, _storageName, TransactionsCommitted, OperationsCommitted);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingOperation>(_maxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var operation))
                {
                    batch.Add(operation);
                }

                if (_abandon)
                {
                    Log.QueueAbandoned(_logger, _storageName, batch.Count);
                    foreach (var operation in batch)
                    {
                        operation.TrySetException(StoppedException(operation));
                    }
                }
                else
                {
                    CommitBatch(batch);
                }

                batch.Clear();
            }
        }
        catch (Exception exception)
        {
            // Not expected: CommitBatch handles SQLite failures itself. Fail everyone rather than hang them.
            Log.WriterCrashed(_logger, exception, _storageName);
            _queue.Writer.TryComplete(exception);
            foreach (var operation in batch)
            {
                operation.TrySetException(exception);
            }

            while (_queue.Reader.TryRead(out var operation))
            {
                operation.TrySetException(exception);
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="batch"/> in one transaction. A statement that fails for one operation
    /// (not an ETag conflict, which is an outcome) fails only that caller: the transaction is rolled back
    /// and the rest retried. A failure of the transaction itself (begin, commit) fails the whole batch.
    /// </summary>
    private void CommitBatch(List<PendingOperation> batch)
    {
        while (batch.Count > 0)
        {
            var current = -1;
            try
            {
                _commands.Begin.ExecuteNonQuery();
                var lastVersion = (long)_commands.ReadLastVersion.ExecuteScalar()!;
                for (current = 0; current < batch.Count; current++)
                {
                    Apply(batch[current], ref lastVersion);
                }

                current = -1;
                _commands.LastVersion.Value = lastVersion;
                _commands.WriteLastVersion.ExecuteNonQuery();
                _commands.Commit.ExecuteNonQuery();
            }
            catch (Exception exception)
            {
                TryRollback();
                if (current >= 0)
                {
                    var failed = batch[current];
                    Log.OperationFailed(_logger, exception, _storageName, Describe(failed.Kind), failed.StateName, failed.GrainId);
                    failed.TrySetException(exception);
                    batch.RemoveAt(current);
                    foreach (var operation in batch)
                    {
                        operation.NewVersion = null;
                        operation.Failure = null;
                    }

                    continue;
                }

                Log.BatchFailed(_logger, exception, _storageName, batch.Count);
                foreach (var operation in batch)
                {
                    operation.TrySetException(exception);
                }

                return;
            }

            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _operations, batch.Count);
            foreach (var operation in batch)
            {
                operation.Publish();
            }

            return;
        }
    }

    private void Apply(PendingOperation operation, ref long lastVersion)
    {
        _commands.StateName.Value = operation.StateName;
        _commands.GrainId.Value = operation.GrainId;
        var next = lastVersion + 1;
        int changed;
        if (operation.Kind == OperationKind.Write)
        {
            _commands.Payload.Value = operation.Payload;
            _commands.Version.Value = next;
            if (operation.ExpectedVersion is { } expected)
            {
                _commands.ExpectedVersion.Value = expected;
                changed = _commands.Update.ExecuteNonQuery();
            }
            else
            {
                changed = _commands.Insert.ExecuteNonQuery();
            }
        }
        else if (operation.ExpectedVersion is { } expected)
        {
            _commands.ExpectedVersion.Value = expected;
            if (_deleteStateOnClear)
            {
                changed = _commands.Delete.ExecuteNonQuery();
                next = 0;
            }
            else
            {
                _commands.Version.Value = next;
                changed = _commands.ClearPayload.ExecuteNonQuery();
            }
        }
        else
        {
            // Clearing state that was never written: nothing to do unless a row exists after all.
            changed = _commands.ReadVersion.ExecuteScalar() is null ? 1 : 0;
            next = 0;
        }

        if (changed == 0)
        {
            operation.Failure = Conflict(operation);
            return;
        }

        if (next == 0)
        {
            operation.NewVersion = null;
        }
        else
        {
            operation.NewVersion = next;
            lastVersion = next;
        }
    }

    private InconsistentStateException Conflict(PendingOperation operation)
    {
        var stored = _commands.ReadVersion.ExecuteScalar() is long version ? SqliteETag.Format(version) : null;
        var expected = SqliteETag.Format(operation.ExpectedVersion);
        Log.ETagConflict(_logger, _storageName, operation.StateName, operation.GrainId, expected, stored);
        return new InconsistentStateException(
            $"ETag conflict on the {Describe(operation.Kind)} of state '{operation.StateName}' for grain {operation.GrainId} " +
            $"in SQLite grain storage '{_storageName}': the caller has {expected ?? "no ETag"}, storage has {stored ?? "no row"}.",
            stored ?? string.Empty,
            expected ?? string.Empty);
    }

    private void TryRollback()
    {
        if (_connection.State != System.Data.ConnectionState.Open || SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) != 0)
        {
            return; // no transaction open (it never began, or SQLite already rolled it back)
        }

        try
        {
            _commands.Rollback.ExecuteNonQuery();
        }
        catch (SqliteException exception)
        {
            Log.RollbackFailed(_logger, exception, _storageName);
        }
    }

    private static string Describe(OperationKind kind) => kind == OperationKind.Write ? "write" : "clear";

    /// <summary>Prepared statements of the writer connection, reused for every batch.</summary>
    private sealed class Commands : IDisposable
    {
        private const string Key = "storage_name = $storage AND state_name = $state AND grain_id = $grain";
        private readonly List<SqliteCommand> _all = [];

        public Commands(SqliteConnection connection, string storageName)
        {
            Begin = Create(connection, "BEGIN IMMEDIATE;");
            Commit = Create(connection, "COMMIT;");
            Rollback = Create(connection, "ROLLBACK;");
            ReadLastVersion = Create(connection, $"SELECT value FROM storage_meta WHERE key = '{SqliteSchema.LastVersionKey}';");
            WriteLastVersion = Create(connection, $"UPDATE storage_meta SET value = $last WHERE key = '{SqliteSchema.LastVersionKey}';");
            LastVersion = WriteLastVersion.Parameters.Add("$last", SqliteType.Integer);

            Insert = Create(connection,
                "INSERT INTO grain_state (storage_name, state_name, grain_id, version, payload) VALUES ($storage, $state, $grain, $version, $payload) " +
                "ON CONFLICT DO NOTHING;");
            Update = Create(connection, $"UPDATE grain_state SET version = $version, payload = $payload WHERE {Key} AND version = $expected;");
            ClearPayload = Create(connection, $"UPDATE grain_state SET version = $version, payload = NULL WHERE {Key} AND version = $expected;");
            Delete = Create(connection, $"DELETE FROM grain_state WHERE {Key} AND version = $expected;");
            ReadVersion = Create(connection, $"SELECT version FROM grain_state WHERE {Key};");

            // Commands share parameter values through these objects: set once per operation, used by whichever runs.
            StateName = new SqliteParameter("$state", SqliteType.Text);
            GrainId = new SqliteParameter("$grain", SqliteType.Text);
            Version = new SqliteParameter("$version", SqliteType.Integer);
            ExpectedVersion = new SqliteParameter("$expected", SqliteType.Integer);
            Payload = new SqliteParameter("$payload", SqliteType.Blob);
            foreach (var command in new[] { Insert, Update, ClearPayload, Delete, ReadVersion })
            {
                command.Parameters.Add(new SqliteParameter("$storage", SqliteType.Text) { Value = storageName });
                foreach (var parameter in new[] { StateName, GrainId, Version, ExpectedVersion, Payload })
                {
                    if (command.CommandText.Contains(parameter.ParameterName, StringComparison.Ordinal))
                    {
                        command.Parameters.Add(parameter);
                    }
                }
            }

            foreach (var command in _all)
            {
                command.Prepare();
            }
        }

        public SqliteCommand Begin { get; }

        public SqliteCommand Commit { get; }

        public SqliteCommand Rollback { get; }

        public SqliteCommand ReadLastVersion { get; }

        public SqliteCommand WriteLastVersion { get; }

        public SqliteParameter LastVersion { get; }

        public SqliteCommand Insert { get; }

        public SqliteCommand Update { get; }

        public SqliteCommand ClearPayload { get; }

        public SqliteCommand Delete { get; }

        public SqliteCommand ReadVersion { get; }

        public SqliteParameter StateName { get; }

        public SqliteParameter GrainId { get; }

        public SqliteParameter Version { get; }

        public SqliteParameter ExpectedVersion { get; }

        public SqliteParameter Payload { get; }

        public void Dispose()
        {
            foreach (var command in _all)
            {
                command.Dispose();
            }
        }

        private SqliteCommand Create(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            _all.Add(command);
            return command;
        }
    }
}
