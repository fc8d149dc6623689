using Boid.Abstractions.Model;
using Microsoft.Extensions.Logging;

namespace Boid.Grains;

internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Job {JobId} submitted: {Units} units of {Image} for protocol {Protocol}")]
    public static partial void JobSubmitted(ILogger logger, string jobId, long units, string image, string protocol);

    [LoggerMessage(1001, LogLevel.Information, "Job {JobId} is {State}: {Accepted} accepted, {Failed} failed {Reason}")]
    public static partial void JobFinished(ILogger logger, string jobId, JobState state, long accepted, long failed, string reason);

    [LoggerMessage(1002, LogLevel.Information, "Job {JobId} amalgamating {Accepted} accepted units")]
    public static partial void JobAmalgamating(ILogger logger, string jobId, long accepted);

    [LoggerMessage(1003, LogLevel.Warning, "Job {JobId}: unit {UnitId} could not be leased; it is offered again")]
    public static partial void UnitLeaseFailed(ILogger logger, Exception exception, string jobId, string unitId);

    [LoggerMessage(1004, LogLevel.Information, "Job {JobId}: reconciling {Count} units that were out on lease before this activation")]
    public static partial void Reconciling(ILogger logger, string jobId, int count);

    [LoggerMessage(1005, LogLevel.Warning, "Job {JobId}: could not tell unit {UnitId} to cancel")]
    public static partial void CancelFailed(ILogger logger, Exception exception, string jobId, string unitId);

    [LoggerMessage(1006, LogLevel.Warning, "Job {JobId}: crediting contributor {Account} failed; retried on the next flush")]
    public static partial void CreditFailed(ILogger logger, Exception exception, string jobId, string account);

    [LoggerMessage(1007, LogLevel.Warning, "Job {JobId}: checkpoint failed; tried again at the next tick")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(1100, LogLevel.Information, "Unit {UnitId}: lease {LeaseId} expired (worker {Worker}); attempt {Attempt} recorded as lost")]
    public static partial void LeaseExpired(ILogger logger, string unitId, string leaseId, string worker, int attempt);

    [LoggerMessage(1101, LogLevel.Debug, "Unit {UnitId}: report for lease {LeaseId} ignored ({Why})")]
    public static partial void ReportIgnored(ILogger logger, string unitId, string leaseId, string why);

    [LoggerMessage(1102, LogLevel.Information, "Unit {UnitId}: attempt {Attempt} on {Worker} failed: {Outcome} {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string unitId, int attempt, string worker, AttemptOutcome outcome, string reason);
}
