using System.Globalization;
using Boid.Containers.Staging;

namespace Boid.Containers.Outcomes;

/// <summary>
/// What an outcome means: pure functions from what was observed (a kill at a limit, the OOM flag, the scan of
/// <c>/out</c>, the exit code) to a <see cref="Verdict"/>, in the order of README.md's outcome table — the first that
/// applies wins. Fresh and warm units are judged here alike.
/// </summary>
internal static class OutcomeJudge
{
    private const int FirstSignalExitCode = 129;
    private const int LastSignalExitCode = 128 + 64;

    /// <summary>The runner killed the unit at one of its limits; <paramref name="killed"/> says what was killed.</summary>
    public static Verdict Killed(UnitExit exit, ContainerLimits limits, string killed) => exit.Kill switch
    {
        KillReason.Timeout => new Verdict(ContainerOutcome.TimedOut, null,
            $"still running after the timeout of {limits.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; {killed}", Retryable: true),
        KillReason.OutputCap => new Verdict(ContainerOutcome.OutputTooLarge, null, $"{exit.Detail}; {killed}", Retryable: false),
        _ => throw new ArgumentOutOfRangeException(nameof(exit), exit.Kill, "The unit was not killed."),
    };

    /// <summary>A non-zero exit with the Engine's OOM flag set: memory use can vary run to run, so it is retryable.</summary>
    public static Verdict OutOfMemory(int exitCode, ContainerLimits limits) => new(ContainerOutcome.OutOfMemory, exitCode,
        $"killed by the OOM killer at the memory limit of {limits.MemoryBytes} bytes (exit {exitCode})", Retryable: true);

    /// <summary>The process ended by itself and was not OOM-killed: the output scan, then the exit code decide.</summary>
    public static Verdict Exited(int exitCode, OutputScan scan)
    {
        if (scan.TooLargeReason is { } tooLarge)
        {
            return new Verdict(ContainerOutcome.OutputTooLarge, exitCode, $"{tooLarge} (exit {exitCode})", Retryable: false);
        }

        if (scan.UnsafeReason is { } unsafeReason)
        {
            return new Verdict(ContainerOutcome.UnsafeOutput, exitCode, $"refused output: {unsafeReason}", Retryable: false);
        }

        if (exitCode is >= FirstSignalExitCode and <= LastSignalExitCode)
        {
            // 128 + the signal: not sent by the runner (its kills are judged by Killed), so maybe the machine.
            var signal = exitCode - 128;
            return new Verdict(ContainerOutcome.Crashed, exitCode, $"killed by signal {signal} ({SignalName(signal)}), exit {exitCode}", Retryable: true);
        }

        return exitCode == 0
            ? new Verdict(ContainerOutcome.Succeeded, 0, $"exited with code 0; {scan.Files.Count} output file(s)", Retryable: false) { Files = scan.Files }
            : new Verdict(ContainerOutcome.NonZeroExit, exitCode, $"exited with code {exitCode}", Retryable: false);
    }

    /// <summary>The image is not on this worker; nothing is pulled.</summary>
    public static Verdict ImageMissing(string image) => new(ContainerOutcome.ImageMissing, null,
        $"image {image} is not present on this worker (images are never pulled)", Retryable: false);

    /// <summary>The caller's token fired: the unit did nothing wrong.</summary>
    public static Verdict Cancelled(string killed) => new(ContainerOutcome.Cancelled, null, $"cancelled by the caller; {killed}", Retryable: true);

    /// <summary>A success whose outputs could not be copied: the host's fault, so another attempt is worth making.</summary>
    public static Verdict CopyFailed(string destination, Exception exception) => new(ContainerOutcome.StartFailed, 0,
        $"exited with code 0 but the outputs could not be copied to {destination}: {Text.OneLine(exception.Message)}", Retryable: true);

    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => "signal " + signal.ToString(CultureInfo.InvariantCulture),
    };
}
