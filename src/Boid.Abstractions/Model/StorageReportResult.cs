namespace Boid.Abstractions.Model;

/// <summary>What one storage report credited: the bytes now used and the byte-seconds since the previous report.</summary>
[GenerateSerializer, Immutable, Alias("boid.StorageReportResult")]
public sealed record StorageReportResult
{
    [Id(0)] public long UsedBytes { get; init; }
    [Id(1)] public ulong CreditedByteSeconds { get; init; }
    [Id(2)] public ulong TotalByteSeconds { get; init; }
}
