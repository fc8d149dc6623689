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

/// <summary>The result of one run.</summary>
public sealed record ContainerRunResult
{
    /// <summary>How the run ended.</summary>
    public required ContainerOutcome Outcome { get; init; }

    /// <summary>Exit code of the container's main process, when it exited by itself.</summary>
    public int? ExitCode { get; init; }

    /// <summary>One human-readable line.</summary>
    public required string Reason { get; init; }

    /// <summary>Whether another attempt, on another worker, is worth making.</summary>
    public required bool Retryable { get; init; }

    /// <summary>From the start request to the observed exit (or kill), measured by the runner.</summary>
    public long RunTimeMicroseconds { get; init; }

    /// <summary>The last <see cref="ContainerLimits.LogTailBytes"/> of stdout (UTF-8, lossy at the cut).</summary>
    public string StdoutTail { get; init; } = "";

    /// <summary>The last <see cref="ContainerLimits.LogTailBytes"/> of stderr (UTF-8, lossy at the cut).</summary>
    public string StderrTail { get; init; } = "";

    /// <summary>Files copied to the output directory; empty unless <see cref="ContainerOutcome.Succeeded"/>.</summary>
    public IReadOnlyList<OutputFile> Outputs { get; init; } = [];

    /// <summary>Docker's id of the (now removed) container, when one was created.</summary>
    public string? ContainerId { get; init; }

    /// <summary>Time spent in each phase of the run.</summary>
    public ContainerPhaseTimings Timings { get; init; } = new();
}

/// <summary>A file under the output directory, after validation.</summary>
/// <param name="RelativePath">Path relative to the output directory, with '/' separators.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record OutputFile(string RelativePath, long Length);

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
