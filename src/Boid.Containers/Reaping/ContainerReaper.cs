using System.Collections.Concurrent;
using Boid.Containers.Engine;
using Boid.Containers.Staging;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Boid.Containers.Reaping;

/// <summary>
/// Removes what the runner is done with: in the background, off the unit's path (<see cref="InBackground"/>, which
/// <see cref="WhenIdleAsync"/> waits for at shutdown), and at a worker's start every container labelled with its id and
/// every staging area of it (<see cref="RemoveLeftoversAsync"/>), whatever an earlier process left.
/// </summary>
internal sealed class ContainerReaper(DockerEngine engine, StagingAreas staging)
{
    /// <summary>Removals running off the units' paths.</summary>
    private readonly ConcurrentDictionary<Task, byte> _removals = new();

    /// <summary>Runs <paramref name="work"/> off the caller's path; <see cref="WhenIdleAsync"/> waits for it.</summary>
    public void InBackground(Func<Task> work)
    {
        var task = Task.Run(work);
        _removals.TryAdd(task, 0);
        _ = task.ContinueWith(done => _removals.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits until no removal runs, including those started while waiting.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (!_removals.IsEmpty)
        {
            await Task.WhenAll(_removals.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Force-removes the worker's labelled containers and its staging areas; returns how many containers went.</summary>
    public async Task<int> RemoveLeftoversAsync(string workerId, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var container in await ListAsync(workerId, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await engine.Client.Containers.RemoveContainerAsync(container.ID,
                    new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
                removed++;
                Log.LeftoverRemoved(engine.Logger, container.ID, workerId);
            }
            catch (DockerContainerNotFoundException)
            {
                // Gone in the meantime.
            }
        }

        // After the containers: a staging area is bind-mounted into its container until then.
        foreach (var problem in staging.RemoveWorkerLeftovers(workerId))
        {
            Log.LeftoverStagingFailed(engine.Logger, workerId, problem);
        }

        return removed;
    }

    private Task<IList<ContainerListResponse>> ListAsync(string workerId, CancellationToken cancellationToken) =>
        engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{DockerContainerRunner.WorkerLabel}={workerId}"] = true },
            },
        }, cancellationToken);
}
