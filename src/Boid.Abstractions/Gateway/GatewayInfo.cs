namespace Boid.Abstractions.Gateway;

/// <summary><c>GET /gateway/v1/info</c>: who the dispatcher is (its id goes into every signed session request) and its limits.</summary>
public sealed record GatewayInfo
{
    public required string DispatcherId { get; init; }
    public DateTimeOffset ServerTime { get; init; }
    public TimeSpan TokenTtl { get; init; }
    public TimeSpan ClockSkew { get; init; }
    public int MaxConcurrentLeases { get; init; }
    public int DailyQuota { get; init; }
    public long MaxUploadBytes { get; init; }
}
