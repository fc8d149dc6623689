using Boid.Grains.Model;

namespace Boid.Grains.Ledger;

/// <summary>
/// One contribution, as <c>clusterjobs::recordbatch</c> credits it. <see cref="Id"/> is stable (derived from what the
/// record is about, see <see cref="LedgerIds"/>), so recording the same contribution twice changes nothing, here or on chain.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.ContributionRecord")]
public sealed record ContributionRecord
{
    [Id(0)] public required ulong Id { get; init; }
    [Id(1)] public required string Protocol { get; init; }
    /// <summary>The credited account; empty for a dispatcher record made without a configured account (filled in on replay).</summary>
    [Id(2)] public required string Contributor { get; init; }
    [Id(3)] public ContributorRole Role { get; init; }
    /// <summary>µs for worker and dispatcher time, byte-seconds for storage. Always &gt; 0.</summary>
    [Id(4)] public required ulong Amount { get; init; }
    /// <summary>The job's on-chain id (<see cref="LedgerIds.JobId"/>).</summary>
    [Id(5)] public ulong JobId { get; init; }
    /// <summary>The job's Boid id, for people reading the journal or the status.</summary>
    [Id(6)] public string JobKey { get; init; } = "";
}

public enum LedgerOperationKind
{
    /// <summary><c>clusterjobs::newjob</c>: anchors a job with its content hash.</summary>
    NewJob = 0,
    /// <summary><c>clusterjobs::setjobstate</c>: a job's state and progress.</summary>
    JobState = 1,
}

/// <summary>A job anchor or a job state update, pushed in the order they were made.</summary>
[GenerateSerializer, Immutable, Alias("boid.LedgerOperation")]
public sealed record LedgerOperation
{
    [Id(0)] public LedgerOperationKind Kind { get; init; }
    [Id(1)] public required string Protocol { get; init; }
    [Id(2)] public required ulong JobId { get; init; }
    [Id(3)] public string JobKey { get; init; } = "";
    /// <summary>newjob: the researcher's account.</summary>
    [Id(4)] public string Researcher { get; init; } = "";
    /// <summary>sha256 of the canonical job record, lowercase hex (<see cref="LedgerIds.ContentHash"/>).</summary>
    [Id(5)] public required string ContentHash { get; init; }
    [Id(6)] public uint Units { get; init; }
    /// <summary>setjobstate: 0 submitted, 1 running, 2 completed, 3 failed, 4 cancelled.</summary>
    [Id(7)] public byte State { get; init; }
    [Id(8)] public uint UnitsDone { get; init; }

    /// <summary>Identity for de-duplication: one anchor per job, one update per job and state.</summary>
    public string Key => Kind == LedgerOperationKind.NewJob ? $"newjob/{Protocol}/{JobId}" : $"state/{Protocol}/{JobId}/{State}";
}

/// <summary>What the job machinery tells the ledger when a job reaches a final state.</summary>
[GenerateSerializer, Immutable, Alias("boid.LedgerJobEnd")]
public sealed record LedgerJobEnd
{
    [Id(0)] public required string JobKey { get; init; }
    [Id(1)] public required string Protocol { get; init; }
    [Id(2)] public JobState State { get; init; }
    [Id(3)] public long UnitsDone { get; init; }
    [Id(4)] public required string ContentHash { get; init; }
    /// <summary>Dispatcher time: from submission to the final state.</summary>
    [Id(5)] public TimeSpan DispatcherTime { get; init; }
}

/// <summary>A record or operation the chain refused for good (it is kept here, never retried).</summary>
[GenerateSerializer, Immutable, Alias("boid.LedgerRejection")]
public sealed record LedgerRejection
{
    [Id(0)] public required string What { get; init; }
    [Id(1)] public required string Reason { get; init; }
    [Id(2)] public DateTimeOffset At { get; init; }
}

/// <summary>The ledger's state as <c>GET /api/v1/ledger</c> and <c>boid ledger status</c> show it.</summary>
[GenerateSerializer, Immutable, Alias("boid.LedgerStatus")]
public sealed record LedgerStatus
{
    /// <summary><c>chain</c> or <c>journal</c>.</summary>
    [Id(0)] public required string Mode { get; init; }
    /// <summary>The chain endpoint, or the journal file.</summary>
    [Id(1)] public required string Target { get; init; }
    [Id(2)] public string Account { get; init; } = "";
    [Id(3)] public string Contract { get; init; } = "";
    [Id(4)] public int PendingRecords { get; init; }
    [Id(5)] public int PendingOperations { get; init; }
    [Id(6)] public DateTimeOffset? OldestPendingAt { get; init; }
    [Id(7)] public long ConfirmedRecords { get; init; }
    [Id(8)] public long Batches { get; init; }
    [Id(9)] public string? LastTransactionId { get; init; }
    [Id(10)] public DateTimeOffset? LastPushAt { get; init; }
    [Id(11)] public string? LastError { get; init; }
    [Id(12)] public DateTimeOffset? LastErrorAt { get; init; }
    [Id(13)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(14)] public IReadOnlyList<LedgerRejection> Rejected { get; init; } = [];
}
