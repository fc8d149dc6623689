namespace Boid.Grains.Model;

/// <summary>pending → leased → running → accepted, or back to pending after a failed attempt, or failed for good.</summary>
public enum UnitStatus
{
    Pending = 0,
    Leased = 1,
    Running = 2,
    Accepted = 3,
    Failed = 4,
    Cancelled = 5,
}

/// <summary>How one attempt ended, as the worker (or the dispatcher, for an expired lease) saw it.</summary>
public enum AttemptOutcome
{
    Succeeded = 0,
    NonZeroExit = 1,
    Crashed = 2,
    TimedOut = 3,
    OutOfMemory = 4,
    OutputTooLarge = 5,
    UnsafeOutput = 6,
    ImageMissing = 7,
    StartFailed = 8,
    Cancelled = 9,
    LeaseExpired = 10,
    MissingOutput = 11,
    WorkerError = 12,
    /// <summary>An input could not be staged: refused, unreadable, or its content did not match its hash.</summary>
    InputFailed = 13,
}

/// <summary>A lease handed to a worker: everything it needs to run one attempt of one unit.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitAssignment")]
public sealed record UnitAssignment
{
    [Id(0)] public required string JobId { get; init; }
    /// <summary>The unit's index as text, or <c>amalgamate</c> for the job's reduce step.</summary>
    [Id(1)] public required string UnitKey { get; init; }
    [Id(2)] public required string LeaseId { get; init; }
    [Id(3)] public int Attempt { get; init; }
    [Id(4)] public required string Image { get; init; }
    [Id(5)] public required IReadOnlyList<string> Command { get; init; }
    [Id(6)] public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    [Id(7)] public ResourceSpec Resources { get; init; } = new();
    [Id(8)] public OutputSpec Outputs { get; init; } = new();
    [Id(9)] public bool AllowNetwork { get; init; }
    [Id(10)] public DateTimeOffset LeaseDeadline { get; init; }
    [Id(11)] public int MaxAttempts { get; init; } = 1;
    /// <summary>For the dispatcher: how this unit's results are checked. Null: one copy.</summary>
    [Id(12)] public ReplicationSpec? Replication { get; init; }
    /// <summary>The job's inputs with this unit's placeholders filled in; the worker stages them read-only at <c>/in</c>.</summary>
    [Id(13)] public IReadOnlyList<JobInput> Inputs { get; init; } = [];

    public bool IsAmalgamation => UnitKey == Storage.AttemptKey.AmalgamationUnitKey;
}

/// <summary>What a unit answers to a lease request: the assignment (null: not for this worker, or none wanted) and whether it wants more copies out.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitLease")]
public sealed record UnitLease([property: Id(0)] UnitAssignment? Assignment, [property: Id(1)] bool WantsMore);

/// <summary>What a worker sends back for one attempt. The lease id makes late and duplicate reports harmless.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitReport")]
public sealed record UnitReport
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string UnitKey { get; init; }
    [Id(2)] public required string LeaseId { get; init; }
    [Id(3)] public AttemptOutcome Outcome { get; init; }
    [Id(4)] public int? ExitCode { get; init; }
    [Id(5)] public string Reason { get; init; } = "";
    /// <summary>Whether another attempt could succeed (a crash may; a missing image will not).</summary>
    [Id(6)] public bool Retryable { get; init; } = true;
    [Id(7)] public long RunTimeMicroseconds { get; init; }
    [Id(8)] public string StdoutTail { get; init; } = "";
    [Id(9)] public string StderrTail { get; init; } = "";
}

/// <summary>What the dispatcher answered to a report.</summary>
public enum ReportDisposition
{
    /// <summary>The attempt counted: the unit is accepted, retried or failed according to it.</summary>
    Recorded = 0,
    /// <summary>The lease was not current (late, duplicate, cancelled): acknowledged, nothing changed.</summary>
    Ignored = 1,
}

/// <summary>One attempt at a unit, kept in the unit's history.</summary>
[GenerateSerializer, Immutable, Alias("boid.AttemptRecord")]
public sealed record AttemptRecord
{
    [Id(0)] public int Attempt { get; init; }
    [Id(1)] public required string LeaseId { get; init; }
    [Id(2)] public required string Worker { get; init; }
    [Id(3)] public DateTimeOffset LeasedAt { get; init; }
    [Id(4)] public DateTimeOffset? StartedAt { get; init; }
    [Id(5)] public DateTimeOffset? EndedAt { get; init; }
    [Id(6)] public AttemptOutcome? Outcome { get; init; }
    [Id(7)] public int? ExitCode { get; init; }
    [Id(8)] public string Reason { get; init; } = "";
    [Id(9)] public long RunTimeMicroseconds { get; init; }
    /// <summary>For a successful attempt: SHA-256 over its output files' paths and hashes.</summary>
    [Id(10)] public string? Fingerprint { get; init; }
    /// <summary>Under replication: whether this result agreed with the accepted quorum (null until decided).</summary>
    [Id(11)] public bool? AgreedWithQuorum { get; init; }
}

/// <summary>A unit as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitView")]
public sealed record UnitView
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string UnitKey { get; init; }
    [Id(2)] public UnitStatus Status { get; init; }
    [Id(3)] public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    [Id(4)] public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];
    [Id(5)] public string? CurrentWorker { get; init; }
    [Id(6)] public DateTimeOffset? LeaseDeadline { get; init; }
    [Id(7)] public string StdoutTail { get; init; } = "";
    [Id(8)] public string StderrTail { get; init; } = "";
}

/// <summary>A worker's finished unit, as the job counts it (and credits its worker).</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitResult")]
public sealed record UnitResult
{
    [Id(0)] public required string UnitKey { get; init; }
    [Id(1)] public UnitStatus Status { get; init; }
    [Id(2)] public string Worker { get; init; } = "";
    [Id(3)] public long RunTimeMicroseconds { get; init; }
    [Id(4)] public string Reason { get; init; } = "";
    /// <summary>Not final, and wants a copy handed out (a retry, or another replica for its quorum).</summary>
    [Id(5)] public bool WantsCopies { get; init; }
}

/// <summary>One worker's lease request, as the dispatch grain passes a batch of them to a job.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitRequest")]
public sealed record UnitRequest([property: Id(0)] string WorkerId, [property: Id(1)] int Max, [property: Id(2)] WorkerFit? Fit);
