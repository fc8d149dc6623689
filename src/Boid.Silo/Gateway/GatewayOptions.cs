using System.ComponentModel.DataAnnotations;

namespace Boid.Silo.Gateway;

/// <summary>The remote-worker gateway (<c>/gateway/v1</c>), bound from <c>Boid:Gateway</c>. See docs/volunteer.md.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Boid:Gateway";

    /// <summary>How long a session token lives; the worker signs a new session request before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far a signed session request's timestamp may be from the dispatcher's clock.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest JSON request body (session, lease, report, manifest).</summary>
    [Range(1024, 16 << 20)]
    public int MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>Most output bytes one lease may upload (the unit's own <c>outputs.max_size</c> applies too, whichever is smaller).</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 256L << 20;

    /// <summary>Requests per second each contributor may make (token bucket), and the burst it may save up.</summary>
    [Range(1, 100_000)]
    public int RequestsPerSecond { get; set; } = 20;

    [Range(1, 100_000)]
    public int Burst { get; set; } = 60;

    /// <summary>Anonymous requests (info, sessions) per second from one address.</summary>
    [Range(1, 100_000)]
    public int AnonymousRequestsPerSecond { get; set; } = 5;

    /// <summary>Uploads one contributor may stream at once.</summary>
    [Range(1, 64)]
    public int ConcurrentUploads { get; set; } = 2;

    /// <summary>Leases one contributor may hold at once (BOINC's max jobs in progress).</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentLeases { get; set; } = 16;

    /// <summary>Units one contributor may lease per UTC day (BOINC's daily quota).</summary>
    [Range(1, int.MaxValue)]
    public int DailyQuota { get; set; } = 5_000;

    /// <summary>The HMAC secret for session tokens (32 random bytes, created 0600 on first start). Default <c>{data}/gateway/secret</c>; share it between dispatchers behind one address.</summary>
    public string? SecretFile { get; set; }
}
