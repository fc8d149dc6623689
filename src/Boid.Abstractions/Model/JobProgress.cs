namespace Boid.Abstractions.Model;

[GenerateSerializer, Immutable, Alias("boid.JobProgress")]
public sealed record JobProgress
{
    [Id(0)] public long Total { get; init; }
    [Id(1)] public long Accepted { get; init; }
    [Id(2)] public long Failed { get; init; }
    [Id(3)] public long Running { get; init; }
    /// <summary>Attempts that failed and were retried (or not); a unit may count several times here.</summary>
    [Id(4)] public long FailedAttempts { get; init; }

    public long Pending => Total - Accepted - Failed - Running;
}
