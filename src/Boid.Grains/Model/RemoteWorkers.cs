namespace Boid.Grains.Model;

/// <summary>What a job needs of the machine that runs its units (job spec <c>requirements</c>). Empty fits every worker.</summary>
[GenerateSerializer, Immutable, Alias("boid.WorkerRequirements")]
public sealed record WorkerRequirements
{
    /// <summary>Runtime identifiers accepted (<c>linux-x64</c>, <c>linux-arm64</c>); empty: any.</summary>
    [Id(0)] public IReadOnlyList<string> Architectures { get; init; } = [];
    [Id(1)] public long MinMemoryBytes { get; init; }
    [Id(2)] public int MinCores { get; init; }
    [Id(3)] public int Gpus { get; init; }
}

/// <summary>Which accounts may run a protocol's units as remote (volunteer) workers.</summary>
public enum RemoteJoinPolicy
{
    /// <summary>Any account that proves possession of its key.</summary>
    Open = 0,
    /// <summary>Only the accounts the protocol lists in <see cref="RemoteWorkerPolicy.Approved"/>.</summary>
    Approved = 1,
}

/// <summary>Which units an untrusted remote worker may run.</summary>
public enum RemoteResultsPolicy
{
    /// <summary>Only units of replicated jobs (checked by a quorum); units of other jobs and amalgamation steps go to trusted workers.</summary>
    ReplicatedOnly = 0,
    /// <summary>Any unit: the protocol trusts its remote workers' results.</summary>
    Any = 1,
}

/// <summary>A protocol's policy for remote workers (protocol YAML <c>remote_workers</c>); see docs/volunteer.md.</summary>
[GenerateSerializer, Immutable, Alias("boid.RemoteWorkerPolicy")]
public sealed record RemoteWorkerPolicy
{
    [Id(0)] public RemoteJoinPolicy Join { get; init; }
    [Id(1)] public IReadOnlyList<string> Approved { get; init; } = [];
    [Id(2)] public RemoteResultsPolicy Results { get; init; }

    public bool Admits(string account) => Join == RemoteJoinPolicy.Open || Approved.Contains(account, StringComparer.Ordinal);
}

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
