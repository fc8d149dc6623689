namespace Boid.Abstractions.Model;

/// <summary>
/// The worker asking for leases, as dispatch matches it against jobs: its machine, and — for a remote
/// worker — its account and whether reputation has earned it trust. Null (a worker silo of old) fits everything.
/// </summary>
[GenerateSerializer, Immutable, Alias("boid.WorkerFit")]
public sealed record WorkerFit
{
    [Id(0)] public string Architecture { get; init; } = "";
    [Id(1)] public int Cores { get; init; }
    [Id(2)] public long MemoryBytes { get; init; }
    [Id(3)] public int Gpus { get; init; }
    /// <summary>A volunteer through the gateway, not a trusted cluster member.</summary>
    [Id(4)] public bool Remote { get; init; }
    /// <summary>For a remote worker: its clean record earned it trust (adaptive replication).</summary>
    [Id(5)] public bool Trusted { get; init; }

    /// <summary>Whether this machine meets a job's requirements.</summary>
    public bool Meets(WorkerRequirements? requirements) =>
        requirements is null
        || ((requirements.Architectures.Count == 0 || requirements.Architectures.Contains(Architecture, StringComparer.Ordinal))
            && MemoryBytes >= requirements.MinMemoryBytes
            && Cores >= requirements.MinCores
            && Gpus >= requirements.Gpus);

    /// <summary>Whether this worker may take units of a job under its protocol (remote policy); amalgamation steps count as unreplicated.</summary>
    public bool MayRun(ProtocolSpec protocol, string account, bool replicated)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (!Remote)
        {
            return true;
        }

        var policy = protocol.RemoteWorkers ?? new RemoteWorkerPolicy();
        return policy.Admits(account) && (replicated || Trusted || policy.Results == RemoteResultsPolicy.Any);
    }
}
