namespace Boid.Abstractions.Model;

/// <summary>Which accounts may run a protocol's units as remote (volunteer) workers.</summary>
public enum RemoteJoinPolicy
{
    /// <summary>Any account that proves possession of its key.</summary>
    Open = 0,
    /// <summary>Only the accounts the protocol lists in <see cref="RemoteWorkerPolicy.Approved"/>.</summary>
    Approved = 1,
}
