namespace Boid.Abstractions.Model;

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
