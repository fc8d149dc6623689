namespace Boid.Containers.Outcomes;

/// <summary>Why the runner killed a unit's process, if it did.</summary>
internal enum KillReason
{
    /// <summary>The process ended by itself.</summary>
    None,

    /// <summary>The wall-clock timeout passed.</summary>
    Timeout,

    /// <summary>The output poll found <c>/out</c> over its cap.</summary>
    OutputCap,
}
