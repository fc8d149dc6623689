using Boid.Containers.Engine;
using Boid.Containers.Staging;

namespace Boid.Containers.Warm;

/// <summary>
/// A running container kept for the units of one <see cref="WarmKey"/>: either idle in the <see cref="WarmPool"/> or
/// serving exactly one unit, never both. Its <c>/out</c> and <c>/in</c> are its own staging areas, emptied between units.
/// </summary>
internal sealed class WarmContainer(WarmKey key, string name, OutputArea area, string inputPath)
{
    public WarmKey Key { get; } = key;

    public string Name { get; } = name;

    /// <summary>Docker's id; empty until the create request answered.</summary>
    public string Id { get; set; } = "";

    /// <summary>The keep-alive's PID on the host: the way into the container's mounts and process tree.</summary>
    public int Pid { get; set; }

    public OutputArea Out { get; } = area;

    /// <summary>Host side of <c>/in</c>: a sibling of the <c>/out</c> area, filled with each unit's inputs.</summary>
    public string InputPath { get; } = inputPath;

    public int Units { get; set; }

    /// <summary>When it last went idle, on the runner's clock.</summary>
    public long IdleSince { get; set; }

    /// <summary>Removes the container (unless it was never created) and then its staging areas, saying why.</summary>
    public async Task RemoveAsync(DockerEngine engine, string reason, bool removeContainer = true)
    {
        if (removeContainer)
        {
            await engine.RemoveAsync(Name, Id.Length > 0 ? Id : null).ConfigureAwait(false);
        }

        Log.WarmRetired(engine.Logger, Id, Key.JobId, Units, reason);
        if (Out.Cleanup() is { } problem)
        {
            Log.StagingCleanupFailed(engine.Logger, Id, problem);
        }

        try
        {
            Directory.Delete(InputPath, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StagingCleanupFailed(engine.Logger, Id, $"delete {InputPath} failed: {ex.Message}");
        }
    }
}
