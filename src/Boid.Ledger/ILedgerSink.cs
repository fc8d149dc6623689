using Boid.Abstractions.Ledger;

namespace Boid.Ledger;

/// <summary>
/// Where the ledger delivers what it batched: an Antelope chain (<see cref="Chain.ChainLedgerSink"/>) or, without one,
/// a local journal (<see cref="Journal.JournalLedgerSink"/>). Delivery must be idempotent: the same batch delivered
/// twice (a retry after an unknown outcome) must credit once — the chain's replay guard and the stable ids see to it.
/// </summary>
public interface ILedgerSink
{
    /// <summary><c>chain</c> or <c>journal</c>.</summary>
    string Mode { get; }

    /// <summary>The endpoint or file, for status and logs (never secret).</summary>
    string Target { get; }

    /// <summary>Delivers up to 200 records of one protocol in one <c>recordbatch</c>.</summary>
    /// <exception cref="LedgerDeliveryException">Refused or not delivered; see <see cref="LedgerDeliveryException.Transient"/>.</exception>
    Task<LedgerDelivery> DeliverAsync(string protocol, IReadOnlyList<ContributionRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Delivers one job anchor or state update.</summary>
    /// <exception cref="LedgerDeliveryException">Refused or not delivered.</exception>
    Task<LedgerDelivery> DeliverAsync(LedgerOperation operation, CancellationToken cancellationToken = default);
}

/// <summary>A delivery that succeeded: the transaction id (null for the journal), and whether it was already there.</summary>
public sealed record LedgerDelivery(string? TransactionId, bool AlreadyRecorded);

/// <summary>
/// A delivery failed. <see cref="Transient"/>: try the same again later (chain unreachable, overloaded, expired).
/// Otherwise the chain refused it; <see cref="RecordId"/> names the record at fault when the contract said which.
/// </summary>
public sealed class LedgerDeliveryException : Exception
{
    public LedgerDeliveryException()
    {
    }

    public LedgerDeliveryException(string message)
        : base(message)
    {
    }

    public LedgerDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LedgerDeliveryException(string message, bool transient, ulong? recordId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Transient = transient;
        RecordId = recordId;
    }

    public bool Transient { get; }

    public ulong? RecordId { get; }
}
