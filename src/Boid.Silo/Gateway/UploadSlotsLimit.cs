using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>Uploads one account may stream at once (<see cref="GatewayOptions.ConcurrentUploads"/>): a concurrency limiter per account, held while the body streams.</summary>
internal sealed class UploadSlotsLimit : IRateLimiterPolicy<string>
{
    private readonly GatewayOptions _options;

    public UploadSlotsLimit(IOptions<GatewayOptions> options, ILoggerFactory loggers)
    {
        _options = options.Value;
        var log = loggers.CreateLogger(GatewayLog.Category);
        OnRejected = (context, _) => GatewayRateLimits.RejectAsync(context, log,
            $"at most {_options.ConcurrentUploads} uploads at once for {context.HttpContext.User.GatewayAccount()}");
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; }

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter(httpContext.User.GatewayAccount() ?? "",
            _ => new ConcurrencyLimiterOptions { PermitLimit = _options.ConcurrentUploads, QueueLimit = 0 });
}
