using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;
using Boid.Abstractions.Telemetry;
using Boid.Containers;
using Boid.Worker.Inputs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Worker;

/// <summary>
/// Pulls leases while it has free slots and runs each unit in a sandboxed container (fresh, or a warm one of its
/// job when the job asks for it): lease → stage inputs → run → collect outputs → report. Renews the leases of
/// running units, and stops a unit whose lease is gone. On shutdown it stops its containers, releases their units
/// and removes every container it still has.
/// </summary>
public sealed class WorkerEngine(
    IDispatcherLink link,
    IContainerRunner runner,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<WorkerEngine> logger,
    InputStager inputs)
{
    private readonly ConcurrentDictionary<string, RunningUnit> _running = new();
    private readonly SemaphoreSlim _slotFreed = new(0);

    /// <summary>
    /// Units whose container is done and whose outputs and report are still on their way: their slot is free again, so the
    /// next unit is leased and runs while they report. At most <see cref="WorkerOptions.Slots"/> of them at a time.
    /// </summary>
    private int _reporting;
    private long _unitsDone;
    private long _unitsFailed;

    private WorkerOptions Options => options.Value;

    /// <summary>Units this engine has finished with an accepted or a failed report since it started.</summary>
    public (long Done, long Failed, int Running) Counters => (Interlocked.Read(ref _unitsDone), Interlocked.Read(ref _unitsFailed), Busy);

    /// <summary>Slots taken: units leased and not yet past their container (a unit that only reports holds none).</summary>
    private int Busy => Math.Max(_running.Count - Volatile.Read(ref _reporting), 0);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunCoreAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before it got going (during start-up calls): nothing is leased, nothing to release.
        }
    }

    private async Task RunCoreAsync(CancellationToken stoppingToken)
    {
        var workerId = Options.Id;
        var removed = await runner.RemoveLeftoversAsync(workerId, stoppingToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Log.LeftoversRemoved(logger, workerId, removed);
        }

        var workRoot = Path.Combine(Options.WorkDirectory, workerId);
        if (Directory.Exists(workRoot))
        {
            Directory.Delete(workRoot, recursive: true);
        }

        Directory.CreateDirectory(workRoot);
        await RetryAsync(ct => link.RegisterAsync(Registration(), ct), "register", stoppingToken).ConfigureAwait(false);
        Log.Started(logger, workerId, Options.Slots);

        using var loops = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewals = RenewLoopAsync(loops.Token);
        var heartbeats = HeartbeatLoopAsync(loops.Token);
        try
        {
            await LeaseLoopAsync(workRoot, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            // Shutdown: stop every container, report its unit released, then stop renewing.
            foreach (var unit in _running.Values)
            {
                unit.Stop(StopReason.Shutdown);
            }

            await Task.WhenAll(_running.Values.Select(u => u.Task)).ConfigureAwait(false);
            try
            {
                await runner.DrainAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Not fatal: whatever is left is removed as a leftover at the next start.
                Log.LinkFailed(logger, exception, "remove containers at shutdown");
            }

            await loops.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(renewals, heartbeats).ConfigureAwait(false);
            Log.Stopped(logger, workerId);
        }
    }

    private async Task LeaseLoopAsync(string workRoot, CancellationToken stoppingToken)
    {
        var idleDelay = TimeSpan.FromMilliseconds(50);
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = Options.Slots - Busy;
            if (free <= 0)
            {
                await WaitAsync(_slotFreed, Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
                continue;
            }

            IReadOnlyList<UnitAssignment> leases;
            try
            {
                leases = await link.LeaseAsync(Options.Id, free, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.LinkFailed(logger, exception, "lease");
                leases = [];
            }

            foreach (var lease in leases)
            {
                var unit = new RunningUnit(lease, stoppingToken);
                _running[lease.LeaseId] = unit;
                unit.Task = Task.Run(() => RunUnitAsync(unit, workRoot), CancellationToken.None);
            }

            if (leases.Count > 0)
            {
                idleDelay = TimeSpan.FromMilliseconds(50);
                continue;
            }

            // Nothing to do: wait for a slot to free or for the poll interval, backing off while idle.
            await WaitAsync(_slotFreed, idleDelay, stoppingToken).ConfigureAwait(false);
            idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, Options.MaxPollInterval.Ticks));
        }
    }

    private async Task RunUnitAsync(RunningUnit unit, string workRoot)
    {
        var lease = unit.Lease;
        var scratch = Path.Combine(workRoot, lease.LeaseId);
        var outputDirectory = Path.Combine(scratch, "out");
        var reporting = false;
        try
        {
            Directory.CreateDirectory(outputDirectory);
            string? inputDirectory = null;
            if (lease.Inputs.Count > 0)
            {
                try
                {
                    inputDirectory = await inputs.StageAsync(lease, link.Inputs, Path.Combine(scratch, "in"), unit.Token).ConfigureAwait(false);
                }
                catch (InputStagingException exception)
                {
                    await SendReportAsync(unit, new UnitReport
                    {
                        JobId = lease.JobId,
                        UnitKey = lease.UnitKey,
                        LeaseId = lease.LeaseId,
                        Outcome = AttemptOutcome.InputFailed,
                        Reason = exception.Message,
                        Retryable = exception.Retryable,
                    }).ConfigureAwait(false);
                    return;
                }
            }
            if (!await link.StartedAsync(lease, unit.Token).ConfigureAwait(false))
            {
                Log.LeaseLost(logger, lease.JobId, lease.UnitKey, lease.LeaseId);
                return;
            }

            var result = await runner.RunAsync(ContainerSpec(lease, inputDirectory, outputDirectory), unit.Token).ConfigureAwait(false);
            BoidMetrics.ContainerRunTime.Record(result.RunTimeMicroseconds / 1e6, new KeyValuePair<string, object?>("outcome", result.Outcome.ToString()));
            if (unit.Reason == StopReason.LeaseLost)
            {
                Log.LeaseLost(logger, lease.JobId, lease.UnitKey, lease.LeaseId);
                if (lease.Resources.Container == ContainerReuse.Warm)
                {
                    // Most often the job was cancelled: its idle warm containers need not wait for the idle timeout.
                    await runner.RetireJobAsync(lease.JobId, CancellationToken.None).ConfigureAwait(false);
                }

                return; // Nobody wants this attempt any more; a report would be ignored.
            }

            // The container is done (a warm one is clean and back in the pool, a fresh one is being removed off the path);
            // what is left is the upload and the report. Free the slot for them, so that the next unit is leased and starts
            // meanwhile; the lease of this one is still renewed until its report is answered.
            reporting = BeginReporting();
            if (result.Outcome == ContainerOutcome.Succeeded)
            {
                await RetryAsync(ct => link.UploadOutputsAsync(lease, outputDirectory, ct), "upload outputs", unit.ShutdownToken).ConfigureAwait(false);
            }

            await SendReportAsync(unit, Report(lease, result)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || unit.Reason == StopReason.None)
        {
            Log.UnitFailed(logger, exception, lease.JobId, lease.UnitKey);
            await SendReportAsync(unit, new UnitReport
            {
                JobId = lease.JobId,
                UnitKey = lease.UnitKey,
                LeaseId = lease.LeaseId,
                Outcome = AttemptOutcome.WorkerError,
                Reason = $"worker error: {exception.GetType().Name}: {exception.Message}",
                Retryable = true,
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (unit.Reason == StopReason.Shutdown)
        {
            await SendReportAsync(unit, Released(lease)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.LeaseLost(logger, lease.JobId, lease.UnitKey, lease.LeaseId);
        }
        finally
        {
            TryDelete(scratch);
            if (reporting)
            {
                // Before the removal: in between, the unit counts as busy (one lease less, never one too many).
                Interlocked.Decrement(ref _reporting);
            }

            _running.TryRemove(lease.LeaseId, out _);
            unit.Dispose();
            _slotFreed.Release();
        }
    }

    /// <summary>Frees the slot of a unit that only has to report, unless <see cref="WorkerOptions.Slots"/> units already do.</summary>
    private bool BeginReporting()
    {
        if (Interlocked.Increment(ref _reporting) > Options.Slots)
        {
            Interlocked.Decrement(ref _reporting);
            return false;
        }

        _slotFreed.Release();
        return true;
    }

    private async Task SendReportAsync(RunningUnit unit, UnitReport report)
    {
        if (unit.Reason == StopReason.Shutdown && report.Outcome != AttemptOutcome.Succeeded)
        {
            report = Released(unit.Lease);
        }

        // A report is safe to repeat (the lease id makes a duplicate harmless), so keep trying through
        // a dispatcher restart; only a shutdown gives up, and then the lease expires on its own.
        using var shutdownGrace = new CancellationTokenSource(TimeSpan.FromSeconds(10), time);
        var token = unit.Reason == StopReason.Shutdown ? shutdownGrace.Token : unit.ShutdownToken;
        try
        {
            await RetryAsync(ct => link.ReportAsync(report, ct), "report", token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.ReportAbandoned(logger, report.JobId, report.UnitKey, report.LeaseId);
            return;
        }
        catch (BoidException exception) when (exception.Kind is BoidErrorKind.InvalidArgument or BoidErrorKind.NotFound)
        {
            // Refused, not failed: repeating it (or reporting a worker error instead) would be refused the same way, and
            // letting it escape would fault the unit's task, which shutdown awaits. The lease ends at the dispatcher.
            Log.ReportRefused(logger, exception, report.JobId, report.UnitKey, report.LeaseId);
            return;
        }

        if (report.Outcome == AttemptOutcome.Succeeded)
        {
            Interlocked.Increment(ref _unitsDone);
        }
        else if (report.Outcome != AttemptOutcome.Cancelled)
        {
            Interlocked.Increment(ref _unitsFailed);
        }
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.RenewInterval, time);
        while (await Tick(timer, cancellationToken).ConfigureAwait(false))
        {
            foreach (var unit in _running.Values)
            {
                try
                {
                    if (!await link.RenewAsync(unit.Lease, cancellationToken).ConfigureAwait(false))
                    {
                        unit.Stop(StopReason.LeaseLost);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.LinkFailed(logger, exception, "renew");
                }
            }
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval, time);
        while (await Tick(timer, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await link.HeartbeatAsync(Options.Id, Busy, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.LinkFailed(logger, exception, "heartbeat");
            }
        }
    }

    private ContainerRunSpec ContainerSpec(UnitAssignment lease, string? inputDirectory, string outputDirectory) => new()
    {
        Image = lease.Image,
        Command = lease.Command,
        Environment = lease.Environment,
        InputDirectory = inputDirectory,
        OutputDirectory = outputDirectory,
        Labels = new Dictionary<string, string>
        {
            ["boid.worker"] = Options.Id,
            ["boid.job"] = lease.JobId,
            ["boid.unit"] = lease.UnitKey,
            ["boid.lease"] = lease.LeaseId,
        },
        Limits = new ContainerLimits
        {
            Cpus = lease.Resources.Cpus,
            MemoryBytes = lease.Resources.MemoryBytes,
            PidsLimit = lease.Resources.Pids,
            Timeout = lease.Resources.Timeout,
            OutputCapBytes = lease.Outputs.MaxSizeBytes,
            TmpCapBytes = lease.Resources.TmpBytes,
            LogTailBytes = Options.LogTailBytes,
        },
        Sandbox = new SandboxPolicy { AllowNetwork = lease.AllowNetwork },
        Mode = lease.Resources.Container == ContainerReuse.Warm ? ContainerMode.Warm : ContainerMode.Fresh,
    };

    private static UnitReport Report(UnitAssignment lease, ContainerRunResult result) => new()
    {
        JobId = lease.JobId,
        UnitKey = lease.UnitKey,
        LeaseId = lease.LeaseId,
        Outcome = Enum.Parse<AttemptOutcome>(result.Outcome.ToString()),
        ExitCode = result.ExitCode,
        Reason = result.Reason,
        Retryable = result.Retryable,
        RunTimeMicroseconds = result.RunTimeMicroseconds,
        StdoutTail = result.StdoutTail,
        StderrTail = result.StderrTail,
    };

    /// <summary>A unit this worker gives back unfinished (shutdown): not counted against its attempts.</summary>
    private static UnitReport Released(UnitAssignment lease) => new()
    {
        JobId = lease.JobId,
        UnitKey = lease.UnitKey,
        LeaseId = lease.LeaseId,
        Outcome = AttemptOutcome.Cancelled,
        Reason = "released: the worker shut down",
        Retryable = true,
    };

    private WorkerRegistration Registration() => new()
    {
        WorkerId = Options.Id,
        Cores = Environment.ProcessorCount,
        MemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        Slots = Options.Slots,
        Architecture = RuntimeInformation.RuntimeIdentifier,
    };

    private async Task RetryAsync(Func<CancellationToken, Task> action, string what, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await action(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && exception is not BoidException { Kind: BoidErrorKind.InvalidArgument or BoidErrorKind.NotFound })
            {
                Log.LinkFailed(logger, exception, what);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private static async Task WaitAsync(SemaphoreSlim signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await signal.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException exception)
        {
            Log.CleanupFailed(logger, exception, directory);
        }
        catch (UnauthorizedAccessException exception)
        {
            Log.CleanupFailed(logger, exception, directory);
        }
    }

    private enum StopReason
    {
        None,
        LeaseLost,
        Shutdown,
    }

    /// <summary>One unit in progress: its lease and the token that stops its container.</summary>
    private sealed class RunningUnit(UnitAssignment lease, CancellationToken shutdownToken) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private int _reason;

        public UnitAssignment Lease { get; } = lease;

        public Task Task { get; set; } = Task.CompletedTask;

        public CancellationToken Token => _stop.Token;

        /// <summary>Cancelled only on shutdown: report and upload retries stop then, not when the unit stops.</summary>
        public CancellationToken ShutdownToken { get; } = shutdownToken;

        public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

        /// <summary>Stops the unit's container once; a no-op after the unit ended (the renew loop may hold a stale snapshot).</summary>
        public void Stop(StopReason reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None)
            {
                return;
            }

            // No lock here: Cancel runs the container's cancellation callbacks, and a lock held across them
            // can deadlock with a callback registration being disposed on another thread.
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The unit ended between the snapshot and this call: nothing left to stop.
            }
        }

        public void Dispose() => _stop.Dispose();
    }
}
