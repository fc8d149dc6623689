namespace Boid.Containers.Outcomes;

/// <summary>
/// Whether a non-zero exit was the OOM killer's. The Engine records an OOM kill from its own event, which can land just
/// after the exit: a process killed by SIGKILL (exit 137) gets <see cref="MoreLooks"/> more looks, <see cref="Interval"/>
/// apart, before it is called a crash; any other exit gets one look.
/// </summary>
internal static class OomLooks
{
    public const int MoreLooks = 3;
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private const int SigKillExitCode = 128 + 9;

    /// <summary>Looks at the OOM flag (<paramref name="look"/>: one inspect) as often as the exit code warrants.</summary>
    public static async Task<bool> OomKilledAsync(int exitCode, Func<CancellationToken, Task<bool>> look, TimeProvider time, CancellationToken cancellationToken)
    {
        if (exitCode == 0)
        {
            return false;
        }

        for (var looks = 0; ; looks++)
        {
            if (await look(cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            if (exitCode != SigKillExitCode || looks == MoreLooks)
            {
                return false;
            }

            await Task.Delay(Interval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
