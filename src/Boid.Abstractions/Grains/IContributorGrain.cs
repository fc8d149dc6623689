using Boid.Abstractions.Model;

namespace Boid.Abstractions.Grains;

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
