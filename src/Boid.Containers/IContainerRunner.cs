namespace Boid.Containers;

/// <summary>Runs one work unit in a sandboxed container and collects its outputs.</summary>
public interface IContainerRunner
{
    /// <summary>
    /// Runs <paramref name="spec"/> to completion. Throws <see cref="ArgumentException"/> only for a spec that is
    /// wrong on any machine (empty image or command, relative paths, non-positive limits, a non-empty output
    /// directory, a missing <c>boid.worker</c> label). Every other failure, cancellation included, is a
    /// <see cref="ContainerRunResult"/>. The container has stopped when this returns; a fresh one is removed in the
    /// background (off the unit's path), a warm one is kept for the job's next unit (<see cref="ContainerMode.Warm"/>).
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

    /// <summary>
    /// Removes the idle warm containers of a job now (it was cancelled, or its lease was lost); one still serving a unit
    /// goes when that unit ends and stopping it is the caller's business. Idle warm containers also go by themselves
    /// after <see cref="DockerRunnerOptions.WarmIdleTimeout"/>.
    /// </summary>
    Task RetireJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every idle warm container and waits until every container this runner is done with has been removed.
    /// Call it at shutdown, after the runs have ended. The runner stays usable.
    /// </summary>
    Task DrainAsync(CancellationToken cancellationToken = default);
}
