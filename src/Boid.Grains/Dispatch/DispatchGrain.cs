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
/// parallel, outside the job's turn. One conversation per lease request: the job already knows which workers hold
/// copies of a unit (its unit grain told it), so a unit refuses a worker only after the job lost that in a restart.
/// </summary>
[Reentrant]
public sealed class DispatchGrain(
    [PersistentState("dispatch", BoidNames.Storage)] IPersistentState<DispatchGrainState> state,
    IGrainFactory grains,
    IOptions<DispatchOptions> options,
    [FromKeyedServices(BoidNames.Clock)] TimeProvider time,
    ILogger<DispatchGrain> logger) : Grain, IDispatchGrain
{
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
            leases.AddRange(await LeaseFromJobCoreAsync(jobId, new UnitRequest(workerId, i == jobs.Length - 1 ? wanted - leases.Count : share, fit)));
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

    /// <summary>
    /// One turn of the job for this request (batched with others'), then the units it picked leased at their unit grains in
    /// parallel. A unit that still wants copies tells its job itself; one whose lease call failed is handed back here.
    /// </summary>
    private async Task<IReadOnlyList<UnitAssignment>> LeaseFromJobCoreAsync(string jobId, UnitRequest request)
    {
        var offers = await TakeFromJobAsync(jobId, request);
        if (offers.Length == 0)
        {
            return [];
        }

        var leases = await Task.WhenAll(offers.Select(offer => LeaseUnitAsync(jobId, offer, request.WorkerId)));
        return [.. leases.OfType<UnitAssignment>()];
    }

    /// <summary>The unit's lease, or null (not for this worker, or the call failed and the unit was handed back to its job).</summary>
    private async Task<UnitAssignment?> LeaseUnitAsync(string jobId, UnitOffer offer, string workerId)
    {
        try
        {
            return await grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(jobId, offer.Template.UnitKey)).LeaseAsync(offer, workerId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The job no longer lists the unit as wanting a copy: it must be put back, or nobody would offer it again
            // (until the job's sweep finds it).
            Log.UnitLeaseFailed(logger, exception, jobId, offer.Template.UnitKey);
            await TryHandBackAsync(jobId, offer.Template.UnitKey);
            return null;
        }
    }

    private async Task TryHandBackAsync(string jobId, string unitKey)
    {
        try
        {
            await grains.GetGrain<IJobGrain>(jobId).UnitNeedsCopiesAsync(new UnitCopyNeed(unitKey, []));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.UnitLeaseFailed(logger, exception, jobId, unitKey); // the job's sweep offers it again
        }
    }

    /// <summary>Queues the request for the job's next turn; starts that turn unless one is running.</summary>
    private Task<UnitOffer[]> TakeFromJobAsync(string jobId, UnitRequest request)
    {
        if (!_queues.TryGetValue(jobId, out var queue))
        {
            _queues[jobId] = queue = new JobQueue();
        }

        var answer = new TaskCompletionSource<UnitOffer[]>(TaskCreationOptions.RunContinuationsAsynchronously);
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
                    var turn = await job.TakeUnitsAsync([.. batch.Select(b => b.Request)]);
                    await AfterTurnAsync(jobId, turn);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        batch[i].Answer.SetResult(turn.Offers[i]);
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

    /// <summary>The round-robin follows the job's word: an ended job leaves it; one with nothing to offer anyone is passed by for a while.</summary>
    private async Task AfterTurnAsync(string jobId, JobTurn turn)
    {
        if (turn.Ended)
        {
            await RemoveJobAsync(jobId);
        }
        else if (turn.Idle)
        {
            _idleUntil[jobId] = time.GetUtcNow() + options.Value.IdleJobBackoff;
        }
    }

    /// <summary>Lease requests for one job waiting for its next turn; <see cref="Running"/> while a turn is under way.</summary>
    private sealed class JobQueue
    {
        public List<(UnitRequest Request, TaskCompletionSource<UnitOffer[]> Answer)> Waiting { get; } = [];

        public bool Running { get; set; }
    }
}
