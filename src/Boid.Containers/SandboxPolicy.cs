namespace Boid.Containers;

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
