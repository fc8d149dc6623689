namespace Boid.Abstractions.Gateway;

public sealed record LeaseRequest
{
    public int Max { get; init; }
}
