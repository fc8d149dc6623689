using Boid.Eosio;

namespace Boid.Worker.Remote;

/// <summary>How a remote (volunteer) worker reaches its dispatcher and proves who it is.</summary>
public sealed class RemoteWorkerOptions
{
    /// <summary>The dispatcher's base URL (<c>https://dispatcher.example</c>; plain http only on loopback or for tests).</summary>
    public required Uri Dispatcher { get; init; }

    /// <summary>The Antelope account credited for this worker's units.</summary>
    public required string Account { get; init; }

    /// <summary>The account's K1 key; only signatures leave the machine.</summary>
    public required PrivateKey Key { get; init; }

    /// <summary>GPUs this machine offers to jobs that ask for them.</summary>
    public int Gpus { get; init; }

    /// <summary>Longest wait for one request (uploads and downloads are bounded per chunk of progress, not in total).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>The dispatcher refused this worker's identity (wrong key, account not admitted, bad signature): retrying will not help.</summary>
public sealed class GatewayRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The dispatcher is limiting this worker (rate, quota, concurrent leases); <see cref="RetryAfter"/> says when to ask again.</summary>
public sealed class GatewayLimitException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
