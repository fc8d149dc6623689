using Boid.Silo.Hosting;
using Boid.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Boid.Silo.Tests;

/// <summary>
/// Grain placement by role: a silo that lacks a grain class is never chosen to activate it, so a worker-only silo must
/// register none of Boid's grain classes (nor the dashboard's), and a dispatcher every one of them.
/// </summary>
public sealed class SiloRoleTests
{
    private static readonly string[] DispatcherGrains = ["JobGrain", "WorkUnitGrain", "DispatchGrain", "ProtocolGrain", "ContributorGrain", "DirectoryGrain", "LedgerGrain"];

    [Fact]
    public async Task Build_WorkerOnly_RegistersNoGrainClassOfBoidOrTheDashboard()
    {
        var classes = await GrainClassesAsync(SiloRoles.Worker);

        var misplaced = classes.Where(c => c.Namespace!.StartsWith("Boid.", StringComparison.Ordinal) || c.Namespace.StartsWith("Orleans.Dashboard", StringComparison.Ordinal)).ToList();
        Assert.True(misplaced.Count == 0, "a worker silo would host: " + string.Join(", ", misplaced.Select(c => c.FullName)));
    }

    [Theory]
    [InlineData(SiloRoles.Dispatcher)]
    [InlineData(SiloRoles.Embedded)]
    public async Task Build_WithDispatcherRole_RegistersEveryBoidGrainClass(SiloRoles roles)
    {
        var classes = (await GrainClassesAsync(roles)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        Assert.All(DispatcherGrains, grain => Assert.Contains(grain, classes));
    }

    /// <summary>The grain classes a silo of these roles would activate, as <c>BoidHost.Build</c> configures it (never started).</summary>
    private static async Task<IReadOnlyList<Type>> GrainClassesAsync(SiloRoles roles)
    {
        var data = Repository.NewTempDirectory("boid-silo-roles");
        try
        {
            await using var host = BoidHost.Build(roles, new Dictionary<string, string?>
            {
                ["Boid:DataDirectory"] = data,
                ["Boid:Worker:Id"] = "roletest",
            });
            return [.. host.Services.GetRequiredService<IOptions<GrainTypeOptions>>().Value.Classes];
        }
        finally
        {
            Repository.TryDelete(data);
        }
    }
}
