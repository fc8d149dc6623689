using Microsoft.Extensions.Logging;

namespace Boid.Ledger;

internal static partial class Log
{
    [LoggerMessage(1200, LogLevel.Information, "Ledger active ({Mode} {Target}): {Pending} records and {Operations} job operations pending")]
    public static partial void LedgerActive(ILogger logger, string mode, string target, int pending, int operations);

    [LoggerMessage(1201, LogLevel.Information, "Ledger delivered {Count} records of protocol {Protocol} in {TransactionId} (already recorded: {Already})")]
    public static partial void BatchDelivered(ILogger logger, int count, string protocol, string transactionId, bool already);

    [LoggerMessage(1202, LogLevel.Information, "Ledger delivered {Operation} in {TransactionId} (already recorded: {Already})")]
    public static partial void OperationDelivered(ILogger logger, string operation, string transactionId, bool already);

    [LoggerMessage(1203, LogLevel.Warning, "Ledger delivery failed: {Error}; {Pending} records and {Operations} operations kept, next attempt in {Seconds} s")]
    public static partial void DeliveryFailed(ILogger logger, string error, int pending, int operations, double seconds);

    [LoggerMessage(1204, LogLevel.Error, "Ledger: the chain refused {What} for good: {Reason}")]
    public static partial void Rejected(ILogger logger, string what, string reason);

    [LoggerMessage(1205, LogLevel.Error, "Ledger flush failed")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(1206, LogLevel.Warning, "Ledger could not be activated at silo start; it activates on the next record")]
    public static partial void StartupPingFailed(ILogger logger, Exception exception);
}
