namespace Boid.Abstractions.Model;

/// <summary>
/// What a unit is to its job. The dispatcher's business only: a worker's lease never says, so nothing a worker sees
/// tells one kind from another.
/// </summary>
public enum UnitKind
{
    /// <summary>One point of the job's sweep (index 0 to units − 1); accepted outputs go to <c>units/{unit}/</c>.</summary>
    Work = 0,

    /// <summary>The job's reduce step (index = units): its inputs are every accepted unit's outputs; its outputs become the job's result.</summary>
    Amalgamation = 1,
}
