
namespace Boid.Abstractions.Ledger;

/// <summary>A record or operation the chain refused for good (it is kept here, never retried).</summary>
[GenerateSerializer, Immutable, Alias("boid.LedgerRejection")]
public sealed record LedgerRejection
{
    [Id(0)] public required string What { get; init; }
    [Id(1)] public required string Reason { get; init; }
    [Id(2)] public DateTimeOffset At { get; init; }
}
