namespace Boid.Containers.Staging;

/// <summary>A regular file found under <c>/out</c>.</summary>
internal sealed record ScannedFile(string HostPath, string RelativePath, long Length);
