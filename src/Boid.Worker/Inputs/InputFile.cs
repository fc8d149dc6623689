namespace Boid.Worker.Inputs;

/// <summary>
/// One file to stage under <c>/in</c>, as an <see cref="IInputSource"/> resolved it: where it comes from, its path under
/// <c>/in</c>, its SHA-256 when known, and — for a file whose hash is not known yet — a version (store, path, length,
/// modification time) by which the cache maps it to the hash it learns on the first fetch.
/// </summary>
public sealed record InputFile(string Uri, string Path, string? Sha256 = null, long? Length = null, string? Version = null);
