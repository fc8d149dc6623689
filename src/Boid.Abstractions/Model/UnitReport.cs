namespace Boid.Abstractions.Model;

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
