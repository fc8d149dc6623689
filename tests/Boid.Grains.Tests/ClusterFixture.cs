using Boid.Abstractions;
using Boid.Ledger;
using Boid.Storage;
using Boid.Storage.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Boid.Grains.Tests;

/// <summary>
/// One in-process test cluster shared by the grain tests: memory grain storage (unit tests only),
/// a real local result store in a temp folder, and a fake clock the tests move by hand.
/// </summary>
public sealed class ClusterFixture : IDisposable
{
    public static readonly string StoreRoot = Path.Combine(Path.GetTempPath(), $"boid-grain-tests-{Environment.ProcessId}");
    public static readonly FakeTimeProvider Time = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    public static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(2);
    public const int TrustAfter = 3;

    public ClusterFixture()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        Cluster.Deploy();
    }

    public TestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public BlobResultStore Store { get; } = new(new LocalBlobStore(StoreRoot));

    public void Dispose()
    {
        Cluster.StopAllSilos();
        Cluster.Dispose();
        if (Directory.Exists(StoreRoot))
        {
            Directory.Delete(StoreRoot, recursive: true);
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddMemoryGrainStorage(BoidNames.Storage);
            siloBuilder.AddBoidLedger(Path.Combine(StoreRoot, "ledger")); // no chain configured: the local journal
            // The fake clock is Boid's only: Orleans keeps real time for its own timers, delays and start-up, which
            // would otherwise wait for a test to move the clock (the first job submission hung now and then).
            siloBuilder.Services.AddBoidClock(Time);
            siloBuilder.Services.AddSingleton<IResultStore>(new BlobResultStore(new LocalBlobStore(StoreRoot)));
            siloBuilder.Services.Configure<DispatchOptions>(o =>
            {
                o.LeaseTtl = LeaseTtl;
                o.MaxUnitsPerJob = 1_000_000;
                o.IdleJobBackoff = TimeSpan.Zero;
                o.TrustAfterCleanResults = TrustAfter;
                o.SpotCheckRate = 0; // deterministic tests: a trusted worker is never spot-checked
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
