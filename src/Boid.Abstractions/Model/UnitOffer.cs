namespace Boid.Abstractions.Model;

/// <summary>A unit a job picked for a lease request: what a worker will run (lease fields empty) and what the unit is to the job.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitOffer")]
public sealed record UnitOffer(
    [property: Id(0)] UnitAssignment Template,
    [property: Id(1)] UnitKind Kind = UnitKind.Work);
