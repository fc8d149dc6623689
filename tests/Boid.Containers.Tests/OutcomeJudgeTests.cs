using Boid.Containers.Outcomes;
using Boid.Containers.Staging;

namespace Boid.Containers.Tests;

/// <summary>The outcome table of README.md as plain functions: no Docker, no host.</summary>
public sealed class OutcomeJudgeTests
{
    private static readonly ContainerLimits Limits = new() { Timeout = TimeSpan.FromSeconds(2.5), MemoryBytes = 64L << 20 };
    private static readonly OutputScan Clean = new([new ScannedFile("/staging/a", "a", 1)], null, null);

    [Theory]
    [InlineData(0, ContainerOutcome.Succeeded, false, "exited with code 0; 1 output file(s)")]
    [InlineData(3, ContainerOutcome.NonZeroExit, false, "exited with code 3")]
    [InlineData(127, ContainerOutcome.NonZeroExit, false, "exited with code 127")]
    [InlineData(139, ContainerOutcome.Crashed, true, "killed by signal 11 (SIGSEGV), exit 139")]
    [InlineData(137, ContainerOutcome.Crashed, true, "killed by signal 9 (SIGKILL), exit 137")]
    [InlineData(192, ContainerOutcome.Crashed, true, "killed by signal 64 (signal 64), exit 192")]
    [InlineData(193, ContainerOutcome.NonZeroExit, false, "exited with code 193")]
    public void Exited_CleanOutput_ExitCodeDecides(int exitCode, ContainerOutcome outcome, bool retryable, string reason)
    {
        var verdict = OutcomeJudge.Exited(exitCode, Clean);

        Assert.Equal((outcome, exitCode, retryable, reason), (verdict.Outcome, verdict.ExitCode, verdict.Retryable, verdict.Reason));
        Assert.Equal(outcome == ContainerOutcome.Succeeded, verdict.Files is not null);
    }

    [Fact]
    public void Exited_OutputTooLargeAndUnsafe_TooLargeWinsOverEverythingAfterIt()
    {
        var tooLarge = OutcomeJudge.Exited(139, OutputScan.TooLarge("/out holds more than its cap of 4096 bytes"));
        var unsafeOutput = OutcomeJudge.Exited(139, OutputScan.Unsafe("/out/x is a symbolic link"));

        Assert.Equal((ContainerOutcome.OutputTooLarge, false, "/out holds more than its cap of 4096 bytes (exit 139)"),
            (tooLarge.Outcome, tooLarge.Retryable, tooLarge.Reason));
        Assert.Equal((ContainerOutcome.UnsafeOutput, false, "refused output: /out/x is a symbolic link"),
            (unsafeOutput.Outcome, unsafeOutput.Retryable, unsafeOutput.Reason));
        Assert.Null(unsafeOutput.Files);
    }

    [Fact]
    public void Killed_AtTheTimeout_TimedOutRetryableNamingTheTimeout()
    {
        var verdict = OutcomeJudge.Killed(new UnitExit(null, KillReason.Timeout, null), Limits, "killed");

        Assert.Equal((ContainerOutcome.TimedOut, (int?)null, true), (verdict.Outcome, verdict.ExitCode, verdict.Retryable));
        Assert.Equal("still running after the timeout of 2.5 s; killed", verdict.Reason);
    }

    [Fact]
    public void Killed_AtTheOutputCap_OutputTooLargeNotRetryableWithThePollersReason()
    {
        var verdict = OutcomeJudge.Killed(new UnitExit(null, KillReason.OutputCap, "/out holds more than 10 entries"), Limits, "its warm container was killed");

        Assert.Equal((ContainerOutcome.OutputTooLarge, false), (verdict.Outcome, verdict.Retryable));
        Assert.Equal("/out holds more than 10 entries; its warm container was killed", verdict.Reason);
    }

    [Fact]
    public void Killed_NotKilled_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OutcomeJudge.Killed(UnitExit.Exited(0), Limits, "killed"));
    }

    [Fact]
    public void OutOfMemory_AnyExit_RetryableNamingTheLimit()
    {
        var verdict = OutcomeJudge.OutOfMemory(137, Limits);

        Assert.Equal((ContainerOutcome.OutOfMemory, 137, true), (verdict.Outcome, verdict.ExitCode, verdict.Retryable));
        Assert.Equal($"killed by the OOM killer at the memory limit of {64L << 20} bytes (exit 137)", verdict.Reason);
    }
}
