namespace Boid.Grains.Model;

/// <summary>submitted → running → amalgamating → done | failed | cancelled.</summary>
public enum JobState
{
    Submitted = 0,
    Running = 1,
    Amalgamating = 2,
    Done = 3,
    Failed = 4,
    Cancelled = 5,
}

[GenerateSerializer, Immutable, Alias("boid.JobProgress")]
public sealed record JobProgress
{
    [Id(0)] public long Total { get; init; }
    [Id(1)] public long Accepted { get; init; }
    [Id(2)] public long Failed { get; init; }
    [Id(3)] public long Running { get; init; }
    /// <summary>Attempts that failed and were retried (or not); a unit may count several times here.</summary>
    [Id(4)] public long FailedAttempts { get; init; }

    public long Pending => Total - Accepted - Failed - Running;
}

/// <summary>A job as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("boid.JobView")]
public sealed record JobView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public required string Protocol { get; init; }
    [Id(3)] public JobState State { get; init; }
    [Id(4)] public required JobProgress Progress { get; init; }
    [Id(5)] public DateTimeOffset SubmittedAt { get; init; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(7)] public string Reason { get; init; } = "";
    [Id(8)] public bool HasAmalgamation { get; init; }
    /// <summary>Sum of container run time over accepted units (µs).</summary>
    [Id(9)] public long ContainerMicroseconds { get; init; }
    [Id(10)] public string Image { get; init; } = "";
}

public enum ContributorRole
{
    Worker = 0,
    Dispatcher = 1,
    Storage = 2,
}

/// <summary>What a worker tells the dispatcher about itself when it starts.</summary>
[GenerateSerializer, Immutable, Alias("boid.WorkerRegistration")]
public sealed record WorkerRegistration
{
    [Id(0)] public required string WorkerId { get; init; }
    [Id(1)] public int Cores { get; init; }
    [Id(2)] public long MemoryBytes { get; init; }
    [Id(3)] public int Slots { get; init; }
    [Id(4)] public string Architecture { get; init; } = "";
    [Id(5)] public int Gpus { get; init; }
}

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
