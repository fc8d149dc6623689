namespace Boid.Abstractions.Model;

/// <summary>
/// A unit wants a copy handed out — its attempt failed and it may be tried again, its replicated results need more
/// copies for a quorum, or its lease could not be made — and which workers hold or held a copy (a replicated unit's
/// copies go to different workers, so the job offers it to none of them).
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.UnitCopyNeed")]
public sealed record UnitCopyNeed(
    [property: Id(0)] string UnitKey,
    [property: Id(1)] IReadOnlyList<string> Holders,
    [property: Id(2)] bool AfterFailure = false);
