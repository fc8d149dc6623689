namespace Boid.Containers;

/// <summary>Runs one work unit in a sandboxed container and collects its outputs.</summary>
public interface IContainerRunner
{
    /// <summary>
    /// Runs <paramref name="spec"/> to completion. Throws <see cref="ArgumentException"/> only for a spec that is
    /// wrong on any machine (empty image or command, relative paths, non-positive limits, a non-empty output
    /// directory, a missing <c>boid.worker</c> label). Every other failure, cancellation included, is a
    /// <see cref="ContainerRunResult"/>; the container is always removed before this returns.
    /// </summary>
    Task<ContainerRunResult> RunAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes containers labelled <c>boid.worker=&lt;workerId&gt;</c> left behind by an earlier run of this
    /// worker, and the runner's own staging areas for that worker. Call it at worker start, before the first
    /// <see cref="RunAsync"/>. Returns how many containers were removed.
    /// </summary>
    Task<int> RemoveLeftoversAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Whether the image is present in the local Docker Engine (never pulls).</summary>
    Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default);
}
