namespace Boid.Containers.Outcomes;

/// <summary>The phases of a run, as <see cref="ContainerPhaseTimings"/> reports them.</summary>
internal enum RunPhase
{
    /// <summary>Staging area (fresh) or a warm container and the unit's inputs (warm).</summary>
    Prepare,

    /// <summary>Container create (fresh) or exec create (warm).</summary>
    Create,

    /// <summary>Container start (fresh) or exec start and attach (warm).</summary>
    Start,

    /// <summary>From start to the observed exit, including a kill.</summary>
    Wait,

    /// <summary>Log tails (fresh); exit code and the stray check (warm).</summary>
    Logs,

    /// <summary>Judging and copying outputs.</summary>
    Collect,

    /// <summary>Removal (fresh, inline or handed to the background) or cleaning and returning (warm).</summary>
    Remove,
}
