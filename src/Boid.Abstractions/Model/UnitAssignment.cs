namespace Boid.Abstractions.Model;

/// <summary>A lease handed to a worker: everything it needs to run one attempt of one unit.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitAssignment")]
public sealed record UnitAssignment
{
    [Id(0)] public required string JobId { get; init; }
    /// <summary>The unit's index as text: 0 to units − 1 for the sweep, units for the job's amalgamation step.</summary>
    [Id(1)] public required string UnitKey { get; init; }
    [Id(2)] public required string LeaseId { get; init; }
    [Id(3)] public int Attempt { get; init; }
    [Id(4)] public required string Image { get; init; }
    [Id(5)] public required IReadOnlyList<string> Command { get; init; }
    [Id(6)] public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    [Id(7)] public ResourceSpec Resources { get; init; } = new();
    [Id(8)] public OutputSpec Outputs { get; init; } = new();
    [Id(9)] public bool AllowNetwork { get; init; }
    [Id(10)] public DateTimeOffset LeaseDeadline { get; init; }
    [Id(11)] public int MaxAttempts { get; init; } = 1;
    /// <summary>For the dispatcher: how this unit's results are checked. Null: one copy.</summary>
    [Id(12)] public ReplicationSpec? Replication { get; init; }
    /// <summary>The job's inputs with this unit's placeholders filled in; the worker stages them read-only at <c>/in</c>.</summary>
    [Id(13)] public IReadOnlyList<JobInput> Inputs { get; init; } = [];
}
