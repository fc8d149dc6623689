using Boid.Abstractions.Model;
using Boid.Worker.Inputs;

namespace Boid.Worker;

/// <summary>
/// How a worker reaches its dispatcher. The engine knows only this: a worker silo implements it with
/// grain calls; a remote volunteer worker with HTTPS requests. Every call may fail with a transient
/// error; the engine retries where that is safe (reports carry the lease id, so a repeat is harmless).
/// </summary>
public interface IDispatcherLink
{
    Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellationToken);

    Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, CancellationToken cancellationToken);

    /// <summary>The container is about to start. False: the lease is gone, do not run.</summary>
    Task<bool> StartedAsync(UnitAssignment lease, CancellationToken cancellationToken);

    /// <summary>Extends the lease. False: the lease is gone (expired or cancelled), stop the container.</summary>
    Task<bool> RenewAsync(UnitAssignment lease, CancellationToken cancellationToken);

    /// <summary>Where this worker gets the files a lease's inputs name (the stores themselves, or the gateway).</summary>
    IInputSource Inputs { get; }

    /// <summary>Sends the outputs an attempt wrote to <c>/out</c>, before its report.</summary>
    Task UploadOutputsAsync(UnitAssignment lease, string outputDirectory, CancellationToken cancellationToken);

    Task<ReportDisposition> ReportAsync(UnitReport report, CancellationToken cancellationToken);

    Task HeartbeatAsync(string workerId, int runningUnits, CancellationToken cancellationToken);
}
