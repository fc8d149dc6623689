namespace Boid.Grains.Contributors;

[GenerateSerializer, Immutable, Alias("boid.JobCredit")]
public sealed record JobCredit([property: Id(0)] long Microseconds, [property: Id(1)] long Units);
