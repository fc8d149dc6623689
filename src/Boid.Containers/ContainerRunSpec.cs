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

/// <summary>Resource limits of one run.</summary>
public sealed record ContainerLimits
{
    /// <summary>CPU share in cores (NanoCPUs).</summary>
    public double Cpus { get; init; } = 1;

    /// <summary>Memory limit; swap is disabled (memory+swap equals this).</summary>
    public long MemoryBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Maximum number of processes and threads in the container.</summary>
    public long PidsLimit { get; init; } = 128;

    /// <summary>Wall-clock limit from start to exit; the container is killed (SIGKILL) when it passes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Maximum total size of <c>/out</c>. Reaching it counts as exceeding it.</summary>
    public long OutputCapBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Size of the tmpfs at <c>/tmp</c>.</summary>
    public long TmpCapBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How many bytes of the end of stdout and of stderr the result keeps.</summary>
    public int LogTailBytes { get; init; } = 16 * 1024;
}

/// <summary>Sandbox switches. All default to the sandbox; a protocol may relax them explicitly.</summary>
public sealed record SandboxPolicy
{
    /// <summary>When true the container joins the default bridge network instead of having none.</summary>
    public bool AllowNetwork { get; init; }

    /// <summary>When true the image's root filesystem is mounted read-only.</summary>
    public bool ReadOnlyRootFilesystem { get; init; } = true;

    /// <summary>When true the process runs as uid 0 (still without capabilities and with no-new-privileges).</summary>
    public bool RunAsRoot { get; init; }
}
