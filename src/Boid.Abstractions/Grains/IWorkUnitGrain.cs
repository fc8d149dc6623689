using Boid.Abstractions.Model;
using Orleans.Concurrency;

namespace Boid.Abstractions.Grains;

/// <summary>
/// One work unit, keyed <c>{job}/{unit}</c>. Activated only when the unit is leased: a pending unit of a
/// large job exists only as an index below the job's cursor.
/// </summary>
public interface IWorkUnitGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts an attempt (a copy, under replication) for a worker: records the lease and returns the
    /// assignment with its lease id and deadline — or none, when no copy is wanted or this worker already
    /// ran one. The offer (template and kind) is kept from the first lease on. A unit that still wants copies
    /// afterwards tells its job, with the workers that hold one.
    /// </summary>
    Task<UnitAssignment?> LeaseAsync(UnitOffer offer, string workerId);

    /// <summary>The assignment of a current lease (its inputs, limits, command), or null when the lease is not current.</summary>
    Task<UnitAssignment?> GetLeaseAsync(string leaseId);

    /// <summary>The worker started the container. False means: stop, the lease is no longer yours.</summary>
    Task<bool> StartedAsync(string leaseId);

    /// <summary>Extends the lease. False means: stop, the lease is no longer yours (expired or cancelled).</summary>
    Task<bool> RenewAsync(string leaseId);

    Task<ReportDisposition> ReportAsync(UnitReport report);

    /// <summary>Cancels a current lease (the job was cancelled).</summary>
    Task CancelAsync();

    Task<UnitView> GetAsync();

    /// <summary>Where the unit stands; used by its job to reconcile after a restart. Never waits on the job.</summary>
    [AlwaysInterleave]
    Task<UnitResult> ProbeAsync();
}
