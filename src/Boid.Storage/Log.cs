using Microsoft.Extensions.Logging;

namespace Boid.Storage;

/// <summary>Storage log messages. Paths are store paths; URLs with their query (which may carry a delegation token) are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(6001, LogLevel.Debug, "WebHDFS {Operation} {Path}: {Status}")]
    public static partial void Completed(ILogger logger, string operation, string path, int status);

    [LoggerMessage(6002, LogLevel.Warning, "WebHDFS {Operation} {Path} failed transiently (attempt {Attempt} of {MaxAttempts}); retrying in {DelayMs} ms: {Reason}")]
    public static partial void Retrying(ILogger logger, string operation, string path, int attempt, int maxAttempts, long delayMs, string reason);

    [LoggerMessage(6003, LogLevel.Information, "WebHDFS at {Namenode} has no LISTSTATUS_BATCH; listing with LISTSTATUS")]
    public static partial void NoBatchListing(ILogger logger, string namenode);

    [LoggerMessage(6004, LogLevel.Debug, "WebHDFS {Operation} {Path} redirected to {Datanode}")]
    public static partial void Redirected(ILogger logger, string operation, string path, string datanode);

    [LoggerMessage(6005, LogLevel.Warning, "WebHDFS {Operation} {Path} failed: {Kind} ({RemoteException}) {Message}")]
    public static partial void Failed(ILogger logger, string operation, string path, StorageErrorKind kind, string? remoteException, string message);
}
