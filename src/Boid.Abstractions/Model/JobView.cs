namespace Boid.Abstractions.Model;

/// <summary>A job as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("boid.JobView")]
public sealed record JobView
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public required string Protocol { get; init; }
    [Id(3)] public JobState State { get; init; }
    [Id(4)] public required JobProgress Progress { get; init; }
    [Id(5)] public DateTimeOffset SubmittedAt { get; init; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; init; }
    [Id(7)] public string Reason { get; init; } = "";
    [Id(8)] public bool HasAmalgamation { get; init; }
    /// <summary>Sum of container run time over accepted units (µs).</summary>
    [Id(9)] public long ContainerMicroseconds { get; init; }
    [Id(10)] public string Image { get; init; } = "";
    /// <summary>The key of the job's amalgamation unit (its index: the job's unit count), or null when it has none.</summary>
    [Id(11)] public string? AmalgamationUnit { get; init; }
}
