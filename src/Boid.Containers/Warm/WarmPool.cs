namespace Boid.Containers.Warm;

/// <summary>
/// The idle warm containers, per <see cref="WarmKey"/> (worker, job, image, limits, sandbox). A container taken from the pool
/// belongs to one unit until it is returned clean or removed. The most recently used goes first, so that when a job needs
/// fewer containers the others go idle and expire: those idle for longer than the idle timeout are handed to
/// <c>expire</c>, which removes them off every unit's path.
/// </summary>
internal sealed class WarmPool(TimeProvider time, TimeSpan idleTimeout, Action<WarmContainer, string> expire) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<WarmKey, List<WarmContainer>> _idle = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _expiry;

    /// <summary>Warm containers alive and idle right now.</summary>
    public int IdleCount
    {
        get
        {
            lock (_lock)
            {
                return _idle.Values.Sum(list => list.Count);
            }
        }
    }

    /// <summary>The most recently used idle container of <paramref name="key"/>, or null.</summary>
    public WarmContainer? Take(WarmKey key)
    {
        lock (_lock)
        {
            if (!_idle.TryGetValue(key, out var list) || list.Count == 0)
            {
                return null;
            }

            var warm = list[^1];
            list.RemoveAt(list.Count - 1);
            return warm;
        }
    }

    /// <summary>Takes every idle container that matches (to retire a job, to drain, to expire).</summary>
    public List<WarmContainer> TakeAll(Func<WarmContainer, bool> predicate)
    {
        var taken = new List<WarmContainer>();
        lock (_lock)
        {
            foreach (var list in _idle.Values)
            {
                taken.AddRange(list.Where(predicate));
                list.RemoveAll(warm => taken.Contains(warm));
            }
        }

        return taken;
    }

    /// <summary>Puts a container that served a unit and was shown clean back in the pool.</summary>
    public void Return(WarmContainer warm)
    {
        warm.Units++;
        warm.IdleSince = time.GetTimestamp();
        lock (_lock)
        {
            if (!_idle.TryGetValue(warm.Key, out var list))
            {
                _idle[warm.Key] = list = [];
            }

            list.Add(warm);
        }
    }

    /// <summary>Starts the expiry of idle containers, once (when the first warm container starts).</summary>
    public void StartExpiry()
    {
        lock (_lock)
        {
            _expiry ??= Task.Run(() => ExpireIdleAsync(_stop.Token));
        }
    }

    /// <summary>Stops the expiry; idle containers stay in the pool (drain them first).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task ExpireIdleAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Max(idleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var warm in TakeAll(w => time.GetElapsedTime(w.IdleSince) >= idleTimeout))
                {
                    expire(warm, "idle");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
