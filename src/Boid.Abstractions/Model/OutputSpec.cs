namespace Boid.Abstractions.Model;

[GenerateSerializer, Immutable, Alias("boid.OutputSpec")]
public sealed record OutputSpec
{
    [Id(0)] public long MaxSizeBytes { get; init; } = 64L << 20;
    /// <summary>Files every unit must write under <c>/out</c>; a unit without them fails.</summary>
    [Id(1)] public IReadOnlyList<string> Required { get; init; } = [];
}
