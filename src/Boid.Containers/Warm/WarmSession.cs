using System.Runtime.Versioning;
using Boid.Containers.Engine;
using Boid.Containers.Outcomes;
using Boid.Containers.Reaping;

namespace Boid.Containers.Warm;

/// <summary>
/// One unit as an exec in a warm container of its job: take an idle container of the key (or start one), link the inputs,
/// exec, check for strays, judge and collect (<see cref="RunRecorder"/>), then clean the container and return it to the
/// pool — or remove it when the unit did not end by itself, left a process, or cleaning cannot show it clean. One
/// instance per run. See README.md, "Warm containers".
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class WarmSession(DockerEngine engine, WarmPool pool, WarmStarter starter, ContainerReaper reaper, ContainerRunSpec spec, string workerId)
{
    /// <summary>The end of a reason when the runner stopped the unit: a container whose unit did not end by itself is never reused.</summary>
    private const string Killed = "its warm container was killed";

    private readonly WarmKey _key = WarmKey.For(spec, workerId);
    private readonly RunRecorder _record = engine.Record(spec);
    private WarmContainer? _warm;

    /// <summary>The unit ended by itself and left no process: the container may serve the next unit, if cleaning shows it clean.</summary>
    private bool _reusable;

    /// <summary>The unit's exec may still run: the container must then be removed before the result is returned.</summary>
    private bool _execRunning;

    public async Task<ContainerRunResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            _warm = pool.Take(_key) ?? await starter.StartAsync(_key, spec, _record, cancellationToken).ConfigureAwait(false);
            if (_warm is not { } warm)
            {
                return _record.Result();
            }

            _record.ContainerId = warm.Id;
            WarmInputs.Link(spec.InputDirectory, warm.InputPath);
            _record.Lap(RunPhase.Prepare);
            var exit = await RunExecAsync(warm, cancellationToken).ConfigureAwait(false);
            _record.Lap(RunPhase.Logs);
            await _record.JudgeAsync(exit, warm.Out, token => engine.IsOomKilledAsync(warm.Id, token), Killed, cancellationToken).ConfigureAwait(false);
            // Only a unit that ended by itself leaves a container worth keeping; after a crash or an OOM kill the
            // container's state (and Docker's OOM flag) is not to be trusted for the next unit.
            _reusable &= _record.Verdict?.Outcome is ContainerOutcome.Succeeded or ContainerOutcome.NonZeroExit;
            await _record.CollectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _record.Cancelled(Killed);
        }
        catch (Exception ex) when (EngineFailure.Covers(ex))
        {
            _record.Failed(ex, $"the exec in warm container {_warm?.Id}", _warm?.Id ?? "-", created: true);
        }
        finally
        {
            _record.DiscardPartialOutputs();
            await ReleaseAsync().ConfigureAwait(false);
            _record.Lap(RunPhase.Remove);
        }

        return _record.Result();
    }

    /// <summary>Creates and runs the unit's exec; after an exit by itself, reads its code and checks for strays.</summary>
    private async Task<UnitExit> RunExecAsync(WarmContainer warm, CancellationToken cancellationToken)
    {
        var execId = await WarmExec.CreateAsync(engine, warm, spec, cancellationToken).ConfigureAwait(false);
        _record.Lap(RunPhase.Create);
        _record.RunStarted();
        _execRunning = true;
        var exit = await WarmExec.RunAsync(engine, warm, execId, spec.Limits.Timeout, _record.Tails, () => _record.Lap(RunPhase.Start), cancellationToken).ConfigureAwait(false);
        _record.RunEnded();
        _record.Lap(RunPhase.Wait);
        if (exit.Kill != KillReason.None)
        {
            // WarmExec killed the container at a limit.
            _execRunning = false;
            return exit;
        }

        exit = UnitExit.Exited(await WarmExec.ExitCodeAsync(engine, execId, cancellationToken).ConfigureAwait(false));
        _execRunning = false;
        if (WarmCleaner.CountStrays(warm) is not 0)
        {
            // A process of the unit outlived it (or the container died): in a fresh container it would die with the
            // unit's exit, so kill it before /out is read; the container is not used again.
            await engine.KillAndWaitAsync(warm.Id, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _reusable = true;
        }

        return exit;
    }

    /// <summary>Back to the pool when clean; else removed, inline while the unit's process may still run, in the background otherwise.</summary>
    private async Task ReleaseAsync()
    {
        if (_warm is not { } warm)
        {
            return;
        }

        var problem = _reusable ? WarmCleaner.Reset(warm) : "its unit did not end by itself, or left a process behind";
        if (problem is null)
        {
            pool.Return(warm);
        }
        else if (_execRunning)
        {
            // The unit's process may still run: kill it before returning, as a fresh run would.
            await warm.RemoveAsync(engine, problem).ConfigureAwait(false);
        }
        else
        {
            reaper.InBackground(() => warm.RemoveAsync(engine, problem));
        }
    }
}
