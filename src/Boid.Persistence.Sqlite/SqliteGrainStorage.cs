using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Boid.Persistence.Sqlite;

/// <summary>
/// Orleans grain storage in one SQLite file: WAL journal, reads on their own connections, and every
/// write or clear group-committed by a single writer (see the folder's README).
/// </summary>
/// <remarks>
/// Registered with <see cref="SqliteGrainStorageExtensions"/>; it opens the file when the silo starts and
/// drains its queue when the silo stops. Used without a silo (measurement, tools), it opens on first use;
/// dispose it to drain and close.
/// </remarks>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IAsyncDisposable, IDisposable
{
    private const int MaxIdleReaders = 16;

    private readonly string _name;
    private readonly SqliteGrainStorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger _logger;
    private readonly string _writerConnectionString;
    private readonly string _readerConnectionString;
    private readonly ConcurrentQueue<ReadSession> _idleReaders = new();
    private readonly Lock _startLock = new();
    private Task<SqliteStateWriter>? _started;
    private volatile bool _stopped;

    /// <summary>Creates the provider; nothing is opened until it starts.</summary>
    /// <param name="name">Provider name, stored with every row (several providers may share one file).</param>
    /// <param name="options">Options; <see cref="SqliteGrainStorageOptions.GrainStorageSerializer"/> must be set
    /// (registration sets it to the silo's default).</param>
    /// <param name="logger">Logger.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public SqliteGrainStorage(string name, SqliteGrainStorageOptions options, ILogger<SqliteGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var validation = new SqliteGrainStorageOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(name, typeof(SqliteGrainStorageOptions), validation.Failures);
        }

        _name = name;
        _options = options;
        _serializer = options.GrainStorageSerializer ?? throw new OptionsValidationException(name, typeof(SqliteGrainStorageOptions),
            [$"{nameof(SqliteGrainStorageOptions)}.{nameof(SqliteGrainStorageOptions.GrainStorageSerializer)} is not set (SQLite grain storage '{name}')."]);
        _logger = logger;

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(options.DataSource),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false, // this class keeps its own connections; closing one really closes the file
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        };
        _writerConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWrite;
        _readerConnectionString = builder.ToString();
    }

    /// <summary>Transactions committed by the group-commit writer since it started.</summary>
    public long TransactionsCommitted => _started is { IsCompletedSuccessfully: true } started ? started.Result.TransactionsCommitted : 0;

    /// <summary>Writes and clears committed (ETag conflicts excluded) since the writer started.</summary>
    public long OperationsCommitted => _started is { IsCompletedSuccessfully: true } started ? started.Result.OperationsCommitted : 0;

    /// <inheritdoc/>
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", ServiceLifecycleStage.ApplicationServices, StartAsync, StopAsync);
    }

    /// <summary>Opens the file, applies schema migrations and starts the writer. Idempotent.</summary>
    /// <param name="cancellationToken">Not observed once opening has begun.</param>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GetWriterAsync();
    }

    /// <summary>
    /// Stops taking writes, commits everything already queued, and closes the file. Writes arriving
    /// afterwards fail with <see cref="ObjectDisposedException"/>; if <paramref name="cancellationToken"/>
    /// fires before the queue has drained, the operations not yet begun fail the same way.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopped = true;
        Task<SqliteStateWriter>? started;
        lock (_startLock)
        {
            started = _started;
        }

        if (started is not null)
        {
            // A start still in progress finishes first, so that its connection is closed too.
            await ((Task)started).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (started.IsCompletedSuccessfully)
            {
                var writer = started.Result;
                await writer.StopAsync(cancellationToken).ConfigureAwait(false);
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        while (_idleReaders.TryDequeue(out var reader))
        {
            reader.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <inheritdoc/>
    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        cancellationToken.ThrowIfCancellationRequested();
        await GetWriterAsync().ConfigureAwait(false); // the schema exists once the writer has started
        ObjectDisposedException.ThrowIf(_stopped, this);

        var grainKey = grainId.ToString();
        var session = _idleReaders.TryDequeue(out var idle) ? idle : new ReadSession(_readerConnectionString, _name, _options.BusyTimeout);
        long? version;
        byte[]? payload;
        try
        {
            (version, payload) = session.Read(stateName, grainKey);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        if (_stopped || _idleReaders.Count >= MaxIdleReaders)
        {
            session.Dispose();
        }
        else
        {
            _idleReaders.Enqueue(session);
        }

        grainState.ETag = SqliteETag.Format(version);
        grainState.RecordExists = payload is not null;
        if (payload is null)
        {
            return; // no row, or a cleared one: the caller keeps its fresh state
        }

        try
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload));
        }
        catch (Exception exception)
        {
            Log.DeserializeFailed(_logger, exception, _name, stateName, grainKey, grainState.ETag!);
            throw new SerializationException(
                $"SQLite grain storage '{_name}' could not deserialize state '{stateName}' of grain {grainKey} as {typeof(T)}.", exception);
        }
    }

    /// <inheritdoc/>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    /// <remarks>Cancellation is observed only before the write is queued; a queued write is committed or fails.</remarks>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var grainKey = grainId.ToString();
        if (!SqliteETag.TryParse(grainState.ETag, out var expected))
        {
            return Task.FromException(MalformedETag(stateName, grainKey, grainState.ETag!));
        }

        byte[] payload;
        try
        {
            payload = ToArray(_serializer.Serialize(grainState.State));
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }

        return EnqueueAsync(new PendingOperation<T>(OperationKind.Write, stateName, grainKey, expected, payload, grainState));
    }

    /// <inheritdoc/>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc/>
    /// <remarks>Cancellation is observed only before the clear is queued.</remarks>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var grainKey = grainId.ToString();
        if (!SqliteETag.TryParse(grainState.ETag, out var expected))
        {
            return Task.FromException(MalformedETag(stateName, grainKey, grainState.ETag!));
        }

        return EnqueueAsync(new PendingOperation<T>(OperationKind.Clear, stateName, grainKey, expected, null, grainState));
    }

    private Task EnqueueAsync(PendingOperation operation)
    {
        var started = _started;
        if (started is { IsCompletedSuccessfully: true } && !_stopped)
        {
            return started.Result.EnqueueAsync(operation);
        }

        return EnqueueAfterStartAsync(operation);
    }

    private async Task EnqueueAfterStartAsync(PendingOperation operation)
    {
        var writer = await GetWriterAsync().ConfigureAwait(false);
        if (_stopped)
        {
            throw writer.StoppedException(operation);
        }

        await writer.EnqueueAsync(operation).ConfigureAwait(false);
    }

    private Task<SqliteStateWriter> GetWriterAsync()
    {
        if (_started is { } started)
        {
            return started;
        }

        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            return _started ??= Task.Run(Open);
        }
    }

    private SqliteStateWriter Open()
    {
        var path = new SqliteConnectionStringBuilder(_writerConnectionString).DataSource;
        if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_writerConnectionString);
        try
        {
            connection.Open();
            var synchronous = _options.Synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = FormattableString.Invariant(
                    $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous};");
                pragma.ExecuteNonQuery();
                pragma.CommandText = "PRAGMA journal_mode;";
                var mode = pragma.ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"SQLite grain storage '{_name}' could not put '{path}' in WAL mode (journal mode is '{mode}').");
                }
            }

            var found = SqliteSchema.Migrate(connection);
            if (found != SqliteSchema.LatestVersion)
            {
                Log.Migrated(_logger, _name, path, found, SqliteSchema.LatestVersion);
            }

            var writer = new SqliteStateWriter(_name, connection, _options, _logger);
            writer.Start();
            Log.Opened(_logger, _name, path, SqliteSchema.LatestVersion, _options.Synchronous, _options.MaxBatchSize);
            return writer;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private InconsistentStateException MalformedETag(string stateName, string grainKey, string eTag) => new(
        $"ETag '{eTag}' of state '{stateName}' for grain {grainKey} was not issued by SQLite grain storage '{_name}'.",
        string.Empty,
        eTag);

    private static byte[] ToArray(BinaryData data)
    {
        var memory = data.ToMemory();
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }

    /// <summary>A read-only connection with its prepared point query.</summary>
    private sealed class ReadSession : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _stateName;
        private readonly SqliteParameter _grainId;

        public ReadSession(string connectionString, string storageName, TimeSpan busyTimeout)
        {
            _connection = new SqliteConnection(connectionString);
            try
            {
                _connection.Open();
                using (var pragma = _connection.CreateCommand())
                {
                    pragma.CommandText = FormattableString.Invariant($"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA query_only = 1;");
                    pragma.ExecuteNonQuery();
                }

                _command = _connection.CreateCommand();
                _command.CommandText =
                    "SELECT version, payload FROM grain_state WHERE storage_name = $storage AND state_name = $state AND grain_id = $grain;";
                _command.Parameters.Add(new SqliteParameter("$storage", SqliteType.Text) { Value = storageName });
                _stateName = _command.Parameters.Add("$state", SqliteType.Text);
                _grainId = _command.Parameters.Add("$grain", SqliteType.Text);
                _command.Prepare();
            }
            catch
            {
                _connection.Dispose();
                throw;
            }
        }

        public (long? Version, byte[]? Payload) Read(string stateName, string grainId)
        {
            _stateName.Value = stateName;
            _grainId.Value = grainId;
            using var reader = _command.ExecuteReader();
            if (!reader.Read())
            {
                return (null, null);
            }

            return (reader.GetInt64(0), reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1));
        }

        public void Dispose()
        {
            _command.Dispose();
            _connection.Dispose();
        }
    }
}
