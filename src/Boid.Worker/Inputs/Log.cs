using Microsoft.Extensions.Logging;

namespace Boid.Worker.Inputs;

internal static partial class Log
{
    [LoggerMessage(2100, LogLevel.Information, "Input {Uri} fetched into the cache: sha256 {Sha256}, {Length} bytes")]
    public static partial void InputFetched(ILogger logger, string uri, string sha256, long length);

    [LoggerMessage(2101, LogLevel.Information, "Input cache: evicted {Sha256} ({Length} bytes, least recently used)")]
    public static partial void InputEvicted(ILogger logger, string sha256, long length);
}
