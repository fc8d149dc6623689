using Boid.Containers.Engine;

namespace Boid.Containers.Tests;

/// <summary>The one create request of every container, as built (SandboxTests check what a container then sees).</summary>
public sealed class SandboxParametersTests
{
    private static readonly ContainerRunSpec Spec = new()
    {
        Image = "boid/busybox:1",
        Command = ["sh", "-c", "echo $X", "zero"],
        Environment = new Dictionary<string, string> { ["X"] = "1" },
        InputDirectory = "/staging/in",
        OutputDirectory = "/results",
        Labels = new Dictionary<string, string> { ["boid.worker"] = "w", ["boid.unit"] = "u" },
        Limits = new ContainerLimits { Cpus = 1.5, MemoryBytes = 96L << 20, PidsLimit = 40, TmpCapBytes = 8192, LogTailBytes = 1 << 20 },
    };

    [Fact]
    public void Build_DefaultSandbox_EverySettingOfTheTable()
    {
        var sut = SandboxParameters.Build(Spec, "boid-run", "/staging/run", 65534, 65534, useInit: true);

        var host = sut.HostConfig;
        Assert.Equal(("boid-run", "boid/busybox:1", "65534:65534"), (sut.Name, sut.Image, sut.User));
        Assert.Equal(["sh"], sut.Entrypoint);
        Assert.Equal(["-c", "echo $X", "zero"], sut.Cmd);
        Assert.Equal(["X=1"], sut.Env);
        Assert.Equal(Spec.Labels, sut.Labels);
        Assert.Equal(("none", true), (host.NetworkMode, sut.NetworkDisabled));
        Assert.Equal((true, false, "private"), (host.ReadonlyRootfs, host.Privileged, host.IpcMode));
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal(["no-new-privileges"], host.SecurityOpt);
        Assert.Equal((40L, 96L << 20, 96L << 20, 1_500_000_000L), (host.PidsLimit ?? 0, host.Memory, host.MemorySwap, host.NanoCPUs));
        Assert.Equal("rw,nosuid,nodev,size=8192,mode=1777", host.Tmpfs["/tmp"]);
        Assert.Equal([("/staging/in", "/in", true), ("/staging/run", "/out", false)], host.Mounts.Select(m => (m.Source, m.Target, m.ReadOnly)));
        Assert.Equal((true, false), (host.Init, host.AutoRemove));
        Assert.Equal(("json-file", (8L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), "2"),
            (host.LogConfig.Type, host.LogConfig.Config["max-size"], host.LogConfig.Config["max-file"]));
    }

    [Fact]
    public void Build_NetworkAllowedWithoutInputs_BridgeAndOnlyOut()
    {
        var spec = Spec with { InputDirectory = null, Sandbox = new SandboxPolicy { AllowNetwork = true } };

        var sut = SandboxParameters.Build(spec, "boid-run", "/staging/run", 0, 0, useInit: false);

        Assert.Equal(("bridge", false, false, "0:0"), (sut.HostConfig.NetworkMode, sut.NetworkDisabled, sut.HostConfig.Init, sut.User));
        Assert.Equal(["/out"], sut.HostConfig.Mounts.Select(m => m.Target));
    }
}
