namespace Boid.Abstractions;

/// <summary>Names shared by grains and hosts.</summary>
public static class BoidNames
{
    /// <summary>The grain-storage provider every Boid grain persists through.</summary>
    public const string Storage = "boid";

    public const string DefaultPool = "default";

    /// <summary>
    /// The keyed <see cref="TimeProvider"/> Boid's grains and ledger read (<see cref="BoidClock.AddBoidClock"/>). A test can
    /// move it by hand without moving Orleans' own clock, whose timers and delays must keep real time.
    /// </summary>
    public const string Clock = "boid-clock";

    public static string UnitGrainKey(string jobId, string unitKey) => jobId + "/" + unitKey;
}
