namespace Boid.Abstractions.Model;

/// <summary>
/// One attempt that earned credit: the accepted one, and under replication every copy that agreed with the quorum
/// (a copy that lost it, or was still running, earns nothing).
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.CreditedAttempt")]
public sealed record CreditedAttempt(
    [property: Id(0)] string Worker,
    [property: Id(1)] int Attempt,
    [property: Id(2)] long RunTimeMicroseconds);
