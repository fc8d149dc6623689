namespace Boid.Abstractions.Model;

/// <summary>One worker's lease request, as the dispatch grain passes a batch of them to a job.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitRequest")]
public sealed record UnitRequest([property: Id(0)] string WorkerId, [property: Id(1)] int Max, [property: Id(2)] WorkerFit? Fit);
