using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using static Boid.Persistence.Sqlite.Tests.Storage;

namespace Boid.Persistence.Sqlite.Tests;

public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ReadStateAsync_NoRow_LeavesNullETagAndNoRecord()
    {
        await using var sut = Create(_database.FilePath);

        var state = await ReadAsync(sut, Grain(1));

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Value);
    }

    [Fact]
    public async Task WriteStateAsync_NewState_ReadsBackWithSameETag()
    {
        await using var sut = Create(_database.FilePath);
        var written = new GrainState<CounterState>(new CounterState { Value = 42, Note = "hello" });

        await sut.WriteStateAsync(StateName, Grain(1), written);
        var read = await ReadAsync(sut, Grain(1));

        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal(new CounterState { Value = 42, Note = "hello" }, read.State);
    }

    [Fact]
    public async Task WriteStateAsync_RepeatedWrites_ChangeETagEachTime()
    {
        await using var sut = Create(_database.FilePath);
        var state = State(1);
        var eTags = new HashSet<string>();

        for (var i = 0; i < 5; i++)
        {
            state.State = state.State! with { Value = i };
            await sut.WriteStateAsync(StateName, Grain(1), state);
            Assert.True(eTags.Add(state.ETag!));
        }

        Assert.Equal(4, (await ReadAsync(sut, Grain(1))).State!.Value);
    }

    [Fact]
    public async Task WriteStateAsync_StaleETag_ThrowsInconsistentStateException()
    {
        await using var sut = Create(_database.FilePath);
        var first = State(1);
        await sut.WriteStateAsync(StateName, Grain(1), first);
        var stale = State(2, first.ETag);
        await sut.WriteStateAsync(StateName, Grain(1), first);

        var exception = await Assert.ThrowsAsync<InconsistentStateException>(() => sut.WriteStateAsync(StateName, Grain(1), stale));

        Assert.Equal(first.ETag, exception.StoredEtag);
        Assert.Equal(1, (await ReadAsync(sut, Grain(1))).State!.Value);
    }

    [Fact]
    public async Task WriteStateAsync_NullETagOnExistingRow_ThrowsInconsistentStateException()
    {
        await using var sut = Create(_database.FilePath);
        await sut.WriteStateAsync(StateName, Grain(1), State(1));

        await Assert.ThrowsAsync<InconsistentStateException>(() => sut.WriteStateAsync(StateName, Grain(1), State(2)));
    }

    [Fact]
    public async Task WriteStateAsync_ForeignETag_ThrowsInconsistentStateException()
    {
        await using var sut = Create(_database.FilePath);

        await Assert.ThrowsAsync<InconsistentStateException>(() => sut.WriteStateAsync(StateName, Grain(1), State(1, "W/\"abc\"")));
    }

    [Fact]
    public async Task WriteStateAsync_SameGrainInOtherProvider_KeepsSeparateRows()
    {
        await using var sut = Create(_database.FilePath, name: "boid");
        await using var other = Create(_database.FilePath, name: "Default");

        await sut.WriteStateAsync(StateName, Grain(1), State(1));
        await other.WriteStateAsync(StateName, Grain(1), State(2));

        Assert.Equal(1, (await ReadAsync(sut, Grain(1))).State!.Value);
        Assert.Equal(2, (await ReadAsync(other, Grain(1))).State!.Value);
    }

    [Fact]
    public async Task ClearStateAsync_KeepRow_ReadFindsNoRecordAndNewETag()
    {
        await using var sut = Create(_database.FilePath);
        var state = State(7);
        await sut.WriteStateAsync(StateName, Grain(1), state);
        var writtenETag = state.ETag;

        await sut.ClearStateAsync(StateName, Grain(1), state);
        var read = await ReadAsync(sut, Grain(1));

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(writtenETag, state.ETag);
        Assert.Equal(state.ETag, read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(0, read.State!.Value);
        Assert.Equal(1, CountRows(_database.FilePath));
    }

    [Fact]
    public async Task ClearStateAsync_DeleteStateOnClear_RemovesRowAndAllowsNewState()
    {
        await using var sut = Create(_database.FilePath, o => o.DeleteStateOnClear = true);
        var state = State(7);
        await sut.WriteStateAsync(StateName, Grain(1), state);

        await sut.ClearStateAsync(StateName, Grain(1), state);
        var read = await ReadAsync(sut, Grain(1));
        await sut.WriteStateAsync(StateName, Grain(1), State(8));

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal(8, (await ReadAsync(sut, Grain(1))).State!.Value);
    }

    [Fact]
    public async Task ClearStateAsync_StaleETag_ThrowsInconsistentStateException()
    {
        await using var sut = Create(_database.FilePath, o => o.DeleteStateOnClear = true);
        var state = State(1);
        await sut.WriteStateAsync(StateName, Grain(1), state);
        var stale = State(1, state.ETag);
        await sut.WriteStateAsync(StateName, Grain(1), state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => sut.ClearStateAsync(StateName, Grain(1), stale));

        Assert.True((await ReadAsync(sut, Grain(1))).RecordExists);
    }

    [Fact]
    public async Task ClearStateAsync_NeverWritten_Succeeds()
    {
        await using var sut = Create(_database.FilePath);
        var state = State(0);

        await sut.ClearStateAsync(StateName, Grain(1), state);

        Assert.Null(state.ETag);
        Assert.Equal(0, CountRows(_database.FilePath));
    }

    [Fact]
    public async Task ReadStateAsync_AfterProviderRestart_ResumesStateAndETag()
    {
        var state = State(5);
        await using (var before = Create(_database.FilePath))
        {
            await before.WriteStateAsync(StateName, Grain(1), state);
        }

        await using var sut = Create(_database.FilePath);
        var read = await ReadAsync(sut, Grain(1));
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(5, read.State!.Value);
        read.State = read.State! with { Value = 6 };
        await sut.WriteStateAsync(StateName, Grain(1), read);

        Assert.NotEqual(state.ETag, read.ETag);
        Assert.Equal(6, (await ReadAsync(sut, Grain(1))).State!.Value);
    }

    [Fact]
    public async Task WriteStateAsync_ConcurrentCallers_AllDurableVersionedAndBatched()
    {
        const int Callers = 64;
        const int WritesPerCaller = 32; // 2,048 writes: each caller chains the ETags of its own grain
        var finalETags = new string?[Callers];
        long transactions;
        await using (var sut = Create(_database.FilePath))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Callers), new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (caller, _) =>
            {
                var state = State(0);
                for (var i = 1; i <= WritesPerCaller; i++)
                {
                    state.State = new CounterState { Value = i, Note = $"caller {caller}" };
                    await sut.WriteStateAsync(StateName, Grain(caller), state);
                }

                finalETags[caller] = state.ETag;
            });

            transactions = sut.TransactionsCommitted;
            Assert.Equal(Callers * WritesPerCaller, sut.OperationsCommitted);
        }

        Assert.InRange(transactions, 1, (Callers * WritesPerCaller) - 1);
        await using var reopened = Create(_database.FilePath);
        for (var caller = 0; caller < Callers; caller++)
        {
            var read = await ReadAsync(reopened, Grain(caller));
            Assert.Equal(new CounterState { Value = WritesPerCaller, Note = $"caller {caller}" }, read.State);
            Assert.Equal(finalETags[caller], read.ETag);
        }
    }

    [Fact]
    public async Task WriteStateAsync_OneConflictInBatch_OnlyThatCallerFails()
    {
        await using var sut = Create(_database.FilePath);
        var existing = State(1);
        await sut.WriteStateAsync(StateName, Grain(0), existing);
        var before = sut.TransactionsCommitted;

        // Hold the write lock from outside so every write below queues up behind it and lands in one batch.
        using var blocker = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False");
        blocker.Open();
        using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }

        var others = Enumerable.Range(1, 100).Select(i => sut.WriteStateAsync(StateName, Grain(i), State(i))).ToList();
        var conflicting = sut.WriteStateAsync(StateName, Grain(0), State(99, "123456789"));
        using (var commit = blocker.CreateCommand())
        {
            commit.CommandText = "COMMIT;";
            commit.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => conflicting);
        await Task.WhenAll(others);
        Assert.InRange(sut.TransactionsCommitted - before, 1, 2);
        Assert.Equal(1, (await ReadAsync(sut, Grain(0))).State!.Value);
        for (var i = 1; i <= 100; i++)
        {
            Assert.Equal(i, (await ReadAsync(sut, Grain(i))).State!.Value);
        }
    }

    [Fact]
    public async Task StopAsync_WritesStillQueued_AllCommittedBeforeClose()
    {
        var sut = Create(_database.FilePath);
        await sut.StartAsync();
        var writes = Enumerable.Range(0, 1000).Select(i => sut.WriteStateAsync(StateName, Grain(i), State(i))).ToList();

        await sut.StopAsync();

        await Task.WhenAll(writes);
        Assert.Equal(1000, CountRows(_database.FilePath));
    }

    [Fact]
    public async Task WriteStateAsync_AfterStop_ThrowsObjectDisposedException()
    {
        var sut = Create(_database.FilePath);
        await sut.WriteStateAsync(StateName, Grain(1), State(1));
        await sut.DisposeAsync();

        var exception = await Assert.ThrowsAsync<ObjectDisposedException>(() => sut.WriteStateAsync(StateName, Grain(2), State(2)));

        Assert.Contains("stopped", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NewFile_CreatesSchemaInWalMode()
    {
        await using var sut = Create(Path.Combine(_database.Folder, "nested", "state.db"));

        await sut.StartAsync();

        using var connection = new SqliteConnection($"Data Source={Path.Combine(_database.Folder, "nested", "state.db")};Pooling=False");
        connection.Open();
        Assert.Equal(1L, Scalar(connection, "PRAGMA user_version;"));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task StartAsync_SchemaFromNewerBuild_Throws()
    {
        using (var connection = new SqliteConnection($"Data Source={_database.FilePath};Pooling=False"))
        {
            connection.Open();
            Scalar(connection, "PRAGMA user_version = 99;");
        }

        await using var sut = Create(_database.FilePath);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.StartAsync());
        Assert.Contains("99", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ExistingFile_MigrationIsIdempotent()
    {
        await using (var first = Create(_database.FilePath))
        {
            await first.WriteStateAsync(StateName, Grain(1), State(1));
        }

        await using var sut = Create(_database.FilePath);
        await sut.StartAsync();

        Assert.Equal(1, (await ReadAsync(sut, Grain(1))).State!.Value);
    }

    [Fact]
    public void AddSqliteGrainStorage_NoDataSource_ValidationNamesTheOption()
    {
        using var services = new ServiceCollection()
            .AddSingleton(Serializer)
            .AddSqliteGrainStorage("boid")
            .BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get("boid"));

        Assert.Contains("SqliteGrainStorageOptions.DataSource", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ZeroBatchSize_ThrowsOptionsValidationException()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Create(_database.FilePath, o => o.MaxBatchSize = 0));

        Assert.Contains("MaxBatchSize", exception.Message, StringComparison.Ordinal);
    }

    private static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return (long)Scalar(connection, "SELECT COUNT(*) FROM grain_state;")!;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
