namespace Boid.Abstractions.Gateway;

public sealed record Manifest
{
    public IReadOnlyList<ManifestFile> Files { get; init; } = [];
}
