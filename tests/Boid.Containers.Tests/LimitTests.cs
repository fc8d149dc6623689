using System.Diagnostics;

namespace Boid.Containers.Tests;

public sealed class LimitTests : DockerTestBase, IDisposable
{
    private readonly DockerContainerRunner _sut;

    public LimitTests() => _sut = CreateSut();

    public void Dispose() => _sut.Dispose();

    [Fact]
    public async Task RunAsync_SleepsPastTimeout_TimedOutAndKilled()
    {
        var spec = Sh("echo started; sleep 600") with { Limits = new ContainerLimits { Timeout = TimeSpan.FromSeconds(1) } };
        var watch = Stopwatch.StartNew();

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.TimedOut, result.Outcome);
        Assert.True(result.Retryable);
        Assert.Null(result.ExitCode);
        Assert.Equal("started\n", result.StdoutTail);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the timed-out run took {watch.Elapsed}");
        Assert.InRange(result.RunTimeMicroseconds, 1_000_000, 10_000_000);
    }

    [Fact]
    public async Task RunAsync_IgnoresSigterm_StillTimedOutAndKilled()
    {
        var spec = Sh("trap '' TERM INT HUP; while :; do sleep 1; done") with { Limits = new ContainerLimits { Timeout = TimeSpan.FromSeconds(1) } };
        var watch = Stopwatch.StartNew();

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.TimedOut, result.Outcome);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the timed-out run took {watch.Elapsed}");
    }

    [Fact]
    public async Task RunAsync_ExceedsMemoryLimit_OutOfMemory()
    {
        var spec = Sh("head -c 300m /dev/zero | tail") with
        {
            Limits = new ContainerLimits { MemoryBytes = 64L * 1024 * 1024, Timeout = TimeSpan.FromSeconds(30) },
        };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.OutOfMemory, result.Outcome);
        Assert.True(result.Retryable);
        Assert.Contains("OOM", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ForkBomb_BoundedByPidsLimitAndCleanedUp()
    {
        var spec = Sh("b(){ b | b & }; b; sleep 600") with
        {
            Limits = new ContainerLimits { PidsLimit = 32, Timeout = TimeSpan.FromSeconds(3) },
        };
        var watch = Stopwatch.StartNew();

        var result = await _sut.RunAsync(spec);

        Assert.Contains(result.Outcome, new[] { ContainerOutcome.TimedOut, ContainerOutcome.NonZeroExit, ContainerOutcome.Succeeded });
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the fork bomb run took {watch.Elapsed}");
        await _sut.DrainAsync();
        Assert.Empty(await ListWorkerContainersAsync());
    }

    [Fact]
    public async Task RunAsync_SpawnsManyProcesses_CountStaysAtPidsLimit()
    {
        // The inner shell forks until the kernel refuses; the outer one reads the cgroup with builtins only.
        const string Script = """
            sh -c 'while :; do sleep 30 & done' 2>/dev/null
            read cur < /sys/fs/cgroup/pids/pids.current || read cur < /sys/fs/cgroup/pids.current
            read max < /sys/fs/cgroup/pids/pids.max || read max < /sys/fs/cgroup/pids.max
            echo "$cur $max"
            """;
        var spec = Sh(Script) with { Limits = new ContainerLimits { PidsLimit = 20, Timeout = TimeSpan.FromSeconds(30) } };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        var parts = result.StdoutTail.Trim().Split(' ');
        Assert.Equal("20", parts[1]);
        Assert.InRange(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), 10, 20);
    }

    [Fact]
    public async Task RunAsync_Limits_AppliedToCgroup()
    {
        const string Script = """
            read mem < /sys/fs/cgroup/memory/memory.limit_in_bytes || read mem < /sys/fs/cgroup/memory.max
            read quota < /sys/fs/cgroup/cpu/cpu.cfs_quota_us || read quota period < /sys/fs/cgroup/cpu.max
            echo "$mem $quota"
            """;
        var spec = Sh(Script) with
        {
            Limits = new ContainerLimits { MemoryBytes = 96L * 1024 * 1024, Cpus = 0.5, Timeout = TimeSpan.FromSeconds(30) },
        };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal($"{96L * 1024 * 1024} 50000", result.StdoutTail.Trim());
    }
}
