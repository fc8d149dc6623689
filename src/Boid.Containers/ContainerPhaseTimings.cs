namespace Boid.Containers;

/// <summary>Wall-clock time of each phase of a run, measured with the runner's <see cref="TimeProvider"/>.</summary>
public sealed record ContainerPhaseTimings
{
    /// <summary>Staging area set-up (tmpfs mount or directory).</summary>
    public TimeSpan Prepare { get; init; }

    /// <summary>Container create request.</summary>
    public TimeSpan Create { get; init; }

    /// <summary>Container start request.</summary>
    public TimeSpan Start { get; init; }

    /// <summary>From start returned to exit observed (including a kill when one was needed).</summary>
    public TimeSpan Wait { get; init; }

    /// <summary>Reading the stdout and stderr tails.</summary>
    public TimeSpan Logs { get; init; }

    /// <summary>Validating and copying outputs.</summary>
    public TimeSpan Collect { get; init; }

    /// <summary>Container removal and staging clean-up.</summary>
    public TimeSpan Remove { get; init; }
}
