namespace Boid.Abstractions.Model;

[GenerateSerializer, Immutable, Alias("boid.ContributorView")]
public sealed record ContributorView
{
    [Id(0)] public required string Account { get; init; }
    [Id(1)] public ContributorRole Role { get; init; }
    [Id(2)] public int Cores { get; init; }
    [Id(3)] public long MemoryBytes { get; init; }
    [Id(4)] public int Slots { get; init; }
    [Id(5)] public DateTimeOffset? LastSeen { get; init; }
    [Id(6)] public long ContributedMicroseconds { get; init; }
    [Id(7)] public long UnitsAccepted { get; init; }
    [Id(8)] public int RunningUnits { get; init; }
    [Id(9)] public string Architecture { get; init; } = "";
    /// <summary>Replicated results that agreed with their quorum, in a row since the last loss.</summary>
    [Id(10)] public long CleanStreak { get; init; }
    /// <summary>Replicated results that lost their quorum (wrong or divergent outputs).</summary>
    [Id(11)] public long QuorumLosses { get; init; }
    /// <summary>Whether the adaptive-replication rule currently trusts this worker with single copies.</summary>
    [Id(12)] public bool Trusted { get; init; }
    /// <summary>Storage contributors: the endpoint, its protocol, capacity and used bytes, and byte-seconds credited so far.</summary>
    [Id(20)] public string? StorageEndpoint { get; init; }
    [Id(21)] public string? StorageProtocol { get; init; }
    [Id(22)] public long StorageCapacityBytes { get; init; }
    [Id(23)] public long StorageUsedBytes { get; init; }
    [Id(24)] public ulong StoredByteSeconds { get; init; }
}
