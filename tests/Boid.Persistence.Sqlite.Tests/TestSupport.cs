using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boid.Persistence.Sqlite.Tests;

[GenerateSerializer, Alias("boid.tests.CounterState")]
public sealed record CounterState
{
    [Id(0)]
    public int Value { get; init; }

    [Id(1)]
    public string Note { get; init; } = string.Empty;
}

/// <summary>A temporary folder holding one SQLite file; deleted on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "boid-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "state.db");
    }

    public string Folder { get; }

    public string FilePath { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}

internal static class Storage
{
    private static readonly Lazy<IGrainStorageSerializer> LazySerializer = new(() =>
    {
        var services = new ServiceCollection()
            .AddSerializer(builder => builder.AddAssembly(typeof(CounterState).Assembly))
            .BuildServiceProvider();
        return new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
    });

    public const string StateName = "counter";

    public static IGrainStorageSerializer Serializer => LazySerializer.Value;

    public static SqliteGrainStorage Create(string path, Action<SqliteGrainStorageOptions>? configure = null, string name = "boid")
    {
        var options = new SqliteGrainStorageOptions { DataSource = path, GrainStorageSerializer = Serializer };
        configure?.Invoke(options);
        return new SqliteGrainStorage(name, options, NullLogger<SqliteGrainStorage>.Instance);
    }

    public static GrainId Grain(int n) => GrainId.Create("counter", n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static GrainState<CounterState> State(int value, string? eTag = null) => new(new CounterState { Value = value }, eTag);

    public static async Task<GrainState<CounterState>> ReadAsync(SqliteGrainStorage storage, GrainId grain)
    {
        var state = new GrainState<CounterState>(new CounterState());
        await storage.ReadStateAsync(StateName, grain, state);
        return state;
    }
}
