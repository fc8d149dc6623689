using System.Net;
using System.Security.Cryptography;
using Boid.Containers.Outcomes;
using Boid.Containers.Staging;
using Docker.DotNet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Containers.Tests;

/// <summary>The recorder that fresh and warm sessions share, without Docker: outcomes in, results out.</summary>
public sealed class RunRecorderTests : IDisposable
{
    private static readonly Uri Endpoint = new("unix:///var/run/docker.sock");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "boid-recorder-tests", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
    private readonly FakeTimeProvider _time = new();
    private readonly ContainerRunSpec _spec;
    private readonly RunRecorder _sut;

    public RunRecorderTests()
    {
        _spec = new ContainerRunSpec
        {
            Image = "boid/busybox:1",
            Command = ["true"],
            OutputDirectory = Path.Combine(_root, "outputs"),
            Labels = new Dictionary<string, string> { ["boid.worker"] = "w" },
            Limits = new ContainerLimits { LogTailBytes = 4 },
        };
        Directory.CreateDirectory(_spec.OutputDirectory);
        _sut = new RunRecorder(_spec, _time, NullLogger.Instance, Endpoint);
    }

    public void Dispose()
    {
        Assert.Empty(OutputArea.RemoveWorkerLeftovers(_root, "w"));
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Result_ExitedAfterPhases_RunTimeAndTimingsFromTheClock()
    {
        _time.Advance(TimeSpan.FromMilliseconds(7));
        _sut.Lap(RunPhase.Prepare);
        _sut.RunStarted();
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        _sut.RunEnded();
        _sut.Lap(RunPhase.Wait);
        _time.Advance(TimeSpan.FromMilliseconds(3));
        _sut.Tails.Stdout.Append("hello"u8);

        await _sut.JudgeAsync(UnitExit.Exited(3), NewArea(), NeverOom, "killed", CancellationToken.None);
        _sut.Lap(RunPhase.Remove);
        var result = _sut.Result();

        Assert.Equal((ContainerOutcome.NonZeroExit, 3, false), (result.Outcome, result.ExitCode, result.Retryable));
        Assert.Equal(1_500_000, result.RunTimeMicroseconds);
        Assert.Equal((7.0, 1500.0, 3.0), (result.Timings.Prepare.TotalMilliseconds, result.Timings.Wait.TotalMilliseconds, result.Timings.Remove.TotalMilliseconds));
        Assert.Equal("ello", result.StdoutTail);
    }

    [Fact]
    public async Task JudgeAsync_NonZeroExitWithOomFlag_OutOfMemory()
    {
        await _sut.JudgeAsync(UnitExit.Exited(1), NewArea(), _ => Task.FromResult(true), "killed", CancellationToken.None);

        Assert.Equal(ContainerOutcome.OutOfMemory, _sut.Result().Outcome);
    }

    [Fact]
    public async Task CollectAsync_Succeeded_CopiesTheOutputs()
    {
        var area = NewArea();
        await File.WriteAllTextAsync(Path.Combine(area.Path, "a.txt"), "A");

        await _sut.JudgeAsync(UnitExit.Exited(0), area, NeverOom, "killed", CancellationToken.None);
        await _sut.CollectAsync(CancellationToken.None);
        _sut.DiscardPartialOutputs();
        var result = _sut.Result();

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal([new OutputFile("a.txt", 1)], result.Outputs);
        Assert.Equal("A", await File.ReadAllTextAsync(Path.Combine(_spec.OutputDirectory, "a.txt")));
    }

    [Fact]
    public async Task CollectAsync_CopyFailsHalfWay_RetryableStartFailedAndNothingLeft()
    {
        var area = NewArea();
        await File.WriteAllTextAsync(Path.Combine(area.Path, "a.txt"), "A");
        await File.WriteAllTextAsync(Path.Combine(area.Path, "b.txt"), "B");
        // b.txt cannot be created: a.txt is copied first, then the copy fails.
        await File.WriteAllTextAsync(Path.Combine(_spec.OutputDirectory, "b.txt"), "in the way");

        await _sut.JudgeAsync(UnitExit.Exited(0), area, NeverOom, "killed", CancellationToken.None);
        await _sut.CollectAsync(CancellationToken.None);
        _sut.DiscardPartialOutputs();
        var result = _sut.Result();

        Assert.Equal((ContainerOutcome.StartFailed, 0, true), (result.Outcome, result.ExitCode, result.Retryable));
        Assert.StartsWith($"exited with code 0 but the outputs could not be copied to {_spec.OutputDirectory}: ", result.Reason, StringComparison.Ordinal);
        Assert.Empty(result.Outputs);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_spec.OutputDirectory));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    public void Failed_EngineRefused_StartFailedWithTheEnginesMessage(HttpStatusCode status, bool retryable)
    {
        _sut.Failed(new DockerApiException(status, """{"message":"invalid mount\nconfig"}"""), "the container", "boid-x", created: false);

        var result = _sut.Result();
        Assert.Equal((ContainerOutcome.StartFailed, retryable), (result.Outcome, result.Retryable));
        Assert.Equal($"Docker Engine refused the container ({(int)status}): invalid mount config", result.Reason);
    }

    [Fact]
    public void Failed_HostFailed_RetryableStartFailedNamingTheEndpoint()
    {
        _sut.Failed(new HttpRequestException("connection refused"), "the container", "boid-x", created: true);

        var result = _sut.Result();
        Assert.Equal((ContainerOutcome.StartFailed, true), (result.Outcome, result.Retryable));
        Assert.Equal($"Docker Engine at {Endpoint} or the host failed: connection refused", result.Reason);
    }

    [Theory]
    [InlineData(false, ContainerOutcome.ImageMissing, false)]
    [InlineData(true, ContainerOutcome.StartFailed, true)]
    public void Failed_NoSuchImage_ImageMissingOnlyBeforeAContainerExists(bool created, ContainerOutcome outcome, bool retryable)
    {
        _sut.Failed(new DockerApiException(HttpStatusCode.NotFound, """{"message":"No such image: boid/busybox:1"}"""), "the container", "boid-x", created);

        var result = _sut.Result();
        Assert.Equal((outcome, retryable), (result.Outcome, result.Retryable));
        Assert.Contains("boid/busybox:1", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Result_NothingDecided_RetryableStartFailed()
    {
        var result = _sut.Result();

        Assert.Equal((ContainerOutcome.StartFailed, true, "no verdict", 0L), (result.Outcome, result.Retryable, result.Reason, result.RunTimeMicroseconds));
    }

    [Fact]
    public void Cancelled_AnyTime_RetryableCancelled()
    {
        _sut.Cancelled("container killed and removed");

        var result = _sut.Result();
        Assert.Equal((ContainerOutcome.Cancelled, true, "cancelled by the caller; container killed and removed"), (result.Outcome, result.Retryable, result.Reason));
    }

    private static Task<bool> NeverOom(CancellationToken cancellationToken) => Task.FromResult(false);

    private OutputArea NewArea() => OutputArea.Create(_root, "w", "run", 1 << 20, 100, 65534, 65534, useTmpfs: false);
}
