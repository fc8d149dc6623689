using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;

namespace Boid.Grains.Tests;

/// <summary>Leases units of one job the way a worker gets them: through the dispatch grain, which asks the job and leases at the units.</summary>
internal static class Leasing
{
    public static Task<IReadOnlyList<UnitAssignment>> LeaseAsync(this IGrainFactory grains, IJobGrain job, string workerId, int max) =>
        grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool).LeaseFromJobAsync(job.GetPrimaryKeyString(), workerId, max);
}
