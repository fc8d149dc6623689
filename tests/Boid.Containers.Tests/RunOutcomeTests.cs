namespace Boid.Containers.Tests;

public sealed class RunOutcomeTests : DockerTestBase, IDisposable
{
    private readonly DockerContainerRunner _sut;

    public RunOutcomeTests() => _sut = CreateSut();

    public void Dispose() => _sut.Dispose();

    [Fact]
    public async Task RunAsync_WritesOutputs_SucceedsAndCollectsThem()
    {
        var spec = Sh("echo hello > /out/a.txt && mkdir -p /out/sub/deeper && printf 12345 > /out/sub/deeper/b.bin && echo done");

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Retryable);
        Assert.Equal("done\n", result.StdoutTail);
        Assert.Equal([new OutputFile("a.txt", 6), new OutputFile("sub/deeper/b.bin", 5)], result.Outputs);
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(spec.OutputDirectory, "a.txt")));
        Assert.Equal("12345", await File.ReadAllTextAsync(Path.Combine(spec.OutputDirectory, "sub", "deeper", "b.bin")));
        Assert.InRange(result.RunTimeMicroseconds, 1, 30_000_000);
        Assert.NotNull(result.ContainerId);
    }

    [Fact]
    public async Task RunAsync_OutputWithExecAndSetuidBits_CopiedAsPlain0644()
    {
        var spec = Sh("echo x > /out/tool && chmod 6755 /out/tool");

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Combine(spec.OutputDirectory, "tool")));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ReportsExitCodeNotRetryable()
    {
        var result = await _sut.RunAsync(Sh("echo oops >&2; exit 3"));

        Assert.Equal(ContainerOutcome.NonZeroExit, result.Outcome);
        Assert.Equal(3, result.ExitCode);
        Assert.False(result.Retryable);
        Assert.Equal("oops\n", result.StderrTail);
        Assert.Empty(result.Outputs);
    }

    [Fact]
    public async Task RunAsync_KilledBySignal_Crashed()
    {
        var result = await _sut.RunAsync(Sh("kill -SEGV $$"));

        Assert.Equal(ContainerOutcome.Crashed, result.Outcome);
        Assert.Equal(139, result.ExitCode);
        Assert.True(result.Retryable);
        Assert.Contains("SIGSEGV", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EnvironmentAndArgv_PassedVerbatimWithoutShell()
    {
        var spec = Spec("sh", "-c", "printf '[%s]' \"$GREETING\" \"$0\" \"$1\" \"$2\"", "zero", "a b", "$HOME;*") with
        {
            Environment = new Dictionary<string, string> { ["GREETING"] = "hi there" },
        };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal("[hi there][zero][a b][$HOME;*]", result.StdoutTail);
    }

    [Fact]
    public async Task RunAsync_Default_RunsAsNobody()
    {
        var result = await _sut.RunAsync(Sh("id -u; id -g"));

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal("65534\n65534\n", result.StdoutTail);
    }

    [Fact]
    public async Task RunAsync_RunAsRoot_RunsAsUidZeroWithOutputs()
    {
        var spec = Sh("id -u; echo r > /out/r") with { Sandbox = new SandboxPolicy { RunAsRoot = true } };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal("0\n", result.StdoutTail);
        Assert.Equal([new OutputFile("r", 2)], result.Outputs);
    }

    [Fact]
    public async Task RunAsync_MissingImage_ImageMissingNotRetryable()
    {
        var spec = Sh("true") with { Image = "boid/does-not-exist:0" };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.ImageMissing, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("boid/does-not-exist:0", result.Reason, StringComparison.Ordinal);
        Assert.Null(result.ContainerId);
    }

    [Fact]
    public async Task RunAsync_ProgramNotInImage_NonZeroExit127NotRetryable()
    {
        // With Docker's init as PID 1 the exec fails inside the container, as in a shell: exit 127.
        var result = await _sut.RunAsync(Spec("/bin/no-such-program"));

        Assert.Equal(ContainerOutcome.NonZeroExit, result.Outcome);
        Assert.Equal(127, result.ExitCode);
        Assert.False(result.Retryable);
        Assert.Contains("no-such-program", result.StderrTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProgramNotInImageWithoutInit_StartFailedNotRetryable()
    {
        Options.UseInit = false;
        using var sut = CreateSut();

        var result = await sut.RunAsync(Spec("/bin/no-such-program"));

        Assert.Equal(ContainerOutcome.StartFailed, result.Outcome);
        Assert.False(result.Retryable);
        Assert.Contains("no-such-program", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LongOutput_KeepsOnlyTheTail()
    {
        var spec = Sh("i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done") with
        {
            Limits = new ContainerLimits { LogTailBytes = 100, Timeout = TimeSpan.FromSeconds(30) },
        };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal(100, result.StdoutTail.Length);
        Assert.EndsWith("line-1999\n", result.StdoutTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImageExistsAsync_PresentAndAbsent_TrueAndFalse()
    {
        Assert.True(await _sut.ImageExistsAsync(Image));
        Assert.False(await _sut.ImageExistsAsync("boid/does-not-exist:0"));
    }

    [Fact]
    public async Task RunAsync_NonEmptyOutputDirectory_ThrowsArgumentException()
    {
        var spec = Sh("true");
        Directory.CreateDirectory(spec.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(spec.OutputDirectory, "stale"), "x");

        await Assert.ThrowsAsync<ArgumentException>(() => _sut.RunAsync(spec));
    }

    [Fact]
    public async Task RunAsync_WithoutWorkerLabel_ThrowsArgumentException()
    {
        var spec = Sh("true") with { Labels = new Dictionary<string, string> { ["boid.job"] = "j" } };

        await Assert.ThrowsAsync<ArgumentException>(() => _sut.RunAsync(spec));
    }
}
