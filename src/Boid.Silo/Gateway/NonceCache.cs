using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// The replay cache of signed session requests: an (account, nonce) pair is accepted once. Nonces are remembered for
/// twice the allowed clock skew; a request older than the skew is refused by its timestamp, so forgetting then is safe.
/// </summary>
internal sealed class NonceCache(IOptions<GatewayOptions> options, TimeProvider time)
{
    /// <summary>How many remembered nonces trigger a sweep of the expired ones.</summary>
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);

    /// <summary>True the first time an (account, nonce) pair is seen within the replay window.</summary>
    public bool TryUse(string account, string nonce)
    {
        var now = time.GetUtcNow();
        if (_nonces.Count > SweepAbove)
        {
            foreach (var (key, until) in _nonces)
            {
                if (until < now)
                {
                    _nonces.TryRemove(key, out _);
                }
            }
        }

        return _nonces.TryAdd(account + "/" + nonce, now + (2 * options.Value.ClockSkew));
    }
}
