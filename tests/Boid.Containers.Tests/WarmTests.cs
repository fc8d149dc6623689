using System.Diagnostics;
using Docker.DotNet;

namespace Boid.Containers.Tests;

/// <summary>Warm mode against a real engine: one container serves a job's units, each as clean as in a fresh container.</summary>
public sealed class WarmTests : DockerTestBase, IDisposable
{
    private const string NoSleepImage = "boid/test-nosleep:1";
    private readonly DockerContainerRunner _sut;

    public WarmTests() => _sut = CreateSut();

    public void Dispose() => _sut.Dispose();

    [Fact]
    public async Task RunAsync_UnitsOfOneJob_ShareOneContainerAndEachSeesCleanScratch()
    {
        // Each unit checks that /out, /tmp, /dev/shm and /dev/mqueue are empty, then leaves something in each.
        const string Script = """
            left=$(ls -A /out /tmp /dev/shm /dev/mqueue 2>/dev/null | grep -v ':$' | grep -v '^$')
            [ -z "$left" ] || { echo "left: $left" >&2; exit 9; }
            echo "unit $UNIT" > /out/result.txt
            mkdir -p /out/sub /tmp/deep/er && echo x > /out/sub/f && echo x > /tmp/deep/er/f && echo x > /tmp/.hidden && echo x > /dev/shm/seg
            """;
        var ids = new List<string?>();
        for (var unit = 0; unit < 4; unit++)
        {
            var spec = Warm(Sh(Script)) with { Environment = new Dictionary<string, string> { ["UNIT"] = unit.ToString(System.Globalization.CultureInfo.InvariantCulture) } };

            var result = await _sut.RunAsync(spec);

            Assert.True(result.Outcome == ContainerOutcome.Succeeded, $"unit {unit}: {result.Outcome} {result.Reason} {result.StderrTail}");
            Assert.Equal($"unit {unit}\n", await File.ReadAllTextAsync(Path.Combine(spec.OutputDirectory, "result.txt")));
            Assert.Equal(["result.txt", "sub/f"], result.Outputs.Select(o => o.RelativePath));
            ids.Add(result.ContainerId);
        }

        Assert.Single(ids.Distinct());
        Assert.Single(await ListWorkerContainersAsync());
        Assert.Equal(1, _sut.IdleWarmContainers);
    }

