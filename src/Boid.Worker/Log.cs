using Microsoft.Extensions.Logging;

namespace Boid.Worker;

internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Information, "Worker {WorkerId} started with {Slots} slots")]
    public static partial void Started(ILogger logger, string workerId, int slots);

    [LoggerMessage(2001, LogLevel.Information, "Worker {WorkerId} stopped")]
    public static partial void Stopped(ILogger logger, string workerId);

    [LoggerMessage(2002, LogLevel.Warning, "Worker {WorkerId} removed {Count} containers left behind by an earlier run")]
    public static partial void LeftoversRemoved(ILogger logger, string workerId, int count);

    [LoggerMessage(2003, LogLevel.Warning, "Dispatcher call '{Operation}' failed; will retry")]
    public static partial void LinkFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(2004, LogLevel.Information, "Job {JobId} unit {UnitId}: lease {LeaseId} is gone (cancelled or expired); attempt abandoned")]
    public static partial void LeaseLost(ILogger logger, string jobId, string unitId, string leaseId);

    [LoggerMessage(2005, LogLevel.Error, "Job {JobId} unit {UnitId}: the worker failed to run it")]
    public static partial void UnitFailed(ILogger logger, Exception exception, string jobId, string unitId);

    [LoggerMessage(2007, LogLevel.Warning, "Job {JobId} unit {UnitId}: report for lease {LeaseId} abandoned at shutdown; the lease will expire and the unit run again")]
    public static partial void ReportAbandoned(ILogger logger, string jobId, string unitId, string leaseId);

    [LoggerMessage(2008, LogLevel.Warning, "Job {JobId} unit {UnitId}: the dispatcher refused the report for lease {LeaseId}; not repeated")]
    public static partial void ReportRefused(ILogger logger, Exception exception, string jobId, string unitId, string leaseId);

    [LoggerMessage(2006, LogLevel.Warning, "Could not remove scratch folder {Directory}")]
    public static partial void CleanupFailed(ILogger logger, Exception exception, string directory);
}
