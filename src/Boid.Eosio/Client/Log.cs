using Microsoft.Extensions.Logging;

namespace Boid.Eosio;

internal static partial class Log
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Chain request {Endpoint} failed (attempt {Attempt} of {MaxAttempts}), retrying in {DelayMs} ms: {Reason}")]
    public static partial void RetryingRequest(ILogger logger, string endpoint, int attempt, int maxAttempts, double delayMs, string reason);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Transaction {TransactionId} was already applied (duplicate on retry)")]
    public static partial void PushAlreadyApplied(ILogger logger, string transactionId);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Pushed transaction {TransactionId}")]
    public static partial void Pushed(ILogger logger, string transactionId);
}
