namespace Boid.Containers;

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
