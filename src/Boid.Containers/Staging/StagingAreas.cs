using System.Security.Cryptography;

namespace Boid.Containers.Staging;

/// <summary>
/// Where runs get their <c>/out</c>: one <see cref="OutputArea"/> per run (or per warm container) under
/// <c>StagingDirectory/&lt;worker&gt;/&lt;run&gt;</c>, a size-capped tmpfs or a polled directory as
/// <see cref="DockerRunnerOptions.OutputCap"/> and the runner's user decide.
/// </summary>
internal sealed class StagingAreas
{
    private readonly DockerRunnerOptions _options;

    public StagingAreas(DockerRunnerOptions options)
    {
        _options = options;
        UseTmpfs = options.OutputCap switch
        {
            OutputCapEnforcement.Tmpfs => true,
            OutputCapEnforcement.Polling => false,
            _ => Native.IsRoot,
        };
    }

    /// <summary>True when the kernel enforces the output cap (tmpfs); false when the runner polls.</summary>
    public bool UseTmpfs { get; }

    /// <summary>The enforcement actually in use (<see cref="OutputCapEnforcement.Auto"/> resolved).</summary>
    public OutputCapEnforcement Mode => UseTmpfs ? OutputCapEnforcement.Tmpfs : OutputCapEnforcement.Polling;

    /// <summary>A new run id: the container is named <c>boid-&lt;run&gt;</c> and its staging area <c>&lt;run&gt;</c>.</summary>
    public static string NewRunId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Creates the staging area of one run, owned by the container's user.</summary>
    /// <exception cref="IOException">The host could not create or mount it.</exception>
    /// <exception cref="UnauthorizedAccessException">The runner may not create it.</exception>
    public OutputArea Create(string workerId, string runId, long capBytes, int uid, int gid) =>
        OutputArea.Create(_options.StagingDirectory, workerId, runId, capBytes, _options.MaxOutputEntries, uid, gid, UseTmpfs);

    /// <summary>Unmounts and deletes every staging area of a worker (left by an earlier run); returns the problems met.</summary>
    public IReadOnlyList<string> RemoveWorkerLeftovers(string workerId) =>
        OutputArea.RemoveWorkerLeftovers(_options.StagingDirectory, workerId);
}
