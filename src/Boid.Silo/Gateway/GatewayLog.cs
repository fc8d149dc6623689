using Microsoft.Extensions.Logging;

namespace Boid.Silo.Gateway;

internal static partial class GatewayLog
{
    /// <summary>The gateway's log category (one for every piece, so an operator filters the gateway with one name).</summary>
    public const string Category = "Boid.Gateway";

    [LoggerMessage(3600, LogLevel.Information, "Gateway session for {Account} ({Architecture}, {Cores} cores)")]
    public static partial void SessionOpened(ILogger logger, string account, string architecture, int cores);

    [LoggerMessage(3601, LogLevel.Warning, "Gateway refused {Path} from {Remote}: {Status} {Reason}")]
    public static partial void Refused(ILogger logger, string path, string remote, int status, string reason);

    [LoggerMessage(3602, LogLevel.Information, "Gateway leased {Count} units to {Account}")]
    public static partial void Leased(ILogger logger, int count, string account);
}
