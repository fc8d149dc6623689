using Boid.Abstractions.Ledger;

namespace Boid.Abstractions.Grains;

/// <summary>
/// The ledger (key 0, dispatcher silos only): collects contribution records and job anchors, batches them into
/// <c>clusterjobs</c> transactions (by size and by age), and keeps everything unsent in durable state so that a crash
/// or an unreachable chain loses nothing. Every call is idempotent: a record is known by its stable id, an operation by
/// its job and kind, so a caller that repeats itself after a crash changes nothing.
/// </summary>
public interface ILedgerGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a contribution record (durably) unless its id is pending or confirmed already.</summary>
    Task RecordAsync(ContributionRecord record);

    /// <summary>Adds several records with one durable write; each is skipped when its id is pending or confirmed already.</summary>
    Task RecordManyAsync(ContributionRecord[] records);

    /// <summary>Anchors a job on chain (<c>newjob</c>) with its content hash.</summary>
    Task AnchorJobAsync(LedgerOperation anchor);

    /// <summary>A job reached a final state: records the dispatcher's time and updates the job's state on chain.</summary>
    Task JobEndedAsync(LedgerJobEnd end);

    Task<LedgerStatus> GetStatusAsync();

    /// <summary>Delivers everything pending now, full batches or not (tests, operators); returns the status after.</summary>
    Task<LedgerStatus> FlushAsync();
}
