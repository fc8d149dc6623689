namespace Boid.Containers;

/// <summary>What to run and under which limits.</summary>
public sealed record ContainerRunSpec
{
    /// <summary>Local image reference, for example <c>boid/busybox:1</c>. Never pulled.</summary>
    public required string Image { get; init; }

    /// <summary>The argv of the process; no shell is implied.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Environment variables of the process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Absolute host directory mounted read-only at <c>/in</c>; null for none.</summary>
    public string? InputDirectory { get; init; }

    /// <summary>
    /// Absolute host directory that receives the validated contents of <c>/out</c> once the run succeeded.
    /// Created if missing; must be empty. Holds only plain files owned by the runner's user after the run.
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Labels on the container. Must contain <c>boid.worker</c>; callers also pass
    /// <c>boid.job</c>, <c>boid.unit</c> and <c>boid.lease</c>.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Resource limits.</summary>
    public ContainerLimits Limits { get; init; } = new();

    /// <summary>Sandbox switches; the defaults are the full sandbox.</summary>
    public SandboxPolicy Sandbox { get; init; } = new();

    /// <summary>
    /// A fresh container for this run, or a warm container of the same job (label <c>boid.job</c>), image, limits,
    /// sandbox and output cap, kept running between runs; see README.md.
    /// </summary>
    public ContainerMode Mode { get; init; } = ContainerMode.Fresh;
}
