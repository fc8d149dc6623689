namespace Boid.Abstractions.Model;

/// <summary>
/// A job's answer to a batch of lease requests: the units it picked for each request (in order), and whether the
/// dispatch round-robin can pass it by for a while (nothing to offer anyone) or drop it (it ended).
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.JobTurn")]
public sealed record JobTurn(
    [property: Id(0)] UnitOffer[][] Offers,
    [property: Id(1)] bool Idle,
    [property: Id(2)] bool Ended);
