using System.Text.Json.Serialization;

namespace Boid.Client;

/// <summary>A job's life: submitted → running → amalgamating → done | failed | cancelled.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Accepted by the dispatcher; no unit handed out yet.</summary>
    Submitted,
    /// <summary>Units are being run.</summary>
    Running,
    /// <summary>Every unit ended; the amalgamation step runs.</summary>
    Amalgamating,
    /// <summary>Finished; the result can be downloaded.</summary>
    Done,
    /// <summary>Too many units failed, or the amalgamation failed; see <see cref="Job.Reason"/>.</summary>
    Failed,
    /// <summary>Cancelled by a researcher.</summary>
    Cancelled,
}

/// <summary>Where a work unit stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UnitStatus>))]
public enum UnitStatus
{
    /// <summary>Waiting for a worker.</summary>
    Pending,
    /// <summary>Leased to a worker, container not started yet.</summary>
    Leased,
    /// <summary>Its container runs.</summary>
    Running,
    /// <summary>Finished and its outputs accepted.</summary>
    Accepted,
    /// <summary>Failed on every attempt it was allowed.</summary>
    Failed,
    /// <summary>Its job was cancelled.</summary>
    Cancelled,
}

/// <summary>Counts of a job's units.</summary>
/// <param name="Total">Units in the job.</param>
/// <param name="Accepted">Units finished with accepted outputs.</param>
/// <param name="Failed">Units that failed for good.</param>
/// <param name="Running">Units out on lease now.</param>
/// <param name="FailedAttempts">Attempts that failed (a unit may be retried several times).</param>
/// <param name="Pending">Units waiting for a worker.</param>
public sealed record JobProgress(long Total, long Accepted, long Failed, long Running, long FailedAttempts, long Pending);

/// <summary>A job as the dispatcher reports it.</summary>
/// <param name="Id">The job id, e.g. <c>j-261128-193000-ab12</c>.</param>
/// <param name="Name">The name given in the spec.</param>
/// <param name="Protocol">The protocol it runs under.</param>
/// <param name="State">Where it stands.</param>
/// <param name="Progress">Unit counts.</param>
/// <param name="SubmittedAt">When the dispatcher accepted it.</param>
/// <param name="FinishedAt">When it reached a final state.</param>
/// <param name="Reason">Why it failed (or the last unit failure), empty otherwise.</param>
/// <param name="HasAmalgamation">Whether the spec has an amalgamation step.</param>
/// <param name="ContainerMicroseconds">Container run time summed over accepted units.</param>
/// <param name="Image">The units' image.</param>
/// <param name="AmalgamationUnit">The key of the amalgamation step's unit (the job's unit count), or null when it has none.</param>
public sealed record Job(
    string Id,
    string Name,
    string Protocol,
    JobState State,
    JobProgress Progress,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? FinishedAt,
    string Reason,
    bool HasAmalgamation,
    long ContainerMicroseconds,
    string Image,
    string? AmalgamationUnit = null)
{
    /// <summary>True once the job can change no more.</summary>
    public bool IsFinished => State is JobState.Done or JobState.Failed or JobState.Cancelled;
}

/// <summary>One attempt at a unit.</summary>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="LeaseId">The lease the attempt ran under.</param>
/// <param name="Worker">The worker account that ran it.</param>
/// <param name="LeasedAt">When it was leased.</param>
/// <param name="StartedAt">When its container was started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Outcome">How it ended (<c>Succeeded</c>, <c>NonZeroExit</c>, <c>TimedOut</c>, …).</param>
/// <param name="ExitCode">The container's exit code, when it exited.</param>
/// <param name="Reason">A one-line explanation.</param>
/// <param name="RunTimeMicroseconds">Container run time.</param>
public sealed record UnitAttempt(
    int Attempt,
    string LeaseId,
    string Worker,
    DateTimeOffset LeasedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Outcome,
    int? ExitCode,
    string Reason,
    long RunTimeMicroseconds);

/// <summary>A work unit with its history and the output tails of its last attempt.</summary>
/// <param name="JobId">Its job.</param>
/// <param name="UnitKey">Its index, or <c>amalgamate</c>.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Parameters">The sweep values it ran with.</param>
/// <param name="Attempts">Every attempt, oldest first.</param>
/// <param name="CurrentWorker">The worker holding its lease, if any.</param>
/// <param name="LeaseDeadline">When that lease expires unless renewed.</param>
/// <param name="StdoutTail">The end of the last attempt's standard output.</param>
/// <param name="StderrTail">The end of the last attempt's standard error.</param>
public sealed record Unit(
    string JobId,
    string UnitKey,
    UnitStatus Status,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<UnitAttempt> Attempts,
    string? CurrentWorker,
    DateTimeOffset? LeaseDeadline,
    string StdoutTail,
    string StderrTail);

