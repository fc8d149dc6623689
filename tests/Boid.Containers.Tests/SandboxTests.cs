namespace Boid.Containers.Tests;

public sealed class SandboxTests : DockerTestBase, IDisposable
{
    private readonly DockerContainerRunner _sut;

    public SandboxTests() => _sut = CreateSut();

    public void Dispose() => _sut.Dispose();

    [Fact]
    public async Task RunAsync_Default_HasNoNetwork()
    {
        // The connect is attempted only once the container is known to have nothing but loopback,
        // so not a single packet can leave the machine even if the sandbox were broken.
        const string Script = """
            nets=$(ls /sys/class/net | tr '\n' ' ')
            echo "nets=$nets"
            [ "$nets" = "lo " ] || exit 3
            if nc -w 2 192.0.2.1 80 </dev/null; then echo connected; exit 4; fi
            echo connect-failed
            """;

        var result = await _sut.RunAsync(Sh(Script));

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal("nets=lo \nconnect-failed\n", result.StdoutTail);
        Assert.Contains("unreachable", result.StderrTail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunAsync_WritesRootFilesystem_Fails()
    {
        var result = await _sut.RunAsync(Sh("touch /bin/evil; echo x > /work/evil; echo tmp > /tmp/ok && cat /tmp/ok"));

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Equal("tmp\n", result.StdoutTail);
        Assert.Contains("/bin/evil", result.StderrTail, StringComparison.Ordinal);
        Assert.Contains("Read-only file system", result.StderrTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RunAsRootWithReadOnlyRoot_StillCannotWriteRoot()
    {
        var spec = Sh("touch /bin/evil") with { Sandbox = new SandboxPolicy { RunAsRoot = true } };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.NonZeroExit, result.Outcome);
        Assert.Contains("Read-only file system", result.StderrTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Default_NoCapabilitiesAndNoNewPrivileges()
    {
        var result = await _sut.RunAsync(Sh("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status"));

        Assert.Equal(ContainerOutcome.Succeeded, result.Outcome);
        Assert.Contains("CapEff:\t0000000000000000", result.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("CapBnd:\t0000000000000000", result.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivs:\t1", result.StdoutTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TmpOverCap_WriteFails()
    {
        var spec = Sh("grep ' /tmp ' /proc/mounts; head -c 2m /dev/zero > /tmp/big") with
        {
            Limits = new ContainerLimits { TmpCapBytes = 1024 * 1024, Timeout = TimeSpan.FromSeconds(30) },
        };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.NonZeroExit, result.Outcome);
        Assert.Contains("size=1024k", result.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("nosuid,nodev", result.StdoutTail, StringComparison.Ordinal);
        Assert.Contains("head:", result.StderrTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InputDirectory_MountedReadOnlyAtIn()
    {
        var input = NewDirectory();
        Directory.CreateDirectory(input);
        await File.WriteAllTextAsync(Path.Combine(input, "data.txt"), "input-data");
        var spec = Sh("cat /in/data.txt; echo; touch /in/new") with { InputDirectory = input };

        var result = await _sut.RunAsync(spec);

        Assert.Equal(ContainerOutcome.NonZeroExit, result.Outcome);
        Assert.Equal("input-data\n", result.StdoutTail);
        Assert.Contains("Read-only file system", result.StderrTail, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(input, "new")));
    }
}
