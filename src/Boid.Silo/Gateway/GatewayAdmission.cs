using System.Collections.Concurrent;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Grains;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// Who may open a session (some protocol admits the account) and who adaptive replication trusts, each read from the
/// grains and cached briefly: these answers are asked on every session and lease, and change rarely.
/// </summary>
internal sealed class GatewayAdmission(IGrainFactory grains, TimeProvider time, IOptions<DispatchOptions> dispatch)
{
    private static readonly TimeSpan ProtocolsFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TrustFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (bool Trusted, DateTimeOffset Until)> _trust = new(StringComparer.Ordinal);

    // One reference, swapped whole, so a reader never sees the list of one read with the expiry of another.
    private Tuple<ProtocolSpec[], DateTimeOffset> _protocols = Tuple.Create(Array.Empty<ProtocolSpec>(), DateTimeOffset.MinValue);

    /// <summary>Whether some protocol lets this account run its units remotely.</summary>
    public async Task<bool> AdmittedAsync(string account)
    {
        var now = time.GetUtcNow();
        var (protocols, until) = _protocols;
        // A refusal always reads the protocols afresh: a protocol just added or approving this account counts at once.
        if (until < now || !Admits(protocols, account))
        {
            var names = await grains.GetGrain<IDirectoryGrain>(0).ListProtocolsAsync();
            var specs = await Task.WhenAll(names.Select(n => grains.GetGrain<IProtocolGrain>(n).GetAsync()));
            protocols = specs.OfType<ProtocolSpec>().ToArray();
            _protocols = Tuple.Create(protocols, now + ProtocolsFor);
        }

        return Admits(protocols, account);
    }

    /// <summary>Adaptive replication's verdict on this contributor.</summary>
    public async Task<bool> TrustedAsync(string account)
    {
        var now = time.GetUtcNow();
        if (_trust.TryGetValue(account, out var cached) && cached.Until > now)
        {
            return cached.Trusted;
        }

        var trusted = await grains.GetGrain<IContributorGrain>(account).IsTrustedAsync(dispatch.Value.TrustAfterCleanResults);
        _trust[account] = (trusted, now + TrustFor);
        return trusted;
    }

    private static bool Admits(ProtocolSpec[] protocols, string account) =>
        protocols.Any(p => (p.RemoteWorkers ?? new RemoteWorkerPolicy()).Admits(account));
}
