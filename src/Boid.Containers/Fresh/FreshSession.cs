using Boid.Containers.Engine;
using Boid.Containers.Outcomes;
using Boid.Containers.Reaping;
using Boid.Containers.Staging;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Boid.Containers.Fresh;

/// <summary>
/// One unit in one new container: image, prepare <c>/out</c>, create, start, wait with the untimed client, log tails, judge
/// and collect (<see cref="RunRecorder"/>), then removal — in the background once the process has exited, inline while it
/// may still run. One instance per run: the steps share the container's name and the two facts the removal needs.
/// </summary>
internal sealed class FreshSession(DockerEngine engine, StagingAreas staging, ImageStep images, ContainerReaper reaper, ContainerRunSpec spec, string workerId)
{
    private readonly string _runId = StagingAreas.NewRunId();
    private readonly RunRecorder _record = engine.Record(spec);
    private OutputArea? _area;

    /// <summary>From the create request on, until the Engine says it made no container: only then is a removal needed.</summary>
    private bool _mayExist;

    /// <summary>From the start request until the exit was observed: a removal then must happen before the result is returned.</summary>
    private bool _running;

    private string Name => "boid-" + _runId;

    private int Uid => spec.Sandbox.RunAsRoot ? 0 : engine.Options.SandboxUserId;

    private int Gid => spec.Sandbox.RunAsRoot ? 0 : engine.Options.SandboxGroupId;

    public async Task<ContainerRunResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await PrepareAsync(cancellationToken).ConfigureAwait(false))
            {
                return _record.Result();
            }

            await CreateAsync(cancellationToken).ConfigureAwait(false);
            var exit = await RunToExitAsync(cancellationToken).ConfigureAwait(false);
            await engine.ReadLogsAsync(Name, _record.Tails, cancellationToken).ConfigureAwait(false);
            _record.Lap(RunPhase.Logs);
            await _record.JudgeAsync(exit, _area!, token => engine.IsOomKilledAsync(Name, token), "killed", cancellationToken).ConfigureAwait(false);
            await _record.CollectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _record.Cancelled("container killed and removed");
        }
        catch (Exception ex) when (EngineFailure.Covers(ex))
        {
            // A request the Engine refused made no container; one lost on the way may have made it.
            _mayExist &= _record.ContainerId is not null || ex is not DockerApiException;
            _record.Failed(ex, "the container", _record.ContainerId ?? Name, created: _record.ContainerId is not null);
        }
        finally
        {
            _record.DiscardPartialOutputs();
            await RemoveAsync().ConfigureAwait(false);
            _record.Lap(RunPhase.Remove);
        }

        return _record.Result();
    }

    /// <summary>The image, then the staging area for <c>/out</c>; false when the recorder holds why the run ends here.</summary>
    private async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        if (await images.PrepareAsync(spec.Image, cancellationToken).ConfigureAwait(false) is { } unavailable)
        {
            _record.Decide(unavailable);
            return false;
        }

        try
        {
            _area = staging.Create(workerId, _runId, spec.Limits.OutputCapBytes, Uid, Gid);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _record.Decide(new Verdict(ContainerOutcome.StartFailed, null, $"could not prepare the staging area for /out: {ex.Message}", Retryable: true));
            return false;
        }

        _record.Lap(RunPhase.Prepare);
        return true;
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _mayExist = true;
        // Not cancellable: a create abandoned half-way can still complete in the engine after a removal by name has
        // found nothing, leaving a container behind. It is short; the cancellation is honoured right after it.
        var parameters = SandboxParameters.Build(spec, Name, _area!.Path, Uid, Gid, engine.Options.UseInit);
        var created = await engine.Client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
        _record.ContainerId = created.ID;
        cancellationToken.ThrowIfCancellationRequested();
        Log.ContainerCreated(engine.Logger, created.ID, spec.Image, Name);
        _record.Lap(RunPhase.Create);
    }

    /// <summary>Starts the container and waits, with the untimed client, until it exits or the runner kills it at a limit.</summary>
    private async Task<UnitExit> RunToExitAsync(CancellationToken cancellationToken)
    {
        _record.RunStarted();
        _running = true;
        await engine.Client.Containers.StartContainerAsync(Name, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        _record.Lap(RunPhase.Start);
        var exit = await WaitAsync(cancellationToken).ConfigureAwait(false);
        _running = false;
        _record.RunEnded();
        _record.Lap(RunPhase.Wait);
        return exit;
    }

    private async Task<UnitExit> WaitAsync(CancellationToken cancellationToken)
    {
        var watch = new RunWatch(engine, _area!, spec.Limits.Timeout, cancellationToken);
        await using (watch.ConfigureAwait(false))
        {
            try
            {
                var response = await engine.WaitClient.Containers.WaitContainerAsync(Name, watch.Token).ConfigureAwait(false);
                return UnitExit.Exited((int)response.StatusCode);
            }
            catch (OperationCanceledException) when (watch.LimitReached)
            {
                return await watch.KillAsync(Name).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveAsync()
    {
        if (_running)
        {
            // Cancelled or failed while the process may still run: kill it before returning, as promised.
            await RemoveContainerAsync().ConfigureAwait(false);
        }
        else
        {
            // The container has exited and its outputs are copied: removing it (~10–160 ms) is not the unit's business.
            reaper.InBackground(RemoveContainerAsync);
        }
    }

    private async Task RemoveContainerAsync()
    {
        if (_mayExist)
        {
            await engine.RemoveAsync(Name, _record.ContainerId).ConfigureAwait(false);
        }

        // After the removal: the staging area is bind-mounted into the container until then.
        if (_area?.Cleanup() is { } problem)
        {
            Log.StagingCleanupFailed(engine.Logger, _record.ContainerId ?? Name, problem);
        }
    }
}
