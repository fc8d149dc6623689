using System.Collections.Concurrent;
using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Grains;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// Leases out to remote workers, by lease id. In memory: after a dispatcher restart an unknown lease is
/// looked up in its unit's attempts (the state of record), so workers resume without re-leasing.
/// </summary>
internal sealed class LeaseBook(IGrainFactory grains, TimeProvider time, IOptions<DispatchOptions> dispatch)
{
    private readonly ConcurrentDictionary<string, LeaseEntry> _leases = new(StringComparer.Ordinal);
    private readonly TimeSpan _leaseTtl = dispatch.Value.LeaseTtl;

    public void Add(string account, string job, string unit, string leaseId, long outputCap) =>
        _leases[leaseId] = new LeaseEntry(account, job, unit, leaseId, outputCap, Open: true, time.GetUtcNow() + _leaseTtl);

    public void Forget(string leaseId) => _leases.TryRemove(leaseId, out _);

    /// <summary>A renewed lease lives one more lease period here too.</summary>
    public void Renewed(string leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var entry))
        {
            _leases[leaseId] = entry with { Deadline = time.GetUtcNow() + _leaseTtl };
        }
    }

    /// <summary>Leases the account holds now; ones it stopped renewing (a crashed worker) are dropped, as the units drop them.</summary>
    public int CountFor(string account)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _leases.Values.Where(l => l.Deadline < now))
        {
            _leases.TryRemove(expired.LeaseId, out _);
        }

        return _leases.Values.Count(l => l.Account == account);
    }

    /// <summary>The lease if this account holds it (Open: not yet reported); null if it is not this account's.</summary>
    public async Task<LeaseEntry?> OwnedAsync(string account, string job, string unit, string leaseId)
    {
        if (_leases.TryGetValue(leaseId, out var entry))
        {
            return entry.Account == account && entry.Job == job && entry.Unit == unit ? entry : null;
        }

        var view = await grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(job, unit)).GetAsync();
        if (view.Attempts.FirstOrDefault(a => a.LeaseId == leaseId) is not { } attempt || attempt.Worker != account)
        {
            return null;
        }

        var spec = await grains.GetGrain<IJobGrain>(job).GetSpecAsync();
        entry = new LeaseEntry(account, job, unit, leaseId, spec.Outputs.MaxSizeBytes, Open: attempt.Outcome is null, time.GetUtcNow() + _leaseTtl);
        if (entry.Open)
        {
            _leases[leaseId] = entry;
        }

        return entry;
    }
}
