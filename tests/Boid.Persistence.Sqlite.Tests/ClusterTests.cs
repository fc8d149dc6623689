using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Boid.Persistence.Sqlite.Tests;

public interface ICounterGrain : IGrainWithStringKey
{
    Task<CounterSnapshot> IncrementAsync();

    Task<CounterSnapshot> GetAsync();

    Task DeactivateAsync();
}

[GenerateSerializer, Immutable, Alias("boid.tests.CounterSnapshot")]
public sealed record CounterSnapshot(
    [property: Id(0)] int Job,
    [property: Id(1)] int Profile,
    [property: Id(2)] Guid ActivationId);

public sealed class CounterGrain(
    [PersistentState("job", "boid")] IPersistentState<CounterState> job,
    [PersistentState("profile")] IPersistentState<CounterState> profile) : Grain, ICounterGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    public async Task<CounterSnapshot> IncrementAsync()
    {
        job.State = job.State! with { Value = job.State!.Value + 1 };
        profile.State = profile.State! with { Value = profile.State!.Value + 10 };
        await job.WriteStateAsync();
        await profile.WriteStateAsync();
        return Snapshot();
    }

    public Task<CounterSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private CounterSnapshot Snapshot() => new(job.State!.Value, profile.State!.Value, _activationId);
}

public sealed class SqliteSiloConfigurator : ISiloConfigurator
{
    public const string DataSourceKey = "BoidTests:SqliteDataSource";

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder
            .AddSqliteGrainStorageAsDefault(ob => ob.Configure<IConfiguration>((o, configuration) => o.DataSource = configuration[DataSourceKey]!))
            .AddSqliteGrainStorage("boid", ob => ob.Configure<IConfiguration>((o, configuration) => o.DataSource = configuration[DataSourceKey]!));
    }
}

public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempDatabase _database = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string DataSource => _database.FilePath;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties[SqliteSiloConfigurator.DataSourceKey] = _database.FilePath;
        builder.AddSiloBuilderConfigurator<SqliteSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _database.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "SqliteCluster";
}

[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task WriteStateAsync_GrainDeactivated_NewActivationReadsPersistedState()
    {
        var sut = fixture.Cluster.GrainFactory.GetGrain<ICounterGrain>("deactivation");
        await sut.IncrementAsync();
        var before = await sut.IncrementAsync();

        await sut.DeactivateAsync();
        var after = await sut.GetAsync();

        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.Equal(2, after.Job);
        Assert.Equal(20, after.Profile);
        using var connection = new SqliteConnection($"Data Source={fixture.DataSource};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT storage_name, state_name FROM grain_state WHERE grain_id LIKE '%deactivation' ORDER BY storage_name;";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetString(0)}/{reader.GetString(1)}");
        }

        Assert.Equal(["Default/profile", "boid/job"], rows);
    }
}
