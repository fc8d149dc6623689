using Boid.Abstractions.Model;

namespace Boid.Abstractions.Ledger;

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
