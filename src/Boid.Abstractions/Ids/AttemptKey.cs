namespace Boid.Abstractions.Ids;

/// <summary>Identifies one attempt at one unit. The amalgamation step uses <see cref="AmalgamationUnitKey"/>.</summary>
public readonly record struct AttemptKey(string JobId, string UnitKey, string LeaseId)
{
    public const string AmalgamationUnitKey = "amalgamate";

    public bool IsAmalgamation => UnitKey == AmalgamationUnitKey;
}
