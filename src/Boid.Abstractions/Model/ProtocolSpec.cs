namespace Boid.Abstractions.Model;

/// <summary>
/// A research programme a team sponsors: who runs it, where its data lives, which images its jobs may
/// run, and what it pays per hour of contribution (integer token units, as on chain).
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.ProtocolSpec")]
public sealed record ProtocolSpec
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public string Title { get; init; } = "";
    [Id(2)] public string Researcher { get; init; } = "";
    [Id(3)] public string Sponsor { get; init; } = "";
    [Id(4)] public string DataDirectory { get; init; } = "";
    /// <summary>Image references jobs may use; a trailing <c>*</c> matches a prefix (<c>boid/*</c>).</summary>
    [Id(5)] public IReadOnlyList<string> Images { get; init; } = [];
    [Id(6)] public string Fund { get; init; } = "0.0000 BOID";
    [Id(7)] public string TokenContract { get; init; } = "eosio.token";
    [Id(8)] public long WorkerRatePerHour { get; init; }
    [Id(9)] public long DispatcherRatePerHour { get; init; }
    [Id(10)] public long StorageRatePerGiBHour { get; init; }
    /// <summary>Sandbox relaxation: lets this protocol's containers use the network. Off by default.</summary>
    [Id(11)] public bool AllowNetwork { get; init; }
    /// <summary>Who may run this protocol's units as a remote (volunteer) worker, and which units; null: open, replicated only.</summary>
    [Id(12)] public RemoteWorkerPolicy? RemoteWorkers { get; init; }

    public bool AcceptsImage(string image) =>
        Images.Any(pattern => pattern.EndsWith('*')
            ? image.StartsWith(pattern[..^1], StringComparison.Ordinal)
            : string.Equals(pattern, image, StringComparison.Ordinal));
}
