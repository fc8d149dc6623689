namespace Boid.Abstractions.Model;

/// <summary>A protocol's policy for remote workers (protocol YAML <c>remote_workers</c>); see docs/volunteer.md.</summary>
[GenerateSerializer, Immutable, Alias("boid.RemoteWorkerPolicy")]
public sealed record RemoteWorkerPolicy
{
    [Id(0)] public RemoteJoinPolicy Join { get; init; }
    [Id(1)] public IReadOnlyList<string> Approved { get; init; } = [];
    [Id(2)] public RemoteResultsPolicy Results { get; init; }

    public bool Admits(string account) => Join == RemoteJoinPolicy.Open || Approved.Contains(account, StringComparer.Ordinal);
}
