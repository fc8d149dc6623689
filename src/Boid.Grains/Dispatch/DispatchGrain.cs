using System.Diagnostics;
using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Abstractions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boid.Grains.Dispatch;

[GenerateSerializer, Alias("boid.DispatchGrainState")]
public sealed class DispatchGrainState
{
    /// <summary>Jobs with units still to hand out, in submission order.</summary>
    [Id(0)] public List<string> ActiveJobs { get; set; } = [];
}

/// <summary>
/// Reentrant: it keeps a job list, a round-robin position and, per job, the lease requests waiting for that
/// job's next turn, all changed synchronously between awaits. Requests that arrive while a job is picking
/// units for earlier ones are passed to it together in its next call, so a job takes one turn per batch of
/// workers, not one per worker. The picked units are then leased at their unit grains from here, in
/// parallel, outside the job's turn.
/// </summary>
[Reentrant]
public sealed class DispatchGrain(
    [PersistentState("dispatch", BoidNames.Storage)] IPersistentState<DispatchGrainState> state,
    IGrainFactory grains,
    IOptions<DispatchOptions> options,
    [FromKeyedServices(BoidNames.Clock)] TimeProvider time,
    ILogger<DispatchGrain> logger) : Grain, IDispatchGrain
{
    private const int MaxTakeRounds = 4;
    private readonly Dictionary<string, DateTimeOffset> _idleUntil = [];
    private readonly Dictionary<string, JobQueue> _queues = [];
    private CoalescingWriter? _writer;
    private int _next;

    public async Task AddJobAsync(string jobId)
    {
        if (!state.State.ActiveJobs.Contains(jobId))
        {
            state.State.ActiveJobs.Add(jobId);
            await Writer.WriteAsync();
        }

        _idleUntil.Remove(jobId);
    }

    public async Task RemoveJobAsync(string jobId)
    {
        _idleUntil.Remove(jobId);
        if (state.State.ActiveJobs.Remove(jobId))
        {
            await Writer.WriteAsync();
        }
    }

    private CoalescingWriter Writer => _writer ??= new CoalescingWriter(state.WriteStateAsync);

    public Task<IReadOnlyList<string>> ActiveJobsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.ActiveJobs]);

    public async Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, WorkerFit? fit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        var started = Stopwatch.GetTimestamp();
        var wanted = Math.Clamp(max, 0, options.Value.MaxUnitsPerLease);
        var jobs = state.State.ActiveJobs.ToArray();
        if (wanted == 0 || jobs.Length == 0)
        {
            return [];
        }

        // Round-robin: each call starts at the next job, and takes at most a fair share from each job
        // before moving on, so every active job makes progress whatever its size.
        var start = _next++ % jobs.Length;
        var leases = new List<UnitAssignment>(wanted);
        var now = time.GetUtcNow();
        for (var i = 0; i < jobs.Length && leases.Count < wanted; i++)
        {
            var jobId = jobs[(start + i) % jobs.Length];
            if (_idleUntil.TryGetValue(jobId, out var until) && until > now)
            {
                continue;
            }

            var share = Math.Max(1, (wanted - leases.Count) / Math.Max(1, jobs.Length - i));
            var taken = await LeaseFromJobCoreAsync(jobId, new UnitRequest(workerId, i == jobs.Length - 1 ? wanted - leases.Count : share, fit));
            leases.AddRange(taken);
            if (taken.Count == 0 && fit is not { Remote: true })
            {
                _idleUntil[jobId] = now + options.Value.IdleJobBackoff;
            }
        }

        BoidMetrics.LeaseLatency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return leases;
    }

    public Task<IReadOnlyList<UnitAssignment>> LeaseFromJobAsync(string jobId, string workerId, int max, WorkerFit? fit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        return LeaseFromJobCoreAsync(jobId, new UnitRequest(workerId, Math.Clamp(max, 0, options.Value.MaxUnitsPerLease), fit));
    }

    private async Task<IReadOnlyList<UnitAssignment>> LeaseFromJobCoreAsync(string jobId, UnitRequest request)
    {
        var job = grains.GetGrain<IJobGrain>(jobId);
        var leases = new List<UnitAssignment>();

        // A unit wanting a copy may refuse this worker (it ran one already): ask the job again, which then
        // skips that unit for this worker. Bounded, as each round offers different units.
        for (var round = 0; round < MaxTakeRounds && leases.Count < request.Max; round++)
        {
            var templates = await TakeFromJobAsync(jobId, request with { Max = request.Max - leases.Count });
            if (templates.Length == 0)
            {
                break;
            }

            var answers = await Task.WhenAll(templates.Select(t => LeaseUnitAsync(jobId, t, request.WorkerId)));
            var (refused, wantMore) = (new List<string>(), new List<string>());
            for (var i = 0; i < answers.Length; i++)
            {
                if (answers[i] is not { } answer)
                {
                    wantMore.Add(templates[i].UnitKey); // the lease call failed: offered again, to anyone
                    continue;
                }

                if (answer.Assignment is { } assignment)
                {
                    leases.Add(assignment);
                }

                if (answer.WantsMore)
                {
                    (answer.Assignment is null ? refused : wantMore).Add(templates[i].UnitKey);
                }
            }

            if (wantMore.Count > 0)
            {
                await job.UnitsWantCopiesAsync([.. wantMore], refusedBy: null);
            }

            if (refused.Count == 0)
            {
                break;
            }

            await job.UnitsWantCopiesAsync([.. refused], request.WorkerId);
        }

        return leases;
    }

    /// <summary>The unit's answer, or null when the call failed.</summary>
    private async Task<UnitLease?> LeaseUnitAsync(string jobId, UnitAssignment template, string workerId)
    {
        try
        {
            return await grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(jobId, template.UnitKey)).LeaseAsync(template, workerId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The job no longer lists the unit as wanting a copy: it must be put back, or nobody would offer it again.
            Log.UnitLeaseFailed(logger, exception, jobId, template.UnitKey);
            return null;
        }
    }

    /// <summary>Queues the request for the job's next turn; starts that turn unless one is running.</summary>
    private Task<UnitAssignment[]> TakeFromJobAsync(string jobId, UnitRequest request)
    {
        if (!_queues.TryGetValue(jobId, out var queue))
        {
            _queues[jobId] = queue = new JobQueue();
        }

        var answer = new TaskCompletionSource<UnitAssignment[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Waiting.Add((request, answer));
        if (!queue.Running)
        {
            queue.Running = true;
            _ = RunQueueAsync(jobId, queue);
        }

        return answer.Task;
    }

    private async Task RunQueueAsync(string jobId, JobQueue queue)
    {
        var job = grains.GetGrain<IJobGrain>(jobId);
        try
        {
            while (queue.Waiting.Count > 0)
            {
                var batch = queue.Waiting.ToArray();
                queue.Waiting.Clear();
                try
                {
                    var offers = await job.TakeUnitsAsync([.. batch.Select(b => b.Request)]);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        batch[i].Answer.SetResult(offers[i]);
                    }
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    foreach (var (_, answer) in batch)
                    {
                        answer.SetException(exception);
                    }
                }
            }
        }
        finally
        {
            queue.Running = false;
            _queues.Remove(jobId);
        }
    }

    /// <summary>Lease requests for one job waiting for its next turn; <see cref="Running"/> while a turn is under way.</summary>
    private sealed class JobQueue
    {
        public List<(UnitRequest Request, TaskCompletionSource<UnitAssignment[]> Answer)> Waiting { get; } = [];

        public bool Running { get; set; }
    }
}
