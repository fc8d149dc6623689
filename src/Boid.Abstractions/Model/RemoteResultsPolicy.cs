namespace Boid.Abstractions.Model;

/// <summary>Which units an untrusted remote worker may run.</summary>
public enum RemoteResultsPolicy
{
    /// <summary>Only units of replicated jobs (checked by a quorum); units of other jobs and amalgamation steps go to trusted workers.</summary>
    ReplicatedOnly = 0,
    /// <summary>Any unit: the protocol trusts its remote workers' results.</summary>
    Any = 1,
}
