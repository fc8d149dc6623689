namespace Boid.Containers;

/// <summary>How a run gets its container.</summary>
public enum ContainerMode
{
    /// <summary>A container created for this run and removed after it.</summary>
    Fresh,

    /// <summary>
    /// A process started (Docker exec) in a running container kept for the job: <c>/out</c>, <c>/tmp</c> and
    /// <c>/dev/shm</c> are emptied and checked after every run, and the container is killed and replaced after
    /// any run that did not end by itself (timeout, cancellation, output cap, OOM, crash) or left a process behind.
    /// </summary>
    Warm,
}
