namespace Boid.Abstractions.Model;

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
