using Boid.Abstractions.Model;
using Boid.Grains.Contributors;

namespace Boid.Grains.Jobs;

[GenerateSerializer, Alias("boid.JobGrainState")]
public sealed class JobGrainState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(4)] public string Reason { get; set; } = "";
    [Id(5)] public bool AllowNetwork { get; set; }

    /// <summary>Units below this index have been handed out at least once; above it they exist only as numbers.</summary>
    [Id(6)] public long NextIndex { get; set; }

    /// <summary>Units out on lease now. Bounded by the workers' slots, not by the job's size.</summary>
    [Id(7)] public HashSet<string> InFlight { get; set; } = [];

    /// <summary>
    /// Units out (in <see cref="InFlight"/>) that want a copy handed out: new ones, ones whose attempt failed,
    /// ones whose replicated results need more copies for a quorum. Served before new units; oldest first.
    /// </summary>
    [Id(8)] public List<string> Wanting { get; set; } = [];

    /// <summary>
    /// For units of a replicated job that want a copy: the workers that hold or held one (the unit grain says so with
    /// its need). Such a unit is never offered to them: a worker does not check its own result.
    /// </summary>
    [Id(14)] public Dictionary<string, string[]> Holders { get; set; } = [];

    [Id(9)] public long Accepted { get; set; }
    [Id(10)] public long Failed { get; set; }
    [Id(11)] public long FailedAttempts { get; set; }
    [Id(12)] public long ContainerMicroseconds { get; set; }

    /// <summary>What each worker contributed to this job: µs of accepted container time and units.</summary>
    [Id(13)] public Dictionary<string, JobCredit> Workers { get; set; } = [];
}
