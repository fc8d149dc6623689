using Boid.Grains.Interfaces;
using Boid.Grains.Model;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boid.Grains.Grains;

[GenerateSerializer, Alias("boid.DispatchGrainState")]
public sealed class DispatchGrainState
{
    /// <summary>Jobs with units still to hand out, in submission order.</summary>
    [Id(0)] public List<string> ActiveJobs { get; set; } = [];
}

/// <summary>
/// Reentrant: it only keeps a job list and a round-robin position, changed synchronously between
/// awaits, so lease calls from many workers proceed concurrently while each job serialises its own.
/// </summary>
[Reentrant]
public sealed class DispatchGrain(
    [PersistentState("dispatch", BoidNames.Storage)] IPersistentState<DispatchGrainState> state,
    IGrainFactory grains,
    IOptions<DispatchOptions> options,
    TimeProvider time) : Grain, IDispatchGrain
{
    private readonly Dictionary<string, DateTimeOffset> _idleUntil = [];
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
            var taken = await grains.GetGrain<IJobGrain>(jobId).TakeUnitsAsync(workerId, i == jobs.Length - 1 ? wanted - leases.Count : share, fit);
            leases.AddRange(taken);
            if (taken.Count == 0 && fit is not { Remote: true })
            {
                _idleUntil[jobId] = now + options.Value.IdleJobBackoff;
            }
        }

        return leases;
    }
}
