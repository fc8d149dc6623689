namespace Boid.Abstractions.Ids;

/// <summary>Identifies one attempt at one unit: the lease it ran under.</summary>
public readonly record struct AttemptKey(string JobId, string UnitKey, string LeaseId);
