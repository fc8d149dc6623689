using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>Anonymous gateway calls (info, sessions) per remote address: a token bucket of <see cref="GatewayOptions.AnonymousRequestsPerSecond"/>, burst four times that.</summary>
internal sealed class AddressRateLimit : IRateLimiterPolicy<string>
{
    private readonly GatewayOptions _options;

    public AddressRateLimit(IOptions<GatewayOptions> options, ILoggerFactory loggers)
    {
        _options = options.Value;
        var log = loggers.CreateLogger(GatewayLog.Category);
        OnRejected = (context, _) => GatewayRateLimits.RejectAsync(context, log, "too many requests from this address");
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; }

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetTokenBucketLimiter(httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => GatewayRateLimits.Bucket(_options.AnonymousRequestsPerSecond, _options.AnonymousRequestsPerSecond * 4));
}
