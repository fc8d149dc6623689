
namespace Boid.Abstractions.Ledger;

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
