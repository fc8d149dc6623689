namespace Boid.Containers;

/// <summary>How a run ended. See README.md for which outcomes are retryable.</summary>
public enum ContainerOutcome
{
    /// <summary>Exit code 0 and outputs valid; outputs copied to the output directory.</summary>
    Succeeded,

    /// <summary>The process exited with a non-zero code (not a signal).</summary>
    NonZeroExit,

    /// <summary>The process was killed by a signal the runner did not send (exit code 129..192).</summary>
    Crashed,

    /// <summary>The wall-clock timeout passed; the runner killed the container.</summary>
    TimedOut,

    /// <summary>The kernel OOM killer fired inside the container's memory limit.</summary>
    OutOfMemory,

    /// <summary><c>/out</c> reached its size or file-count cap.</summary>
    OutputTooLarge,

    /// <summary><c>/out</c> held something other than plain directories and single-link regular files.</summary>
    UnsafeOutput,

    /// <summary>The image is not present locally (nothing is ever pulled).</summary>
    ImageMissing,

    /// <summary>The container could not be created or started, or the engine or host failed around the run.</summary>
    StartFailed,

    /// <summary>The caller's cancellation token fired; the container was killed and removed.</summary>
    Cancelled,
}
