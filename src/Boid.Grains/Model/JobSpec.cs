namespace Boid.Grains.Model;

/// <summary>
/// What a researcher submits: one image, a command template, and how to split it into work units.
/// Built by <see cref="Specs.JobSpecParser"/> from YAML; see docs/job-spec.md.
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

/// <summary>
/// One input of a job: a URI (<c>store:</c>, <c>file://</c>, <c>hdfs://</c>, <c>webhdfs://</c>, <c>swebhdfs://</c>), where it
/// appears under <c>/in</c>, and optionally the SHA-256 its content must have. URI and path may hold placeholders.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.JobInput")]
public sealed record JobInput
{
    [Id(0)] public required string Uri { get; init; }
    /// <summary>Relative path under <c>/in</c>.</summary>
    [Id(1)] public required string Path { get; init; }
    /// <summary>Expected SHA-256 (lower-case hex); null: whatever the source holds (hashed anyway, and cached by hash).</summary>
    [Id(2)] public string? Sha256 { get; init; }
}

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

[GenerateSerializer, Immutable, Alias("boid.ResourceSpec")]
public sealed record ResourceSpec
{
    [Id(0)] public double Cpus { get; init; } = 1;
    [Id(1)] public long MemoryBytes { get; init; } = 256L << 20;
    [Id(2)] public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
    [Id(3)] public int Pids { get; init; } = 128;
    [Id(4)] public long TmpBytes { get; init; } = 64L << 20;
    /// <summary>
    /// Whether each unit gets a fresh container or runs in a warm container of its job that serves many units in turn.
    /// It lives here because the warm container is keyed by these resources and travels with them to the worker.
    /// Omitted from JSON when fresh, so that the job record (and its hash) of a spec that does not name it is what it was.
    /// </summary>
    [Id(5)]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public ContainerReuse Container { get; init; }
}

/// <summary>How a job's units get their containers (job spec <c>resources.container</c>).</summary>
[GenerateSerializer]
public enum ContainerReuse
{
    /// <summary>A fresh container per unit: nothing is shared between units.</summary>
    Fresh = 0,
    /// <summary>
    /// One running container of the job serves its units in turn on a worker, each unit a separate process with a
    /// clean <c>/out</c>, <c>/tmp</c> and <c>/dev/shm</c>, its own time limit and report. See docs/job-spec.md.
    /// </summary>
    Warm = 1,
}

[GenerateSerializer, Immutable, Alias("boid.OutputSpec")]
public sealed record OutputSpec
{
    [Id(0)] public long MaxSizeBytes { get; init; } = 64L << 20;
    /// <summary>Files every unit must write under <c>/out</c>; a unit without them fails.</summary>
    [Id(1)] public IReadOnlyList<string> Required { get; init; } = [];
}

/// <summary>The reduce step: one container that sees every accepted unit's outputs under <c>/in/units/{unit}/</c>.</summary>
[GenerateSerializer, Immutable, Alias("boid.AmalgamationSpec")]
public sealed record AmalgamationSpec
{
    [Id(0)] public required string Image { get; init; }
    [Id(1)] public required IReadOnlyList<string> Command { get; init; }
    [Id(2)] public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    [Id(3)] public ResourceSpec Resources { get; init; } = new();
}

/// <summary>
/// The units of a job: the cartesian product of its parameters (the last varies fastest), or a plain
/// count when there are none. Units are never materialised: <see cref="ParametersOf"/> decodes an index.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.Sweep")]
public sealed record Sweep
{
    [Id(0)] public IReadOnlyList<SweepParameter> Parameters { get; init; } = [];
    /// <summary>Number of units when there are no parameters.</summary>
    [Id(1)] public long Count { get; init; } = 1;

    public long UnitCount => Parameters.Count == 0 ? Count : Parameters.Aggregate(1L, (n, p) => checked(n * p.Length));

    public IReadOnlyDictionary<string, string> ParametersOf(long unitIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unitIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unitIndex, UnitCount);
        var values = new Dictionary<string, string>(Parameters.Count + 1) { ["unit"] = unitIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var rest = unitIndex;
        for (var i = Parameters.Count - 1; i >= 0; i--)
        {
            var parameter = Parameters[i];
            values[parameter.Name] = parameter.ValueAt(rest % parameter.Length);
            rest /= parameter.Length;
        }

        return values;
    }
}

/// <summary>One sweep dimension: an explicit list of values, or an integer range <c>from..to</c> (inclusive) by <c>step</c>.</summary>
[GenerateSerializer, Immutable, Alias("boid.SweepParameter")]
public sealed record SweepParameter
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public IReadOnlyList<string>? Values { get; init; }
    [Id(2)] public long From { get; init; }
    [Id(3)] public long To { get; init; }
    [Id(4)] public long Step { get; init; } = 1;

    public long Length => Values?.Count ?? ((To - From) / Step) + 1;

    public string ValueAt(long index) =>
        Values is { } list ? list[(int)index] : (From + (index * Step)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
