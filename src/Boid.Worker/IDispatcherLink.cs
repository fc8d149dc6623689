using Boid.Abstractions.Model;

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

    /// <summary>
    /// Returns a local directory to mount read-only at <c>/in</c> (null for none). For the amalgamation
    /// step it holds every accepted unit's outputs as <c>{unit}/…</c>.
    /// </summary>
    Task<string?> StageInputsAsync(UnitAssignment lease, string scratchDirectory, CancellationToken cancellationToken);

    /// <summary>Sends the outputs an attempt wrote to <c>/out</c>, before its report.</summary>
    Task UploadOutputsAsync(UnitAssignment lease, string outputDirectory, CancellationToken cancellationToken);

    Task<ReportDisposition> ReportAsync(UnitReport report, CancellationToken cancellationToken);

    Task HeartbeatAsync(string workerId, int runningUnits, CancellationToken cancellationToken);
}
