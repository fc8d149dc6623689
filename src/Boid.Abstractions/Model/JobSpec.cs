namespace Boid.Abstractions.Model;

/// <summary>
/// What a researcher submits: one image, a command template, and how to split it into work units.
/// Built by the job spec parser (<c>Boid.Grains.Specs.JobSpecParser</c>) from YAML; see docs/job-spec.md.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.JobSpec")]
public sealed record JobSpec
{
    [Id(0)] public required string Protocol { get; init; }
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public required string Image { get; init; }
    /// <summary>Program and arguments; <c>{{name}}</c> is replaced by a sweep parameter or <c>{{unit}}</c>.</summary>
    [Id(3)] public required IReadOnlyList<string> Command { get; init; }
    [Id(4)] public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    [Id(5)] public required Sweep Sweep { get; init; }
    [Id(6)] public ResourceSpec Resources { get; init; } = new();
    [Id(7)] public int MaxAttempts { get; init; } = 3;
    [Id(8)] public OutputSpec Outputs { get; init; } = new();
    [Id(9)] public AmalgamationSpec? Amalgamate { get; init; }
    /// <summary>The job fails (and is not amalgamated) when more than this share of its units fail.</summary>
    [Id(10)] public double MaxFailedPercent { get; init; }
    /// <summary>Copies and quorum for results from untrusted workers; null runs each unit once.</summary>
    [Id(11)] public ReplicationSpec? Replication { get; init; }
    /// <summary>
    /// Bootstrap data every unit reads at <c>/in/{path}</c>; <c>{{name}}</c> in a URI or path is replaced per unit.
    /// Null when the spec names none, so that the job record (and its hash) of a spec without inputs is what it was.
    /// </summary>
    [Id(13)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<JobInput>? Inputs { get; init; }
    /// <summary>What a worker's machine must offer to run this job's units; null fits every worker.</summary>
    [Id(12)] public WorkerRequirements? Requirements { get; init; }
}
