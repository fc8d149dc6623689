namespace Boid.Containers;

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
