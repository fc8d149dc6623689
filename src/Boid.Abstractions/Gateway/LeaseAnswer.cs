namespace Boid.Abstractions.Gateway;

public sealed record LeaseAnswer
{
    public bool Current { get; init; }
}
