using Boid.Abstractions.Model;

namespace Boid.Abstractions.Grains;

/// <summary>
/// The pull side of dispatch, keyed by pool (<c>default</c>): workers ask it for leases; it hands out
/// units round-robin across the active jobs so that one large job cannot starve the others.
/// </summary>
public interface IDispatchGrain : IGrainWithStringKey
{
    Task AddJobAsync(string jobId);

    Task RemoveJobAsync(string jobId);

    /// <summary>Up to <paramref name="max"/> leases from jobs that <paramref name="fit"/> the worker (null: any job).</summary>
    Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, WorkerFit? fit = null);

    /// <summary>Up to <paramref name="max"/> leases from one job, whether or not it is in the round-robin.</summary>
    Task<IReadOnlyList<UnitAssignment>> LeaseFromJobAsync(string jobId, string workerId, int max, WorkerFit? fit = null);

    Task<IReadOnlyList<string>> ActiveJobsAsync();
}
