using System.Text.Json;

namespace Boid.Testing;

/// <summary>
/// The machine's Docker Engine as the end-to-end tests see it (through the docker CLI): the example images must be
/// there, and the containers a worker labels can be counted and removed. A missing engine or image fails, never skips.
/// </summary>
public static class DockerHost
{
    /// <summary>Fails with what to run unless every image is present.</summary>
    public static void RequireImages(params string[] images)
    {
        foreach (var image in images)
        {
            var (code, output) = Shell.Run("docker", "image", "inspect", "--format", "ok", image);
            if (code != 0)
            {
                throw new InvalidOperationException(
                    $"image {image} is missing or Docker is not running ({output.Trim()}): run scripts/ensure-docker.sh and deploy/images/build-examples.sh (.ci/run does both)");
            }
        }
    }

    /// <summary>Ids of the containers Docker has with this label (any state, or running only), e.g. <c>boid.worker=w1</c>.</summary>
    public static IReadOnlyList<string> Containers(string label, bool runningOnly = false)
    {
        var output = Shell.Check("docker", "ps", runningOnly ? "-q" : "-aq", "--no-trunc", "--filter", $"label={label}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The containers (any state) a worker still has: those labelled <c>boid.worker=<paramref name="workerId"/></c>.</summary>
    public static IReadOnlyList<string> WorkerContainers(string workerId) => Containers($"boid.worker={workerId}");

    /// <summary>
    /// Waits until the worker has no container left (a finished one is removed off the unit's path, so shortly after)
    /// and returns how many it still has when <paramref name="timeout"/> (20 s) is up.
    /// </summary>
    public static async Task<int> WorkerContainersAfterRemovalAsync(string workerId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var count = WorkerContainers(workerId).Count;
        while (count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            count = WorkerContainers(workerId).Count;
        }

        return count;
    }

    /// <summary>A container's labels (empty when it is gone).</summary>
    public static IReadOnlyDictionary<string, string> Labels(string containerId)
    {
        var (code, output) = Shell.Run("docker", "inspect", "--format", "{{json .Config.Labels}}", containerId);
        return code == 0 ? JsonSerializer.Deserialize<Dictionary<string, string>>(output.Trim()) ?? [] : new Dictionary<string, string>();
    }

    /// <summary>Removes a worker's containers and unmounts its staging areas: cleanup after a test that left a worker killed.</summary>
    public static void RemoveWorkerLeftovers(string workerId)
    {
        var ids = WorkerContainers(workerId);
        if (ids.Count > 0)
        {
            Shell.Run("docker", ["rm", "-f", .. ids]);
        }

        var staging = Path.Combine("/var/tmp/boid-containers", workerId);
        if (File.Exists("/proc/mounts"))
        {
            foreach (var mount in File.ReadAllLines("/proc/mounts").Select(l => l.Split(' ')[1]).Where(m => m.StartsWith(staging + "/", StringComparison.Ordinal)))
            {
                Shell.Run("umount", "-l", mount);
            }
        }

        Repository.TryDelete(staging);
    }
}
