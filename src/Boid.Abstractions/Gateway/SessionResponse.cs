namespace Boid.Abstractions.Gateway;

public sealed record SessionResponse
{
    public required string Token { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public bool Trusted { get; init; }
    public int MaxConcurrentLeases { get; init; }
    public int DailyQuotaLeft { get; init; }
}
