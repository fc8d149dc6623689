using Microsoft.Extensions.Logging;

namespace Boid.Grains;

internal static partial class Log
{
    [LoggerMessage(1600, LogLevel.Warning, "Job {JobId}: could not store its unit summary record")]
    public static partial void SummaryNotStored(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(1601, LogLevel.Information, "Storage contributor {Account} reported {UsedBytes} bytes used; credited {ByteSeconds} byte-seconds")]
    public static partial void StorageReported(ILogger logger, string account, long usedBytes, ulong byteSeconds);
}