    [Fact]
    public async Task RunAsync_UnitTimesOut_ContainerKilledAndNextUnitRunsInANewOne()
    {
        var first = await _sut.RunAsync(Warm(Sh("echo before; sleep 600")) with { Limits = new ContainerLimits { Timeout = TimeSpan.FromSeconds(1) } });
        var second = await _sut.RunAsync(Warm(Sh("echo after")));
        await _sut.DrainAsync();

        Assert.Equal(ContainerOutcome.TimedOut, first.Outcome);
        Assert.True(first.Retryable);
        Assert.Equal("before\n", first.StdoutTail);
        Assert.Equal(ContainerOutcome.Succeeded, second.Outcome);
        Assert.Equal("after\n", second.StdoutTail);
        Assert.NotNull(first.ContainerId);
        Assert.NotEqual(first.ContainerId, second.ContainerId);
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => Docker.Containers.InspectContainerAsync(first.ContainerId));
    }

    [Fact]
    public async Task RunAsync_UnitExitsNonZero_ReportedForThatUnitOnlyAndContainerKept()
    {
        var failed = await _sut.RunAsync(Warm(Sh("echo oops >&2; exit 3")));
        var next = await _sut.RunAsync(Warm(Sh("echo fine")));

        Assert.Equal(ContainerOutcome.NonZeroExit, failed.Outcome);
        Assert.Equal(3, failed.ExitCode);
        Assert.Equal("oops\n", failed.StderrTail);
        Assert.Equal(ContainerOutcome.Succeeded, next.Outcome);
        Assert.Equal(0, next.ExitCode);
        Assert.Equal("fine\n", next.StdoutTail);
        Assert.Equal("", next.StderrTail);
        Assert.Equal(failed.ContainerId, next.ContainerId);
    }

    [Fact]
    public async Task RunAsync_SandboxAsSeenByTheUnit_SameAsFreshContainer()
    {
        // What the process can see of its sandbox: identity, capabilities, network, mounts and cgroup limits.
        const string Probe = """
            grep -E '^(Uid|Gid|CapEff|CapBnd|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status
            ls /sys/class/net
            grep -E ' (/|/tmp|/out|/in|/dev/shm) ' /proc/mounts | awk '{ split($4, o, ","); print $2, $3, o[1] }' | sort
            cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes 2>/dev/null
            cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null
            touch /bin/x 2>&1 | sed 's/^.*: //'
            id
            """;
        var limits = new ContainerLimits { Cpus = 0.5, MemoryBytes = 96L << 20, PidsLimit = 40, Timeout = TimeSpan.FromSeconds(30) };
        var input = NewDirectory();
        Directory.CreateDirectory(input);

        var fresh = await _sut.RunAsync(Sh(Probe) with { Limits = limits, InputDirectory = input });
        var warm = await _sut.RunAsync(Warm(Sh(Probe)) with { Limits = limits, InputDirectory = input });

        Assert.Equal(ContainerOutcome.Succeeded, fresh.Outcome);
        Assert.Equal(ContainerOutcome.Succeeded, warm.Outcome);
        Assert.Contains("CapEff:\t0000000000000000", warm.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivs:\t1", warm.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", warm.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("uid=65534", warm.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("40\n", warm.StdoutTail, StringComparison.Ordinal);
        Assert.Equal(fresh.StdoutTail, warm.StdoutTail);

        var inspected = await Docker.Containers.InspectContainerAsync(warm.ContainerId);
        var host = inspected.HostConfig;
        Assert.Equal(("none", true, true), (host.NetworkMode, host.ReadonlyRootfs, inspected.Config.NetworkDisabled));
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal(["no-new-privileges"], host.SecurityOpt);
        Assert.Equal((40L, 96L << 20, 96L << 20, 500_000_000L), (host.PidsLimit ?? 0, host.Memory, host.MemorySwap, host.NanoCPUs));
        Assert.Equal("job-1", inspected.Config.Labels["boid.job"]);
        Assert.Equal("1", inspected.Config.Labels[DockerContainerRunner.WarmLabel]);
    }

    [Fact]
    public async Task RunAsync_UnitLeavesAProcessBehind_ContainerReplacedAndNextUnitSeesNoProcess()
    {
        var first = await _sut.RunAsync(Warm(Sh("sleep 300 >/dev/null 2>&1 & echo started")));
        var second = await _sut.RunAsync(Warm(Sh("ps -o comm | grep -c sleep")));

        Assert.Equal(ContainerOutcome.Succeeded, first.Outcome);
        Assert.Equal(ContainerOutcome.Succeeded, second.Outcome);
        Assert.NotEqual(first.ContainerId, second.ContainerId);
        Assert.Equal("1\n", second.StdoutTail); // the keep-alive only
    }

    [Fact]
    public async Task RunAsync_UnitLinksToTheHostFromTmp_CleaningDoesNotFollowTheLink()
    {
        var host = NewDirectory();
        Directory.CreateDirectory(Path.Combine(host, "inner"));
        var canary = Path.Combine(host, "inner", "canary");
        await File.WriteAllTextAsync(canary, "alive");

        var first = await _sut.RunAsync(Warm(Sh($"ln -s {host} /tmp/link && mkdir /tmp/d && ln -s {host}/inner /tmp/d/link && ln -s {host} /out/link; true")));
        var second = await _sut.RunAsync(Warm(Sh("ls -A /tmp /out | grep -v ':$' | grep -v '^$' | wc -l")));

        Assert.Equal(ContainerOutcome.UnsafeOutput, first.Outcome);
        Assert.Equal(ContainerOutcome.Succeeded, second.Outcome);
        Assert.Equal("0", second.StdoutTail.Trim());
        Assert.Equal("alive", await File.ReadAllTextAsync(canary));
    }

    [Fact]
    public async Task RunAsync_UnitsWithDifferentInputs_EachSeesOnlyItsOwn()
    {
        var a = NewDirectory();
        Directory.CreateDirectory(Path.Combine(a, "sub"));
        await File.WriteAllTextAsync(Path.Combine(a, "sub", "a.txt"), "A");
        var b = NewDirectory();
        Directory.CreateDirectory(b);
        await File.WriteAllTextAsync(Path.Combine(b, "b.txt"), "B");

        var first = await _sut.RunAsync(Warm(Sh("find /in -type f | sort; cat /in/sub/a.txt")) with { InputDirectory = a });
        var second = await _sut.RunAsync(Warm(Sh("find /in -type f | sort; cat /in/b.txt; touch /in/x 2>/dev/null || echo read-only")) with { InputDirectory = b });
        var third = await _sut.RunAsync(Warm(Sh("find /in -type f | wc -l")));

        Assert.Equal("/in/sub/a.txt\nA", first.StdoutTail);
        Assert.Equal("/in/b.txt\nBread-only\n", second.StdoutTail);
        Assert.Equal("0\n", third.StdoutTail);
        Assert.Single(new[] { first.ContainerId, second.ContainerId, third.ContainerId }.Distinct());
        Assert.True(File.Exists(Path.Combine(a, "sub", "a.txt")), "the unit's staged input must survive the cleaning of /in");
    }

    [Fact]
    public async Task RunAsync_TwoJobs_NeverShareAContainer()
    {
        var one = await _sut.RunAsync(Warm(Sh("true")));
        var other = await _sut.RunAsync(Warm(Sh("true"), "job-2"));

        Assert.NotEqual(one.ContainerId, other.ContainerId);
        Assert.Equal(2, _sut.IdleWarmContainers);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ContainerKilledBeforeReturn()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var result = await _sut.RunAsync(Warm(Sh("sleep 600")), cancellation.Token);

        Assert.Equal(ContainerOutcome.Cancelled, result.Outcome);
        Assert.Empty(await ListWorkerContainersAsync());
    }

    [Fact]
    public async Task RetireJobAsync_IdleContainersOfTheJob_RemovedOthersKept()
    {
        var one = await _sut.RunAsync(Warm(Sh("true")));
        var other = await _sut.RunAsync(Warm(Sh("true"), "job-2"));

        await _sut.RetireJobAsync("job-1");

        var left = await ListWorkerContainersAsync();
        Assert.DoesNotContain(left, id => id == one.ContainerId);
        Assert.Contains(left, id => id == other.ContainerId);
    }

    [Fact]
    public async Task RunAsync_IdleLongerThanTheTimeout_ContainerRemoved()
    {
        Options.WarmIdleTimeout = TimeSpan.FromMilliseconds(300);
        using var sut = CreateSut();

        var result = await sut.RunAsync(Warm(Sh("true")));
        Assert.Single(await ListWorkerContainersAsync());
        var watch = Stopwatch.StartNew();
        while ((await ListWorkerContainersAsync()).Count > 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Empty(await ListWorkerContainersAsync());
        Assert.Equal(0, sut.IdleWarmContainers);
    }

    [Fact]
    public async Task RunAsync_ImageWithoutSleep_StartFailedNamingImageAndKeepAlive()
    {
        await BuildNoSleepImageAsync();

        var result = await _sut.RunAsync(Warm(Sh("true")) with { Image = NoSleepImage });

        Assert.Equal(ContainerOutcome.StartFailed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains($"image {NoSleepImage} has no keep-alive program `sleep", result.Reason, StringComparison.Ordinal);
        Assert.Empty(await ListWorkerContainersAsync());
    }

    [Fact]
    public async Task RunAsync_WarmAsRoot_Refused()
    {
        var spec = Warm(Sh("true")) with { Sandbox = new SandboxPolicy { RunAsRoot = true } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _sut.RunAsync(spec));

        Assert.Contains("Warm mode needs the full sandbox", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ManyUnits_FasterThanFreshContainers()
    {
        // Not a benchmark: a guard that warm mode does what it is for (here ~10× fewer engine round trips per unit).
        var fresh = Stopwatch.StartNew();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(ContainerOutcome.Succeeded, (await _sut.RunAsync(Sh("true"))).Outcome);
        }

        fresh.Stop();
        await _sut.RunAsync(Warm(Sh("true")));
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(ContainerOutcome.Succeeded, (await _sut.RunAsync(Warm(Sh("true")))).Outcome);
        }

        warm.Stop();
        Assert.True(warm.Elapsed * 2 < fresh.Elapsed, $"8 warm units took {warm.ElapsedMilliseconds} ms, 8 fresh ones {fresh.ElapsedMilliseconds} ms");
    }

    private static ContainerRunSpec Warm(ContainerRunSpec spec, string job = "job-1") => spec with
    {
        Mode = ContainerMode.Warm,
        Labels = new Dictionary<string, string>(spec.Labels) { ["boid.job"] = job },
    };

    private static async Task BuildNoSleepImageAsync()
    {
        var info = new ProcessStartInfo("docker", ["build", "-q", "-t", NoSleepImage, "-"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var build = Process.Start(info)!;
        await build.StandardInput.WriteAsync($"FROM {Image}\nUSER 0\nRUN rm /bin/sleep\nUSER 65534:65534\n");
        build.StandardInput.Close();
        var error = await build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        Assert.True(build.ExitCode == 0, $"docker build of {NoSleepImage} failed: {error}");
    }
}
