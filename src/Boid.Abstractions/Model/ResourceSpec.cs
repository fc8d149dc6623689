namespace Boid.Abstractions.Model;

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
