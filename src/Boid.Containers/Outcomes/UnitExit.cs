namespace Boid.Containers.Outcomes;

/// <summary>
/// How a unit's process ended: by itself with <paramref name="ExitCode"/> (null while not yet known), or killed by the
/// runner at one of its limits (<paramref name="Kill"/>, with the output poll's reason in <paramref name="Detail"/>).
/// </summary>
internal readonly record struct UnitExit(int? ExitCode, KillReason Kill, string? Detail)
{
    /// <summary>Ended by itself; the exit code is read next.</summary>
    public static UnitExit Ended { get; } = new(null, KillReason.None, null);

    public static UnitExit Exited(int exitCode) => new(exitCode, KillReason.None, null);
}
