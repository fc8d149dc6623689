namespace Boid.Client;

/// <summary>A storage contributor as the dispatcher records it (<c>POST /api/v1/storage</c>).</summary>
/// <param name="Account">The credited account.</param>
/// <param name="Role">Its role (<c>Storage</c>).</param>
/// <param name="StorageEndpoint">The HDFS (WebHDFS) address it offers.</param>
/// <param name="StorageProtocol">The protocol it stores for.</param>
/// <param name="StorageCapacityBytes">Capacity it offers, in bytes.</param>
/// <param name="StorageUsedBytes">Bytes used at its last report.</param>
/// <param name="StoredByteSeconds">Byte-seconds credited so far (what the ledger records, role storage).</param>
/// <param name="LastSeen">Its last registration or report.</param>
public sealed record StorageContributor(
    string Account,
    string Role,
    string? StorageEndpoint,
    string? StorageProtocol,
    long StorageCapacityBytes,
    long StorageUsedBytes,
    ulong StoredByteSeconds,
    DateTimeOffset? LastSeen);

/// <summary>What one storage report credited.</summary>
/// <param name="UsedBytes">Used bytes as recorded (at most the capacity).</param>
/// <param name="CreditedByteSeconds">Byte-seconds credited for the time since the previous report.</param>
/// <param name="TotalByteSeconds">Byte-seconds credited so far.</param>
public sealed record StorageReport(long UsedBytes, ulong CreditedByteSeconds, ulong TotalByteSeconds);
