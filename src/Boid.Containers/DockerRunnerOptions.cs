namespace Boid.Containers;

/// <summary>Options of <see cref="DockerContainerRunner"/> (configuration section <c>Boid:Containers</c>).</summary>
public sealed class DockerRunnerOptions
{
    public const string SectionName = "Boid:Containers";

    /// <summary>Docker Engine endpoint.</summary>
    /// <value>Default <c>unix:///var/run/docker.sock</c>.</value>
    public Uri Endpoint { get; set; } = new("unix:///var/run/docker.sock");

    /// <summary>Timeout of ordinary Engine requests (create, start, logs, remove). Waiting uses a separate, untimed client.</summary>
    /// <value>Default 30 s.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Host directory where per-run staging areas (the real <c>/out</c>) live, as <c>&lt;worker&gt;/&lt;run&gt;</c>.
    /// The Docker daemon must see it at the same path.
    /// </summary>
    /// <value>Default <c>/var/tmp/boid-containers</c>.</value>
    public string StagingDirectory { get; set; } = "/var/tmp/boid-containers";

    /// <summary>How the output cap is enforced.</summary>
    /// <value>Default <see cref="OutputCapEnforcement.Auto"/>.</value>
    public OutputCapEnforcement OutputCap { get; set; } = OutputCapEnforcement.Auto;

    /// <summary>Interval of the size poll in <see cref="OutputCapEnforcement.Polling"/> mode.</summary>
    /// <value>Default 200 ms.</value>
    public TimeSpan OutputPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Maximum number of files and directories under <c>/out</c>.</summary>
    /// <value>Default 10 000.</value>
    public int MaxOutputEntries { get; set; } = 10_000;

    /// <summary>Run Docker's init (tini) as PID 1, so signals and exit codes behave as outside a container.</summary>
    /// <value>Default true.</value>
    public bool UseInit { get; set; } = true;

    /// <summary>User for containers that do not run as root.</summary>
    /// <value>Default 65534 (nobody).</value>
    public int SandboxUserId { get; set; } = 65534;

    /// <summary>Group for containers that do not run as root.</summary>
    /// <value>Default 65534 (nogroup).</value>
    public int SandboxGroupId { get; set; } = 65534;

    /// <summary>How long a warm container (<see cref="ContainerMode.Warm"/>) may stay idle before it is removed.</summary>
    /// <value>Default 5 s: long enough to bridge the gap between two leases of a busy job, short enough not to hold memory for a finished one.</value>
    public TimeSpan WarmIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns the first problem with these options, or null.</summary>
    public string? Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri)
        {
            return "Boid:Containers:Endpoint must be an absolute URI such as unix:///var/run/docker.sock.";
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            return "Boid:Containers:RequestTimeout must be positive.";
        }

        if (string.IsNullOrWhiteSpace(StagingDirectory) || !Path.IsPathFullyQualified(StagingDirectory))
        {
            return "Boid:Containers:StagingDirectory must be an absolute path.";
        }

        if (OutputPollInterval <= TimeSpan.Zero)
        {
            return "Boid:Containers:OutputPollInterval must be positive.";
        }

        if (WarmIdleTimeout <= TimeSpan.Zero)
        {
            return "Boid:Containers:WarmIdleTimeout must be positive.";
        }

        if (MaxOutputEntries < 1)
        {
            return "Boid:Containers:MaxOutputEntries must be at least 1.";
        }

        return SandboxUserId < 0 || SandboxGroupId < 0
            ? "Boid:Containers:SandboxUserId and SandboxGroupId must not be negative."
            : null;
    }
}
