using Boid.Abstractions.Model;

namespace Boid.Abstractions.Ledger;

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
