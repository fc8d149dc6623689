namespace Boid.Abstractions.Gateway;

/// <summary>What a worker says about its machine.</summary>
public sealed record WorkerCapabilities
{
    public int Cores { get; init; }
    public long MemoryBytes { get; init; }
    public string Architecture { get; init; } = "";
    public int Gpus { get; init; }
    public int Slots { get; init; }
}
