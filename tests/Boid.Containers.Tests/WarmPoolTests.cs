using System.Diagnostics;
using System.Security.Cryptography;
using Boid.Containers.Staging;
using Boid.Containers.Warm;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Containers.Tests;

/// <summary>The warm pool's bookkeeping on a fake clock; its containers are never started (no Docker).</summary>
public sealed class WarmPoolTests : IDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(16);
    private static readonly WarmKey JobOne = Key("job-1");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "boid-warm-pool-tests", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
    private readonly FakeTimeProvider _time = new();
    private readonly List<(WarmContainer Warm, string Reason)> _expired = [];
    private readonly WarmPool _sut;

    public WarmPoolTests() => _sut = new WarmPool(_time, IdleTimeout, (warm, reason) =>
    {
        lock (_expired)
        {
            _expired.Add((warm, reason));
        }
    });

    public void Dispose()
    {
        _sut.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Take_TwoReturned_MostRecentlyUsedFirstAndUnitsCounted()
    {
        var older = Container(JobOne);
        var newer = Container(JobOne);
        _sut.Return(older);
        _sut.Return(newer);

        Assert.Same(newer, _sut.Take(JobOne));
        Assert.Same(older, _sut.Take(JobOne));
        Assert.Null(_sut.Take(JobOne));
        Assert.Equal((1, 1), (older.Units, newer.Units));
    }

    [Fact]
    public void Take_AnotherKey_NeverGetsTheContainer()
    {
        _sut.Return(Container(JobOne));

        Assert.Null(_sut.Take(Key("job-2")));
        Assert.Null(_sut.Take(JobOne with { MemoryBytes = JobOne.MemoryBytes * 2 }));
        Assert.Equal(1, _sut.IdleCount);
    }

    [Fact]
    public void TakeAll_OneJob_TakesOnlyThatJobs()
    {
        var other = Container(Key("job-2"));
        _sut.Return(Container(JobOne));
        _sut.Return(Container(JobOne));
        _sut.Return(other);

        var taken = _sut.TakeAll(warm => warm.Key.JobId == "job-1");

        Assert.Equal(2, taken.Count);
        Assert.Equal(1, _sut.IdleCount);
        Assert.Same(other, _sut.Take(other.Key));
    }

    [Fact]
    public async Task StartExpiry_IdleLongerThanTheTimeout_ExpiredAsIdleAndTheFresherKept()
    {
        var stale = Container(JobOne);
        _sut.Return(stale);
        _sut.StartExpiry();
        _time.Advance(IdleTimeout * 3 / 4);
        var fresher = Container(JobOne);
        _sut.Return(fresher);

        await AdvanceUntilExpiredAsync();

        Assert.Equal([(stale, "idle")], Expired);
        Assert.InRange(_time.GetUtcNow() - _time.Start, IdleTimeout, IdleTimeout * 7 / 4);
        Assert.Same(fresher, _sut.Take(JobOne));
    }

    private List<(WarmContainer Warm, string Reason)> Expired
    {
        get
        {
            lock (_expired)
            {
                return [.. _expired];
            }
        }
    }

    private static WarmKey Key(string job) => new("w", job, "boid/busybox:1", 1, 64L << 20, 32, 1 << 20, 1 << 20, AllowNetwork: false);

    private WarmContainer Container(WarmKey key)
    {
        var runId = "warm-" + StagingAreas.NewRunId();
        return new WarmContainer(key, "boid-" + runId, OutputArea.Create(_root, key.WorkerId, runId, 4096, 1, 65534, 65534, useTmpfs: false), "/nonexistent.in");
    }

    /// <summary>
    /// Moves the clock a sixteenth of the timeout at a time until something expired. The expiry's timer runs on a pool
    /// thread, so each step waits a little for it: the fresher container is 12 steps from its own timeout.
    /// </summary>
    private async Task AdvanceUntilExpiredAsync()
    {
        var watch = Stopwatch.StartNew();
        while (Expired.Count == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "nothing expired within 10 s of real time");
            _time.Advance(IdleTimeout / 16);
            await Task.Delay(50);
        }
    }
}
