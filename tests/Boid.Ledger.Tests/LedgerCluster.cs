using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Silo.Hosting;
using Boid.Testing;

namespace Boid.Ledger.Tests;

/// <summary>An embedded cluster (Boid.Testing) configured for the ledger tests: <c>Boid:Ledger</c> keys, and Boid's clock when given.</summary>
internal static class LedgerCluster
{
    /// <summary>Starts a silo for <paramref name="roles"/> with each of <paramref name="ledger"/> as <c>Boid:Ledger:KEY</c>.</summary>
    public static Task<EmbeddedCluster> StartAsync(SiloRoles roles, IDictionary<string, string?> ledger, TimeProvider? time = null, string? dataDirectory = null) =>
        new EmbeddedCluster(
            "localworker",
            slots: 2,
            ledger.ToDictionary(p => "Boid:Ledger:" + p.Key, p => p.Value),
            roles,
            dataDirectory,
            time is null ? null : builder => builder.Services.AddBoidClock(time)) // Boid's clock only: Orleans keeps real time
            .StartAsync();

    /// <summary>The cluster's ledger grain.</summary>
    public static ILedgerGrain Ledger(this EmbeddedCluster cluster) => cluster.Grains.GetGrain<ILedgerGrain>(0);
}
