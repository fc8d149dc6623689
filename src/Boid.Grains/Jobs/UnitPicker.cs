using Boid.Abstractions.Model;

namespace Boid.Grains.Jobs;

/// <summary>
/// Which units a job hands out next: units out that want a copy first (retries and replicas, oldest first, never to a
/// worker that holds a copy), then the next indices of the sweep; the amalgamation unit once every unit has ended.
/// Works on the job's state in memory; the job's checkpoint makes it durable.
/// </summary>
internal sealed class UnitPicker(JobGrainState state, string jobId)
{
    /// <summary>Nothing to offer anyone now: no unit wants a copy and the sweep has been handed out.</summary>
    public bool Idle => state.Wanting.Count == 0 && (state.State == JobState.Amalgamating || state.NextIndex >= state.Spec!.Sweep.UnitCount);

    public UnitOffer[] Pick(UnitRequest request)
    {
        var spec = state.Spec!;
        var keys = new List<string>(Math.Min(request.Max, 1024));
        TakeWanting(request, keys);
        while (keys.Count < request.Max && state.State != JobState.Amalgamating && state.NextIndex < spec.Sweep.UnitCount)
        {
            var key = UnitTemplates.Key(state.NextIndex++);
            state.InFlight.Add(key);
            keys.Add(key);
        }

        if (keys.Count > 0 && state.State == JobState.Submitted)
        {
            state.State = JobState.Running;
        }

        return [.. keys.Select(key => UnitTemplates.Offer(spec, jobId, key, state.AllowNetwork))];
    }

    /// <summary>Puts a unit that is out back in the list of units wanting a copy; false when it is not out (it ended, or the job did).</summary>
    public bool WantCopies(UnitCopyNeed need)
    {
        if (!state.InFlight.Contains(need.UnitKey))
        {
            return false;
        }

        if (need.Holders.Count > 0)
        {
            state.Holders[need.UnitKey] = state.Holders.TryGetValue(need.UnitKey, out var known)
                ? [.. known.Union(need.Holders, StringComparer.Ordinal)]
                : [.. need.Holders];
        }

        if (!state.Wanting.Contains(need.UnitKey))
        {
            state.Wanting.Add(need.UnitKey);
        }

        return true;
    }

    /// <summary>A unit ended: it wants nothing more.</summary>
    public void Forget(string unitKey) => state.Holders.Remove(unitKey);

    /// <summary>Starts the amalgamation: one more unit out, wanting its first copy.</summary>
    public void StartAmalgamation(string unitKey)
    {
        state.InFlight.Add(unitKey);
        state.Wanting.Add(unitKey);
    }

    private void TakeWanting(UnitRequest request, List<string> keys)
    {
        // They leave the list when offered; a unit that still wants copies after its lease comes back with its holders.
        for (var i = 0; i < state.Wanting.Count && keys.Count < request.Max;)
        {
            var key = state.Wanting[i];
            if (!state.InFlight.Contains(key))
            {
                state.Wanting.RemoveAt(i); // finished meanwhile
            }
            else if (state.Holders.TryGetValue(key, out var holders) && holders.Contains(request.WorkerId, StringComparer.Ordinal))
            {
                i++;
            }
            else
            {
                state.Wanting.RemoveAt(i);
                keys.Add(key);
            }
        }
    }
}
