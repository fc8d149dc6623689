namespace Boid.Abstractions.Model;

/// <summary>How a job's units get their containers (job spec <c>resources.container</c>).</summary>
[GenerateSerializer]
public enum ContainerReuse
{
    /// <summary>A fresh container per unit: nothing is shared between units.</summary>
    Fresh = 0,
    /// <summary>
    /// One running container of the job serves its units in turn on a worker, each unit a separate process with a
    /// clean <c>/out</c>, <c>/tmp</c> and <c>/dev/shm</c>, its own time limit and report. See docs/job-spec.md.
    /// </summary>
    Warm = 1,
}
