namespace Boid.Abstractions.Model;

/// <summary>What a unit answers to a lease request: the assignment (null: not for this worker, or none wanted) and whether it wants more copies out.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitLease")]
public sealed record UnitLease([property: Id(0)] UnitAssignment? Assignment, [property: Id(1)] bool WantsMore);
