using System.Globalization;
using Boid.Abstractions.Model;

namespace Boid.Grains.Jobs;

/// <summary>
/// Counts each finished unit into the job's state and moves the job's state machine: running → amalgamating → done, or
/// failed (more than <c>max_failed_percent</c> of the units failed, or the amalgamation did).
/// </summary>
internal sealed class JobTally(JobGrainState state, UnitPicker picker, TimeProvider time)
{
    /// <summary>Counts a unit that ended for good; true when it started the amalgamation.</summary>
    public bool Count(UnitResult result)
    {
        picker.Forget(result.UnitKey);
        var spec = state.Spec!;
        if (UnitTemplates.KindOf(spec, result.UnitKey) == UnitKind.Amalgamation)
        {
            var accepted = result.Status == UnitStatus.Accepted;
            End(accepted ? JobState.Done : JobState.Failed, accepted ? "" : $"amalgamation failed: {result.Reason}");
            return false;
        }

        if (result.Status == UnitStatus.Accepted)
        {
            state.Accepted++;
            state.ContainerMicroseconds += result.RunTimeMicroseconds;
        }
        else
        {
            state.Failed++;
            state.FailedAttempts++;
            state.Reason = $"unit {result.UnitKey}: {result.Reason}";
        }

        return state.State == JobState.Running && state.Accepted + state.Failed >= spec.Sweep.UnitCount && AllUnitsEnded(spec);
    }

    private bool AllUnitsEnded(JobSpec spec)
    {
        var total = spec.Sweep.UnitCount;
        var failedPercent = state.Failed * 100.0 / total;
        if (state.Failed > 0 && failedPercent > spec.MaxFailedPercent)
        {
            End(JobState.Failed, string.Create(CultureInfo.InvariantCulture,
                $"{state.Failed} of {total} units failed ({failedPercent:0.##}% > max_failed_percent {spec.MaxFailedPercent:0.##}); last: {state.Reason}"));
            return false;
        }

        if (UnitTemplates.AmalgamationKey(spec) is not { } amalgamation)
        {
            End(JobState.Done, state.Reason);
            return false;
        }

        state.State = JobState.Amalgamating;
        state.Reason = "";
        picker.StartAmalgamation(amalgamation);
        return true;
    }

    private void End(JobState final, string reason)
    {
        state.State = final;
        state.Reason = reason;
        state.FinishedAt = time.GetUtcNow();
    }
}
