using Boid.Abstractions.Model;

namespace Boid.Abstractions.Gateway;

public sealed record LeaseResponse
{
    public IReadOnlyList<UnitAssignment> Leases { get; init; } = [];
}