/// <summary>A file of a job's result.</summary>
/// <param name="RelativePath">Path inside the result.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">SHA-256, lower-case hex.</param>
public sealed record ResultFile(string RelativePath, long Length, string Sha256);

/// <summary>A contributor as the dispatcher knows it.</summary>
/// <param name="Account">Its account name.</param>
/// <param name="Role">Worker, Dispatcher or Storage.</param>
/// <param name="Cores">Cores of its machine.</param>
/// <param name="MemoryBytes">Memory of its machine.</param>
/// <param name="Slots">Units it runs at once.</param>
/// <param name="LastSeen">Its last heartbeat.</param>
/// <param name="ContributedMicroseconds">Accepted container time credited to it.</param>
/// <param name="UnitsAccepted">Accepted units credited to it.</param>
/// <param name="RunningUnits">Units it runs now.</param>
/// <param name="Architecture">Its runtime identifier, e.g. <c>linux-x64</c>.</param>
public sealed record Worker(
    string Account,
    string Role,
    int Cores,
    long MemoryBytes,
    int Slots,
    DateTimeOffset? LastSeen,
    long ContributedMicroseconds,
    long UnitsAccepted,
    int RunningUnits,
    string Architecture);

/// <summary>A protocol: a research programme a team sponsors.</summary>
/// <param name="Name">Its Antelope name.</param>
/// <param name="Title">A human title.</param>
/// <param name="Researcher">The researcher's account.</param>
/// <param name="Sponsor">The sponsoring team's account.</param>
/// <param name="DataDirectory">Where its data lives in storage.</param>
/// <param name="Images">Images its jobs may use (a trailing <c>*</c> matches a prefix).</param>
/// <param name="Fund">The fund, as an asset (<c>100.0000 BOID</c>).</param>
/// <param name="TokenContract">The token contract of the fund.</param>
/// <param name="WorkerRatePerHour">Token units paid per hour of worker time.</param>
/// <param name="DispatcherRatePerHour">Token units paid per hour of dispatcher time.</param>
/// <param name="StorageRatePerGiBHour">Token units paid per GiB-hour of storage.</param>
/// <param name="AllowNetwork">Whether its containers may use the network.</param>
public sealed record Protocol(
    string Name,
    string Title,
    string Researcher,
    string Sponsor,
    string DataDirectory,
    IReadOnlyList<string> Images,
    string Fund,
    string TokenContract,
    long WorkerRatePerHour,
    long DispatcherRatePerHour,
    long StorageRatePerGiBHour,
    bool AllowNetwork);

/// <summary>The ledger that records contributions on chain (<c>GET /api/v1/ledger</c>).</summary>
public sealed record LedgerStatus
{
    /// <summary><c>chain</c> (records are pushed to clusterjobs) or <c>journal</c> (no chain configured: a local file).</summary>
    public string Mode { get; init; } = "";

    /// <summary>The chain API endpoint, or the journal file.</summary>
    public string Target { get; init; } = "";

    /// <summary>The dispatcher account that signs (empty when none is configured).</summary>
    public string Account { get; init; } = "";

    /// <summary>The clusterjobs contract account.</summary>
    public string Contract { get; init; } = "";

    /// <summary>Contribution records not yet delivered.</summary>
    public int PendingRecords { get; init; }

    /// <summary>Job anchors and state updates not yet delivered.</summary>
    public int PendingOperations { get; init; }

    /// <summary>When the oldest pending record was made; null when none is pending.</summary>
    public DateTimeOffset? OldestPendingAt { get; init; }

    /// <summary>Records delivered since the ledger began.</summary>
    public long ConfirmedRecords { get; init; }

    /// <summary>Batches delivered.</summary>
    public long Batches { get; init; }

    /// <summary>The last transaction id the chain accepted; null in journal mode or before the first.</summary>
    public string? LastTransactionId { get; init; }

    /// <summary>When the last delivery succeeded.</summary>
    public DateTimeOffset? LastPushAt { get; init; }

    /// <summary>The last delivery error, until a delivery succeeds again.</summary>
    public string? LastError { get; init; }

    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>When the ledger tries again after a failure.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Records or job operations the chain refused for good (the most recent 100).</summary>
    public IReadOnlyList<LedgerRejection> Rejected { get; init; } = [];
}

/// <summary>Something the chain refused for good, and why.</summary>
public sealed record LedgerRejection
{
    /// <summary>The record or job operation.</summary>
    public string What { get; init; } = "";

    /// <summary>The chain's words.</summary>
    public string Reason { get; init; } = "";

    /// <summary>When it was refused.</summary>
    public DateTimeOffset At { get; init; }
}
