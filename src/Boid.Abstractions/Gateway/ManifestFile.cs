namespace Boid.Abstractions.Gateway;

/// <summary>One file of a manifest (outputs uploaded, or inputs to download).</summary>
public sealed record ManifestFile
{
    public required string Path { get; init; }
    public long Length { get; init; }
    public required string Sha256 { get; init; }
}
