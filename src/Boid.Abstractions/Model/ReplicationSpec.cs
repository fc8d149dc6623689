namespace Boid.Abstractions.Model;

/// <summary>
/// Replication with a quorum: each unit runs on <see cref="Copies"/> different workers and is accepted
/// when <see cref="Quorum"/> results agree; disagreement dispatches more copies, up to <see cref="MaxCopies"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.ReplicationSpec")]
public sealed record ReplicationSpec
{
    [Id(0)] public int Copies { get; init; } = 2;
    [Id(1)] public int Quorum { get; init; } = 2;
    [Id(2)] public int MaxCopies { get; init; } = 4;
    /// <summary>Null compares outputs byte for byte; a value compares numbers with this relative tolerance.</summary>
    [Id(3)] public double? NumericTolerance { get; init; }
}
