using Boid.Containers.Outcomes;
using Boid.Containers.Staging;

namespace Boid.Containers.Engine;

/// <summary>
/// Watches a running unit for the runner's limits: the wall-clock timeout and, when the output cap is polled rather than
/// enforced by a tmpfs, the size of <c>/out</c>. <see cref="Token"/> fires on either, and on the caller's cancellation;
/// after a wait cancelled by it, <see cref="LimitReached"/> tells the runner's limits (then <see cref="KillAsync"/>) from
/// the caller's token (the session's business). Fresh waits and warm execs are watched alike.
/// </summary>
internal sealed class RunWatch : IAsyncDisposable
{
    private readonly DockerEngine _engine;
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _cap = new();
    private readonly CancellationTokenSource _linked;
    private readonly Task _poller;
    private string? _capReason;

    public RunWatch(DockerEngine engine, OutputArea area, TimeSpan timeout, CancellationToken caller)
    {
        _engine = engine;
        _caller = caller;
        _timeout = new CancellationTokenSource(timeout, engine.Time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timeout.Token, _cap.Token);
        _poller = area.IsTmpfs ? Task.CompletedTask : PollOutputAsync(area, _linked.Token);
    }

    /// <summary>Cancels the wait: a limit was reached or the caller cancelled.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>True when the runner's own limit fired, not the caller's token.</summary>
    public bool LimitReached => _linked.IsCancellationRequested && !_caller.IsCancellationRequested;

    /// <summary>Kills the container at the limit reached and says which.</summary>
    public async Task<UnitExit> KillAsync(string container)
    {
        var reason = _capReason is not null ? KillReason.OutputCap : KillReason.Timeout;
        Log.KillingContainer(_engine.Logger, container, _capReason ?? "timeout");
        await _engine.KillAndWaitAsync(container, _caller).ConfigureAwait(false);
        return new UnitExit(null, reason, _capReason);
    }

    public async ValueTask DisposeAsync()
    {
        await _linked.CancelAsync().ConfigureAwait(false);
        await _poller.ConfigureAwait(false);
        _linked.Dispose();
        _cap.Dispose();
        _timeout.Dispose();
    }

    private async Task PollOutputAsync(OutputArea area, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_engine.Options.OutputPollInterval, _engine.Time, cancellationToken).ConfigureAwait(false);
                if (area.CheckCapWhileRunning() is { } reason)
                {
                    _capReason = reason;
                    await _cap.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The container exited or was killed.
        }
    }
}
