using System.Diagnostics;
using Boid.Containers.Outcomes;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Containers.Tests;

/// <summary>How often the runner looks for the Engine's OOM flag after an exit, on a fake clock.</summary>
public sealed class OomLooksTests
{
    private readonly TimerCountingTimeProvider _time = new();
    private int _looks;

    [Fact]
    public async Task OomKilledAsync_ExitZero_NeverLooks()
    {
        Assert.False(await OomLooks.OomKilledAsync(0, Look(flagAt: 1), _time, CancellationToken.None));
        Assert.Equal(0, _looks);
    }

    [Fact]
    public async Task OomKilledAsync_OtherNonZeroExitWithoutFlag_LooksOnce()
    {
        Assert.False(await OomLooks.OomKilledAsync(139, Look(flagAt: 2), _time, CancellationToken.None));
        Assert.Equal(1, _looks);
    }

    [Fact]
    public async Task OomKilledAsync_SigKillFlagOnTheThirdLook_TrueAfterTwoIntervals()
    {
        var sut = OomLooks.OomKilledAsync(137, Look(flagAt: 3), _time, CancellationToken.None);
        await AdvanceUntilAsync(sut);

        Assert.True(await sut);
        Assert.Equal(3, _looks);
        Assert.Equal(2 * OomLooks.Interval, _time.GetUtcNow() - _time.Start);
    }

    [Fact]
    public async Task OomKilledAsync_SigKillNeverFlagged_FalseAfterOneLookAndThreeMore()
    {
        var sut = OomLooks.OomKilledAsync(137, Look(flagAt: int.MaxValue), _time, CancellationToken.None);
        await AdvanceUntilAsync(sut);

        Assert.False(await sut);
        Assert.Equal(1 + OomLooks.MoreLooks, _looks);
    }

    private Func<CancellationToken, Task<bool>> Look(int flagAt) => _ => Task.FromResult(++_looks >= flagAt);

    /// <summary>Moves the fake clock one interval each time the looks wait on it, until they end.</summary>
    private async Task AdvanceUntilAsync(Task sut)
    {
        var watch = Stopwatch.StartNew();
        var advanced = 0;
        while (!sut.IsCompleted)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the looks did not end within 10 s of real time");
            if (_time.Timers > advanced)
            {
                advanced++;
                _time.Advance(OomLooks.Interval);
            }
            else
            {
                await Task.Delay(1);
            }
        }
    }

    /// <summary>A fake clock that counts the timers made on it: a delay waits on one.</summary>
    private sealed class TimerCountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
