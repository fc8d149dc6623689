namespace Boid.Abstractions.Model;

/// <summary>The reduce step: one container that sees every accepted unit's outputs under <c>/in/units/{unit}/</c>.</summary>
[GenerateSerializer, Immutable, Alias("boid.AmalgamationSpec")]
public sealed record AmalgamationSpec
{
    [Id(0)] public required string Image { get; init; }
    [Id(1)] public required IReadOnlyList<string> Command { get; init; }
    [Id(2)] public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    [Id(3)] public ResourceSpec Resources { get; init; } = new();
}
