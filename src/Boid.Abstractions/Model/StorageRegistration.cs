namespace Boid.Abstractions.Model;

/// <summary>
/// A storage contributor (an HDFS a team or volunteer offers to a protocol): where it is and how much it holds.
/// Sent by <c>boid storage</c> when it starts; it then reports its used bytes periodically.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.StorageRegistration")]
public sealed record StorageRegistration
{
    /// <summary>The contributor account credited for the storage (Antelope name).</summary>
    [Id(0)] public required string Account { get; init; }
    /// <summary>The protocol it stores for (storage is credited per protocol, as on chain: <c>regstorage</c>).</summary>
    [Id(1)] public required string Protocol { get; init; }
    /// <summary>The WebHDFS address of the storage (<c>http://namenode:9870</c>, <c>webhdfs://…</c>, <c>hdfs://…</c>).</summary>
    [Id(2)] public required string Endpoint { get; init; }
    [Id(3)] public long CapacityBytes { get; init; }
    [Id(4)] public long UsedBytes { get; init; }
}
