using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using Boid.Storage;
using Boid.Worker;
using Boid.Worker.Inputs;

namespace Boid.Silo.Links;

/// <summary>
/// The worker-silo link: a trusted machine in the Orleans cluster calls the grains directly and
/// writes outputs straight into the result store it shares with the dispatcher.
/// </summary>
public sealed class OrleansDispatcherLink(IGrainFactory grains, IResultStore store, StorageUriResolver resolver) : IDispatcherLink
{
    public IInputSource Inputs { get; } = new StoreInputSource(resolver, store);

    public Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellationToken) =>
        grains.GetGrain<IContributorGrain>(registration.WorkerId).RegisterAsync(registration);

    public Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, CancellationToken cancellationToken) =>
        grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool).LeaseAsync(workerId, max);

    public Task<bool> StartedAsync(UnitAssignment lease, CancellationToken cancellationToken) => Unit(lease).StartedAsync(lease.LeaseId);

    public Task<bool> RenewAsync(UnitAssignment lease, CancellationToken cancellationToken) => Unit(lease).RenewAsync(lease.LeaseId);

    public Task UploadOutputsAsync(UnitAssignment lease, string outputDirectory, CancellationToken cancellationToken) =>
        store.PutAttemptAsync(new AttemptKey(lease.JobId, lease.UnitKey, lease.LeaseId), outputDirectory, cancellationToken);

    public Task<ReportDisposition> ReportAsync(UnitReport report, CancellationToken cancellationToken) =>
        grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(report.JobId, report.UnitKey)).ReportAsync(report);

    public Task HeartbeatAsync(string workerId, int runningUnits, CancellationToken cancellationToken) =>
        grains.GetGrain<IContributorGrain>(workerId).HeartbeatAsync(runningUnits);

    private IWorkUnitGrain Unit(UnitAssignment lease) => grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(lease.JobId, lease.UnitKey));
}
