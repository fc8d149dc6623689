namespace Boid.Abstractions.Model;

/// <summary>A unit as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("boid.UnitView")]
public sealed record UnitView
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string UnitKey { get; init; }
    [Id(2)] public UnitStatus Status { get; init; }
    [Id(3)] public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    [Id(4)] public IReadOnlyList<AttemptRecord> Attempts { get; init; } = [];
    [Id(5)] public string? CurrentWorker { get; init; }
    [Id(6)] public DateTimeOffset? LeaseDeadline { get; init; }
    [Id(7)] public string StdoutTail { get; init; } = "";
    [Id(8)] public string StderrTail { get; init; } = "";
}
