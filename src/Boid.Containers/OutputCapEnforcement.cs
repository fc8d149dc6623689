namespace Boid.Containers;

/// <summary>How the output cap is enforced.</summary>
public enum OutputCapEnforcement
{
    /// <summary>A size-capped tmpfs when the runner is root on Linux, otherwise polling.</summary>
    Auto,

    /// <summary>A size-capped tmpfs mounted on the staging directory: the kernel refuses writes past the cap.</summary>
    Tmpfs,

    /// <summary>A plain staging directory whose size is polled during the run; the container is killed past the cap.</summary>
    Polling,
}
