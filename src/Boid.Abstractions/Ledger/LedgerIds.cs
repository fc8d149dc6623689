using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Boid.Abstractions.Model;

namespace Boid.Abstractions.Ledger;

/// <summary>
/// Stable identifiers: the first 8 bytes (big-endian) of SHA-256 over a text that names what is identified.
/// The same contribution always gets the same id, so a re-sent record is a no-op on chain.
/// </summary>
public static class LedgerIds
{
    /// <summary>
    /// Worker time of one attempt that earned credit (the accepted one, or a copy that agreed with its quorum):
    /// <c>worker:{job}/{unit}/{attempt}</c>.
    /// </summary>
    public static ulong WorkerRecord(string jobKey, string unitKey, int attempt) =>
        Hash64(string.Create(CultureInfo.InvariantCulture, $"worker:{jobKey}/{unitKey}/{attempt}"));

    /// <summary>Dispatcher time of one job: <c>dispatcher:{job}</c>.</summary>
    public static ulong DispatcherRecord(string jobKey) => Hash64($"dispatcher:{jobKey}");

    /// <summary>Storage of one object for one job (role kept for the storage issue): <c>storage:{job}/{object}</c>.</summary>
    public static ulong StorageRecord(string jobKey, string objectKey) => Hash64($"storage:{jobKey}/{objectKey}");

    /// <summary>One storage report of a storage contributor: <c>storage:{protocol}/{account}/{report number}</c>.</summary>
    public static ulong StoragePeriodRecord(string protocol, string account, long report) =>
        Hash64(string.Create(CultureInfo.InvariantCulture, $"storage:{protocol}/{account}/{report}"));

    /// <summary>The job's id in clusterjobs' <c>jobs</c> table: <c>job:{job}</c>.</summary>
    public static ulong JobId(string jobKey) => Hash64($"job:{jobKey}");

    /// <summary>The chain's job state for a Boid job state (0 submitted, 1 running, 2 completed, 3 failed, 4 cancelled).</summary>
    public static byte ChainJobState(JobState state) => state switch
    {
        JobState.Submitted => 0,
        JobState.Running or JobState.Amalgamating => 1,
        JobState.Done => 2,
        JobState.Failed => 3,
        JobState.Cancelled => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string Format(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    private static ulong Hash64(string text) => BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
