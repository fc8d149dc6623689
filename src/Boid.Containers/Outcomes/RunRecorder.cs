using Boid.Containers.Staging;
using Microsoft.Extensions.Logging;

namespace Boid.Containers.Outcomes;

/// <summary>
/// The record of one run, fresh or warm, and the one place that turns what happened into a <see cref="ContainerRunResult"/>:
/// sessions report phases, the exit (or a kill, a cancellation, an Engine failure), and the recorder judges it
/// (<see cref="OutcomeJudge"/>), collects a success's outputs and builds the result with its timings and log tails.
/// Invariant: the caller's output directory holds the outputs of a <see cref="ContainerOutcome.Succeeded"/> result and
/// nothing otherwise (<see cref="DiscardPartialOutputs"/> runs in every session's finally).
/// </summary>
internal sealed class RunRecorder
{
    private readonly ContainerRunSpec _spec;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _endpoint;
    private long _lastLap;
    private long? _runStart;
    private long? _runEnd;
    private bool _copyStarted;
    private IReadOnlyList<OutputFile> _outputs = [];

    public RunRecorder(ContainerRunSpec spec, TimeProvider time, ILogger logger, Uri endpoint)
    {
        _spec = spec;
        _time = time;
        _logger = logger;
        _endpoint = endpoint;
        _lastLap = time.GetTimestamp();
        Tails = new LogTails(spec.Limits.LogTailBytes);
    }

    public LogTails Tails { get; }

    public ContainerPhaseTimings Timings { get; private set; } = new();

    /// <summary>Null until something decided how the run ends.</summary>
    public Verdict? Verdict { get; private set; }

    /// <summary>Docker's id of the container serving the run, once there is one.</summary>
    public string? ContainerId { get; set; }

    /// <summary>Ends <paramref name="phase"/> now: its time is what passed since the previous lap.</summary>
    public void Lap(RunPhase phase)
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastLap, now);
        _lastLap = now;
        Timings = phase switch
        {
            RunPhase.Prepare => Timings with { Prepare = elapsed },
            RunPhase.Create => Timings with { Create = elapsed },
            RunPhase.Start => Timings with { Start = elapsed },
            RunPhase.Wait => Timings with { Wait = elapsed },
            RunPhase.Logs => Timings with { Logs = elapsed },
            RunPhase.Collect => Timings with { Collect = elapsed },
            _ => Timings with { Remove = elapsed },
        };
    }

    /// <summary>The start request is about to go out: the unit's run time starts.</summary>
    public void RunStarted() => _runStart = _time.GetTimestamp();

    /// <summary>The exit (or the kill) was observed.</summary>
    public void RunEnded() => _runEnd = _time.GetTimestamp();

    /// <summary>Ends the run with a verdict found outside the judge (a staging failure, a warm container that would not start).</summary>
    public void Decide(Verdict verdict) => Verdict = verdict;

    /// <summary>
    /// Judges the unit's exit: a kill at a limit, else the OOM flag (<paramref name="oomFlag"/>: one inspect, repeated
    /// as <see cref="OomLooks"/> says), else the scan of <paramref name="area"/> and the exit code.
    /// </summary>
    public async Task JudgeAsync(UnitExit exit, OutputArea area, Func<CancellationToken, Task<bool>> oomFlag, string killed, CancellationToken cancellationToken)
    {
        if (exit.Kill != KillReason.None)
        {
            Verdict = OutcomeJudge.Killed(exit, _spec.Limits, killed);
            return;
        }

        var code = exit.ExitCode ?? -1;
        Verdict = await OomLooks.OomKilledAsync(code, oomFlag, _time, cancellationToken).ConfigureAwait(false)
            ? OutcomeJudge.OutOfMemory(code, _spec.Limits)
            : OutcomeJudge.Exited(code, area.Scan());
    }

    /// <summary>Copies a success's outputs to the caller's directory; a copy that fails makes the attempt a retryable failure.</summary>
    public async Task CollectAsync(CancellationToken cancellationToken)
    {
        if (Verdict is { Outcome: ContainerOutcome.Succeeded, Files: { } files })
        {
            _copyStarted = true;
            try
            {
                _outputs = await OutputArea.CopyAsync(files, _spec.OutputDirectory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Verdict = OutcomeJudge.CopyFailed(_spec.OutputDirectory, ex);
            }
        }

        Lap(RunPhase.Collect);
    }

    /// <summary>The caller's token fired; <paramref name="killed"/> says what became of the container.</summary>
    public void Cancelled(string killed) => Verdict = OutcomeJudge.Cancelled(killed);

    /// <summary>
    /// The Engine or the host failed (<see cref="EngineFailure.Covers"/>): a missing image before any container existed,
    /// else a start failure naming what the Engine <paramref name="refused"/>; logged against <paramref name="container"/>.
    /// </summary>
    public void Failed(Exception exception, string refused, string container, bool created)
    {
        if (EngineFailure.IsImageMissing(exception, created))
        {
            Log.ImageMissing(_logger, _spec.Image);
            Verdict = OutcomeJudge.ImageMissing(_spec.Image);
            return;
        }

        Verdict = EngineFailure.StartFailed(exception, refused, _endpoint);
        Log.StartFailed(_logger, container, Verdict.Reason, exception);
    }

    /// <summary>Partial copies must not look like results: the directory was empty before the run.</summary>
    public void DiscardPartialOutputs()
    {
        if (_copyStarted && Verdict?.Outcome != ContainerOutcome.Succeeded)
        {
            _outputs = [];
            OutputDirectory.Clear(_spec.OutputDirectory);
        }
    }

    public ContainerRunResult Result()
    {
        var verdict = Verdict ?? new Verdict(ContainerOutcome.StartFailed, null, "no verdict", Retryable: true);
        var runTime = _runStart is { } start ? _time.GetElapsedTime(start, _runEnd ?? _time.GetTimestamp()) : TimeSpan.Zero;
        Log.ContainerFinished(_logger, ContainerId, verdict.Outcome, verdict.ExitCode, (long)runTime.TotalMilliseconds, verdict.Reason);
        return new ContainerRunResult
        {
            Outcome = verdict.Outcome,
            ExitCode = verdict.ExitCode,
            Reason = verdict.Reason,
            Retryable = verdict.Retryable,
            RunTimeMicroseconds = runTime.Ticks / (TimeSpan.TicksPerMillisecond / 1000),
            StdoutTail = Tails.Stdout.ToString(),
            StderrTail = Tails.Stderr.ToString(),
            Outputs = _outputs,
            ContainerId = ContainerId,
            Timings = Timings,
        };
    }
}
