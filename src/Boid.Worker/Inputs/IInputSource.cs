using Boid.Abstractions.Model;

namespace Boid.Worker.Inputs;

/// <summary>
/// Where a worker gets a unit's inputs: a worker silo from the stores themselves (<see cref="StoreInputSource"/>), a remote
/// volunteer from the dispatcher's gateway. Every input — a job's own, or the amalgamation step's accepted outputs — comes
/// the same way.
/// </summary>
public interface IInputSource
{
    /// <summary>The files a lease's inputs name (a folder input, ending in <c>/</c>, becomes every file under it).</summary>
    /// <exception cref="InputStagingException">An input is refused, missing or unreachable; the message names it.</exception>
    Task<IReadOnlyList<InputFile>> ResolveAsync(UnitAssignment lease, CancellationToken cancellationToken);

    /// <summary>Writes one resolved file to <paramref name="localPath"/> (a new file), checking its hash when it is known.</summary>
    /// <returns>The content's SHA-256 (lower-case hex) and length.</returns>
    /// <exception cref="InputStagingException">The file is missing, unreachable, or its content does not match its hash.</exception>
    Task<(string Sha256, long Length)> DownloadAsync(UnitAssignment lease, InputFile file, string localPath, CancellationToken cancellationToken);
}
