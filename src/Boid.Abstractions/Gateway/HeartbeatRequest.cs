namespace Boid.Abstractions.Gateway;

public sealed record HeartbeatRequest
{
    public int Running { get; init; }
}
