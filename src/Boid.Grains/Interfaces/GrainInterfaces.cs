using Boid.Grains.Model;
using Orleans.Concurrency;

namespace Boid.Grains.Interfaces;

/// <summary>A protocol's registry entry, keyed by its Antelope name.</summary>
public interface IProtocolGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the protocol.</summary>
    Task<ProtocolSpec> SetAsync(ProtocolSpec spec);

    /// <summary>The protocol, or null when none has this name.</summary>
    Task<ProtocolSpec?> GetAsync();
}

/// <summary>One job: its spec, its state machine, its progress and which units are out on lease.</summary>
public interface IJobGrain : IGrainWithStringKey
{
    Task<JobView> SubmitAsync(JobSpec spec);

    Task<JobView> GetAsync();

    Task<JobSpec> GetSpecAsync();

    Task<JobView> CancelAsync();

    /// <summary>
    /// Picks units for a batch of lease requests (one array per request, in order) and remembers them as out:
    /// their templates, lease fields empty. A request gets none when its worker does not fit the job's
    /// requirements or its protocol's remote-worker policy. The dispatch grain leases the units at their unit
    /// grains, outside this grain's turn; a unit that still wants copies says so with <see cref="UnitNeedsCopiesAsync"/>.
    /// </summary>
    Task<UnitAssignment[][]> TakeUnitsAsync(UnitRequest[] requests);

    /// <summary>A unit ended for good (accepted, or failed after its last attempt). Counted once.</summary>
    Task UnitFinishedAsync(UnitResult result);

    /// <summary>
    /// A unit wants more copies handed out: its attempt failed and it may be tried again, or its
    /// replicated results disagree and more are needed for a quorum.
    /// </summary>
    Task UnitNeedsCopiesAsync(string unitKey, bool afterFailure);

    /// <summary>
    /// Units the dispatch grain took but could not lease to the worker, or that want further copies: back in the
    /// list of units wanting a copy. <paramref name="refusedBy"/>: the worker their unit grains refused (it ran a
    /// copy already); they are not offered to it again.
    /// </summary>
    Task UnitsWantCopiesAsync(string[] unitKeys, string? refusedBy);
}

/// <summary>
/// One work unit, keyed <c>{job}/{unit}</c>. Activated only when the unit is leased: a pending unit of a
/// large job exists only as an index below the job's cursor.
/// </summary>
public interface IWorkUnitGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts an attempt (a copy, under replication) for a worker: records the lease and returns the
    /// assignment with its lease id and deadline — or none, when no copy is wanted or this worker already
    /// ran one. The template is kept from the first lease on.
    /// </summary>
    Task<UnitLease> LeaseAsync(UnitAssignment template, string workerId);

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

/// <summary>A contributor (worker, dispatcher or storage), keyed by its account name.</summary>
public interface IContributorGrain : IGrainWithStringKey
{
    Task RegisterAsync(WorkerRegistration registration);

    Task HeartbeatAsync(int runningUnits);

    /// <summary>Sets (not adds) what a job credits this contributor, so a repeated call changes nothing.</summary>
    Task CreditAsync(string jobId, long microseconds, long units);

    /// <summary>A replicated result of this contributor agreed with its quorum, or lost it.</summary>
    Task RecordValidationAsync(bool agreed);

    /// <summary>Whether its last <paramref name="cleanResults"/> validated results all agreed (adaptive replication).</summary>
    Task<bool> IsTrustedAsync(int cleanResults);

    Task<ContributorView> GetAsync();

    /// <summary>Registers (or updates) this account as a storage contributor for one protocol.</summary>
    Task<ContributorView> RegisterStorageAsync(StorageRegistration registration);

    /// <summary>
    /// A storage contributor's periodic report of its used bytes: credits the byte-seconds since its previous report
    /// (mean of the two readings × the dispatcher's elapsed time, at most <c>Boid:Dispatch:MaxStorageReportGap</c>) as a storage
    /// contribution record. Idempotent per report number.
    /// </summary>
    Task<StorageReportResult> ReportStorageAsync(long usedBytes);

    /// <summary>
    /// Binds the account to the public key a remote worker proved it holds (trust on first use; the
    /// protocol owner can also pin it). False: the account is bound to another key.
    /// </summary>
    Task<bool> BindKeyAsync(string publicKey);

    /// <summary>Counts <paramref name="taken"/> leased units against today's (UTC) quota of <paramref name="dailyLimit"/>; returns what is left today.</summary>
    Task<int> TakeDailyQuotaAsync(int taken, int dailyLimit);
}

/// <summary>The lists the API shows: protocols, jobs (newest last) and contributors. Key 0.</summary>
public interface IDirectoryGrain : IGrainWithIntegerKey
{
    Task AddProtocolAsync(string name);

    Task<IReadOnlyList<string>> ListProtocolsAsync();

    Task AddJobAsync(string jobId);

    Task<IReadOnlyList<string>> ListJobsAsync(int limit);

    Task AddContributorAsync(string account);

    Task<IReadOnlyList<string>> ListContributorsAsync();
}
