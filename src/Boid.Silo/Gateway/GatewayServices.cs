using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Silo.Gateway;

/// <summary>
/// The services most gateway handlers use, bound as one <c>[AsParameters]</c> argument. (Minimal APIs bind each constructor
/// parameter to the property of the same name, so the properties mirror the constructor; the helpers below are methods.)
/// </summary>
internal sealed class GatewayServices(IGrainFactory grains, IOptions<GatewayOptions> options, LeaseBook leases, GatewayAdmission admission, TimeProvider time, ILoggerFactory loggers)
{
    public IGrainFactory Grains { get; } = grains;

    public IOptions<GatewayOptions> Options { get; } = options;

    public LeaseBook Leases { get; } = leases;

    public GatewayAdmission Admission { get; } = admission;

    public TimeProvider Time { get; } = time;

    public ILoggerFactory Loggers { get; } = loggers;

    public GatewayOptions Limits() => Options.Value;

    public ILogger Log() => Loggers.CreateLogger(GatewayLog.Category);

    public IWorkUnitGrain Unit(string job, string unit) => Grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(job, unit));

    public IContributorGrain Contributor(string account) => Grains.GetGrain<IContributorGrain>(account);

    /// <summary>The lease if this account holds it and has not reported it; otherwise the caller gets 404.</summary>
    public async Task<LeaseEntry> RequireOpenLeaseAsync(string account, string job, string unit, string lease) =>
        await Leases.OwnedAsync(account, job, unit, lease) is { Open: true } owned
            ? owned
            : throw BoidException.NotFound($"no current lease {lease} of unit {job}/{unit} for this account");
}
