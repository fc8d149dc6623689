using System.Collections.Concurrent;
using Boid.Containers;

namespace Boid.Worker.Tests;

/// <summary>
/// Containers in memory: a run lasts until the test finishes it (<see cref="Finish"/>) or the engine cancels it (the
/// container is stopped). Counts how many run at once and remembers what was stopped, retired and drained.
/// </summary>
public sealed class InMemoryContainerRunner : IContainerRunner
{
    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private int _running;
    private int _maxRunning;
    private int _drains;

    /// <summary>Containers running now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>The most containers that ever ran at once.</summary>
    public int MaxRunning => Volatile.Read(ref _maxRunning);

    /// <summary>Every container started, in order.</summary>
    public ConcurrentQueue<ContainerRunSpec> Started { get; } = new();

    /// <summary>Leases whose container the engine stopped (cancelled) before it ended by itself.</summary>
    public ConcurrentQueue<string> Stopped { get; } = new();

    public ConcurrentQueue<string> LeftoverSweeps { get; } = new();

    public ConcurrentQueue<string> RetiredJobs { get; } = new();

    public int Drains => Volatile.Read(ref _drains);

    /// <summary>How many containers were still running when the engine drained the runner (at shutdown: must be 0).</summary>
    public int RunningAtDrain { get; private set; } = -1;

    /// <summary>Completes once the container of <paramref name="leaseId"/> runs.</summary>
    public Task<ContainerRunSpec> RunningAsync(string leaseId) => RunOf(leaseId).Spec.Task;

    /// <summary>Ends the container of <paramref name="leaseId"/> by itself with <paramref name="outcome"/>.</summary>
    public void Finish(string leaseId, ContainerOutcome outcome = ContainerOutcome.Succeeded, int? exitCode = 0) =>
        RunOf(leaseId).Result.TrySetResult(new ContainerRunResult
        {
            Outcome = outcome,
            ExitCode = exitCode,
            Reason = $"exited with code {exitCode}",
            Retryable = outcome != ContainerOutcome.Succeeded,
            RunTimeMicroseconds = 1_000_000,
            StdoutTail = "done\n",
        });

    public async Task<ContainerRunResult> RunAsync(ContainerRunSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var leaseId = spec.Labels["boid.lease"];
        var run = RunOf(leaseId);
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, now);
        Started.Enqueue(spec);
        run.Spec.TrySetResult(spec);
        await using var stop = cancellationToken.Register(() =>
        {
            if (run.Result.TrySetResult(new ContainerRunResult { Outcome = ContainerOutcome.Cancelled, Reason = "stopped", Retryable = true }))
            {
                Stopped.Enqueue(leaseId);
            }
        });
        try
        {
            return await run.Result.Task;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public Task<int> RemoveLeftoversAsync(string workerId, CancellationToken cancellationToken = default)
    {
        LeftoverSweeps.Enqueue(workerId);
        return Task.FromResult(0);
    }

    public Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken = default) => Task.FromResult(true);

    public Task RetireJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        RetiredJobs.Enqueue(jobId);
        return Task.CompletedTask;
    }

    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        RunningAtDrain = Running;
        Interlocked.Increment(ref _drains);
        return Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            seen = Volatile.Read(ref target);
        }
    }

    private Run RunOf(string leaseId) => _runs.GetOrAdd(leaseId, _ => new Run());

    private sealed class Run
    {
        public TaskCompletionSource<ContainerRunSpec> Spec { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ContainerRunResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
