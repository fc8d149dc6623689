namespace Boid.Containers;

/// <summary>What is wrong with a spec on any machine: the caller's bug, so an <see cref="ArgumentException"/>, never a result.</summary>
internal static class RunSpecValidator
{
    /// <summary>Checks <paramref name="spec"/>; returns its worker id (label <c>boid.worker</c>).</summary>
    /// <exception cref="ArgumentException">The spec is wrong; the message says how.</exception>
    public static string Validate(ContainerRunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Image, nameof(spec));
        ValidateProcess(spec);
        ValidateDirectories(spec);
        if (spec.Labels is null || !spec.Labels.TryGetValue(DockerContainerRunner.WorkerLabel, out var workerId) || string.IsNullOrWhiteSpace(workerId))
        {
            throw new ArgumentException($"Labels must contain {DockerContainerRunner.WorkerLabel}, so that leftovers can be found.", nameof(spec));
        }

        _ = spec.Limits ?? throw new ArgumentException("Limits must not be null.", nameof(spec));
        _ = spec.Sandbox ?? throw new ArgumentException("Sandbox must not be null.", nameof(spec));
        if (spec.Mode == ContainerMode.Warm)
        {
            ValidateWarm(spec);
        }

        ValidateLimits(spec);
        return workerId;
    }

    private static void ValidateProcess(ContainerRunSpec spec)
    {
        if (spec.Command is null || spec.Command.Count == 0 || string.IsNullOrEmpty(spec.Command[0]))
        {
            throw new ArgumentException("Command must hold at least the program to run.", nameof(spec));
        }

        if (spec.Command.Any(arg => arg is null))
        {
            throw new ArgumentException("Command must not contain null.", nameof(spec));
        }

        if (spec.Environment.Keys.Any(key => string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Environment names must be non-empty and contain neither '=' nor NUL.", nameof(spec));
        }
    }

    private static void ValidateDirectories(ContainerRunSpec spec)
    {
        if (spec.InputDirectory is { } input && (!Path.IsPathFullyQualified(input) || !Directory.Exists(input)))
        {
            throw new ArgumentException($"InputDirectory {input} must be an absolute path to an existing directory.", nameof(spec));
        }

        if (string.IsNullOrWhiteSpace(spec.OutputDirectory) || !Path.IsPathFullyQualified(spec.OutputDirectory))
        {
            throw new ArgumentException("OutputDirectory must be an absolute path.", nameof(spec));
        }
    }

    private static void ValidateWarm(ContainerRunSpec spec)
    {
        if (!spec.Labels.TryGetValue(DockerContainerRunner.JobLabel, out var jobId) || string.IsNullOrWhiteSpace(jobId))
        {
            throw new ArgumentException($"Labels must contain {DockerContainerRunner.JobLabel} in warm mode: a warm container serves the units of one job.", nameof(spec));
        }

        // With a writable root or as root (who owns /dev), a unit could leave files outside /out, /tmp and /dev/shm,
        // which the runner empties between units, for the next unit to find.
        if (spec.Sandbox.RunAsRoot || !spec.Sandbox.ReadOnlyRootFilesystem)
        {
            throw new ArgumentException("Warm mode needs the full sandbox: a read-only root filesystem and a non-root user.", nameof(spec));
        }
    }

    private static void ValidateLimits(ContainerRunSpec spec)
    {
        var limits = spec.Limits;
        if (!(limits.Cpus > 0) || limits.MemoryBytes < 6L * 1024 * 1024 || limits.PidsLimit < 1
            || limits.Timeout <= TimeSpan.Zero || limits.Timeout > TimeSpan.FromDays(30)
            || limits.OutputCapBytes < 4096 || limits.TmpCapBytes < 4096 || limits.LogTailBytes < 0)
        {
            throw new ArgumentException(
                "Limits: Cpus must be positive, Timeout between 0 and 30 days, MemoryBytes at least 6 MiB, PidsLimit at least 1, "
                + "OutputCapBytes and TmpCapBytes at least 4096, LogTailBytes not negative.", nameof(spec));
        }
    }
}
