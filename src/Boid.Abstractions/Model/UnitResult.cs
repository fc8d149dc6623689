namespace Boid.Abstractions.Model;

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
    /// <summary>For a replicated unit: the workers that hold or held a copy (never offered another).</summary>
    [Id(6)] public IReadOnlyList<string> Holders { get; init; } = [];
    /// <summary>Accepted: the attempts that earned credit, the accepted one first (<see cref="Worker"/> and <see cref="RunTimeMicroseconds"/> are its).</summary>
    [Id(7)] public IReadOnlyList<CreditedAttempt> Credited { get; init; } = [];
}
