using Boid.Containers.Staging;

namespace Boid.Containers.Tests;

public sealed class OutputTests : DockerTestBase, IDisposable
{
    private readonly DockerContainerRunner _sut;

    public OutputTests() => _sut = CreateSut();

    public void Dispose() => _sut.Dispose();

    private ContainerRunSpec CappedSh(string script, long capBytes = 1024 * 1024) => Sh(script) with
    {
        Limits = new ContainerLimits { OutputCapBytes = capBytes, Timeout = TimeSpan.FromSeconds(30) },
    };

    [Fact]
    public void Constructor_AsRootOnLinux_EnforcesCapWithTmpfs()
    {
        Assert.Equal(OutputCapEnforcement.Tmpfs, _sut.OutputCapMode);
    }

    [Fact]
    public async Task RunAsync_OutputOverCap_OutputTooLargeAndNothingCollected()
    {
        var spec = CappedSh("head -c 2m /dev/zero > /out/big");

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.OutputTooLarge, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("head:", result.StderrTail, StringComparison.Ordinal);
        Assert.Empty(result.Outputs);
        Assert.Empty(Directory.EnumerateFileSystemEntries(spec.OutputDirectory));
    }

    [Fact]
    public async Task RunAsync_OutputOverCapButExitsZero_StillOutputTooLarge()
    {
        var result = await _sut.RunAsync(CappedSh("head -c 2m /dev/zero > /out/big; exit 0"));

        Assert.Equal(ContainerOutcome.OutputTooLarge, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_SparseFileOverCap_OutputTooLarge()
    {
        var result = await _sut.RunAsync(CappedSh("truncate -s 10737418240 /out/sparse"));

        Assert.Equal(ContainerOutcome.OutputTooLarge, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_TooManyFiles_OutputTooLarge()
    {
        Options.MaxOutputEntries = 50;
        using var sut = CreateSut();

        var result = await sut.RunAsync(CappedSh("i=0; while [ $i -lt 100 ]; do : > /out/f$i; i=$((i+1)); done"));

        Assert.Equal(ContainerOutcome.OutputTooLarge, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_PollingModeOverCapWhileRunning_KilledAsOutputTooLarge()
    {
        Options.OutputCap = OutputCapEnforcement.Polling;
        using var sut = CreateSut();
        var spec = CappedSh("head -c 2m /dev/zero > /out/big; sleep 600");

        var result = await sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.OutputTooLarge, result.Outcome);
        Assert.Contains("killed", result.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(spec.OutputDirectory));
    }

    [Fact]
    public async Task RunAsync_PollingModeWithinCap_Succeeds()
    {
        Options.OutputCap = OutputCapEnforcement.Polling;
        using var sut = CreateSut();

        var result = await sut.RunAsync(CappedSh("echo fine > /out/ok"));

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal([new OutputFile("ok", 5)], result.Outputs);
    }

    [Fact]
    public async Task RunAsync_SymlinkInOut_UnsafeOutputNamingThePath()
    {
        var spec = CappedSh("echo ok > /out/fine; mkdir /out/d; ln -s /etc/passwd /out/d/link");

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.UnsafeOutput, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("/out/d/link", result.Reason, StringComparison.Ordinal);
        Assert.Contains("symbolic link", result.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(spec.OutputDirectory));
    }

    [Fact]
    public async Task RunAsync_FifoInOut_UnsafeOutput()
    {
        var result = await _sut.RunAsync(CappedSh("mkfifo /out/pipe"));

        Assert.Equal(ContainerOutcome.UnsafeOutput, result.Outcome);
        Assert.Contains("/out/pipe is a FIFO", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HardLinkInOut_UnsafeOutput()
    {
        var result = await _sut.RunAsync(CappedSh("echo x > /out/a; ln /out/a /out/b"));

        Assert.Equal(ContainerOutcome.UnsafeOutput, result.Outcome);
        Assert.Contains("hard link", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NewlineInFileName_UnsafeOutput()
    {
        var result = await _sut.RunAsync(CappedSh("echo x > \"/out/bad$(printf '\\nname')\""));

        Assert.Equal(ContainerOutcome.UnsafeOutput, result.Outcome);
        Assert.Contains("\\x0a", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AfterRuns_StagingAreasUnmountedAndRemoved()
    {
        await _sut.RunAsync(CappedSh("echo x > /out/a"));
        await _sut.RunAsync(CappedSh("ln -s / /out/root"));
        await _sut.DrainAsync(); // removal runs off the unit's path

        var workerDirectory = OutputArea.WorkerDirectory(Options.StagingDirectory, WorkerId);
        Assert.Empty(Directory.Exists(workerDirectory) ? Directory.EnumerateFileSystemEntries(workerDirectory) : []);
        var mounts = await File.ReadAllTextAsync("/proc/mounts");
        Assert.DoesNotContain(workerDirectory, mounts, StringComparison.Ordinal);
    }
}
