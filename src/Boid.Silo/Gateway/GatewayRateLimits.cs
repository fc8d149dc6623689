using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// The gateway's flood limits, through ASP.NET Core's rate limiter (partitioned, never queued: a caller over its limit gets
/// 429 with <c>Retry-After</c> at once while every other caller is served):
/// <list type="bullet">
/// <item>every call made with a session token spends a token of its <b>account's</b> bucket (<see cref="GatewayOptions.RequestsPerSecond"/>,
/// <see cref="GatewayOptions.Burst"/>) — the global limiter, keyed by the authenticated account, so uploads spend from
/// the same budget as every other call; requests without a gateway identity pass it untouched;</item>
/// <item>anonymous calls (info, sessions) are limited per remote address (<see cref="PerAddress"/>);</item>
/// <item>uploads also take one of the account's upload slots (<see cref="UploadSlots"/>).</item>
/// </list>
/// Resource caps that depend on the lease book or the contributor (leases held at once, the daily quota, bytes per lease)
/// are the handlers' checks, not rate limits.
/// </summary>
internal static class GatewayRateLimits
{
    public const string PerAddress = "gateway-address";
    public const string UploadSlots = "gateway-upload-slots";

    /// <summary>What a rejection says when its limiter gives no retry time (concurrency limits).</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public static IServiceCollection AddBoidGatewayRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy<string, AddressRateLimit>(PerAddress);
            o.AddPolicy<string, UploadSlotsLimit>(UploadSlots);
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>, ILoggerFactory>((o, gateway, loggers) =>
        {
            var options = gateway.Value;
            var log = loggers.CreateLogger(GatewayLog.Category);
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => http.User.GatewayAccount() is { } account
                ? RateLimitPartition.GetTokenBucketLimiter(account, _ => Bucket(options.RequestsPerSecond, options.Burst))
                : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (context, _) => RejectAsync(context, log,
                $"rate limit: at most {options.RequestsPerSecond} requests per second for {context.HttpContext.User.GatewayAccount()}");
        });
        return services;
    }

    /// <summary>A token bucket that refills every second and never queues.</summary>
    public static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    };

    /// <summary>429 as an RFC 7807 problem (<c>kind: LimitExceeded</c>) with the limiter's <c>Retry-After</c>.</summary>
    public static ValueTask RejectAsync(OnRejectedContext context, ILogger logger, string detail)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : DefaultRetryAfter;
        return new(GatewayProblem.TooMany(context.HttpContext, logger, detail, retryAfter).ExecuteAsync(context.HttpContext));
    }
}
