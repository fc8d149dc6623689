using System.Diagnostics;
using Boid.Containers.Staging;
using Docker.DotNet.Models;
using Xunit.Abstractions;

namespace Boid.Containers.Tests;

public sealed class LifecycleTests : DockerTestBase, IDisposable
{
    private readonly DockerContainerRunner _sut;
    private readonly ITestOutputHelper _output;

    public LifecycleTests(ITestOutputHelper output)
    {
        _output = output;
        _sut = CreateSut();
    }

    public void Dispose() => _sut.Dispose();

    [Fact]
    public async Task RunAsync_Cancelled_CancelledKilledAndRemoved()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();

        var result = await _sut.RunAsync(Sh("sleep 600"), cancellation.Token);

        Assert.Equal(ContainerOutcome.Cancelled, result.Outcome);
        Assert.True(result.Retryable);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the cancelled run took {watch.Elapsed}");
        Assert.Empty(await ListWorkerContainersAsync());
    }

    [Fact]
    public async Task RunAsync_AlreadyCancelled_CancelledWithoutContainer()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await _sut.RunAsync(Sh("true"), cancellation.Token);

        Assert.Equal(ContainerOutcome.Cancelled, result.Outcome);
        Assert.Null(result.ContainerId);
    }

    [Fact]
    public async Task RemoveLeftoversAsync_LabelledContainers_RemovesThemAndCountsThem()
    {
        var running = await CreateLabelledContainerAsync(WorkerId, start: true);
        var created = await CreateLabelledContainerAsync(WorkerId, start: false);
        var other = await CreateLabelledContainerAsync(WorkerId + "-other", start: false);
        try
        {
            var removed = await _sut.RemoveLeftoversAsync(WorkerId);

            Assert.Equal(2, removed);
            Assert.Empty(await ListWorkerContainersAsync());
            var survivors = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
            Assert.Contains(survivors, c => c.ID == other);
            Assert.DoesNotContain(survivors, c => c.ID == running || c.ID == created);
        }
        finally
        {
            await Docker.Containers.RemoveContainerAsync(other, new ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task RemoveLeftoversAsync_NothingLeft_ReturnsZero()
    {
        Assert.Equal(0, await _sut.RemoveLeftoversAsync(WorkerId));
    }

    [Fact]
    public async Task RemoveLeftoversAsync_StaleTmpfsStagingArea_UnmountsAndDeletesIt()
    {
        var area = OutputArea.Create(Options.StagingDirectory, WorkerId, "stale", 1 << 20, 10, 65534, 65534, useTmpfs: true);
        await File.WriteAllTextAsync(Path.Combine(area.Path, "f"), "x");

        await _sut.RemoveLeftoversAsync(WorkerId);

        Assert.False(Directory.Exists(area.Path));
        Assert.DoesNotContain(area.Path, await File.ReadAllTextAsync("/proc/mounts"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TrivialCommandRepeated_PerContainerCostReported()
    {
        const int Runs = 8;
        await _sut.RunAsync(Spec("true"));
        var watch = Stopwatch.StartNew();
        var phases = new List<ContainerPhaseTimings>();
        for (var i = 0; i < Runs; i++)
        {
            var result = await _sut.RunAsync(Spec("true"));
            Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
            phases.Add(result.Timings);
        }

        var perContainer = watch.Elapsed / Runs;
        static string Ms(IEnumerable<TimeSpan> values) => $"{values.Average(v => v.TotalMilliseconds):0.0} ms";
        _output.WriteLine($"per container {perContainer.TotalMilliseconds:0} ms; prepare {Ms(phases.Select(p => p.Prepare))}, "
            + $"create {Ms(phases.Select(p => p.Create))}, start {Ms(phases.Select(p => p.Start))}, wait {Ms(phases.Select(p => p.Wait))}, "
            + $"logs {Ms(phases.Select(p => p.Logs))}, collect {Ms(phases.Select(p => p.Collect))}, remove {Ms(phases.Select(p => p.Remove))}");
        Assert.True(perContainer < TimeSpan.FromSeconds(3), $"a trivial container took {perContainer} on average");
    }

    private static async Task<string> CreateLabelledContainerAsync(string workerId, bool start)
    {
        var response = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = Image,
            Cmd = ["sleep", "600"],
            Labels = new Dictionary<string, string> { ["boid.worker"] = workerId, ["boid.unit"] = "leftover" },
            NetworkDisabled = true,
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        if (start)
        {
            await Docker.Containers.StartContainerAsync(response.ID, new ContainerStartParameters());
        }

        return response.ID;
    }
}
