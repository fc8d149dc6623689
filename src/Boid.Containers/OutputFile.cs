namespace Boid.Containers;

/// <summary>A file under the output directory, after validation.</summary>
/// <param name="RelativePath">Path relative to the output directory, with '/' separators.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record OutputFile(string RelativePath, long Length);
