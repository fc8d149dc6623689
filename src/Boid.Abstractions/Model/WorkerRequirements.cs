namespace Boid.Abstractions.Model;

/// <summary>What a job needs of the machine that runs its units (job spec <c>requirements</c>). Empty fits every worker.</summary>
[GenerateSerializer, Immutable, Alias("boid.WorkerRequirements")]
public sealed record WorkerRequirements
{
    /// <summary>Runtime identifiers accepted (<c>linux-x64</c>, <c>linux-arm64</c>); empty: any.</summary>
    [Id(0)] public IReadOnlyList<string> Architectures { get; init; } = [];
    [Id(1)] public long MinMemoryBytes { get; init; }
    [Id(2)] public int MinCores { get; init; }
    [Id(3)] public int Gpus { get; init; }
}
