using Boid.Grains.Specs;
using Boid.Testing.Specs;

namespace Boid.Silo.Tests;

/// <summary>
/// The specs the test toolkit writes (<see cref="Spec"/>, <see cref="JobYaml"/>) parse with the dispatcher's own parsers
/// and mean what the end-to-end tests take them to mean. (Here because this project has both the host and the toolkit.)
/// </summary>
public sealed class ToolkitSpecTests
{
    [Fact]
    public void Pi_NamedAndLimited_ParsesWithTheLastValueOfEachField()
    {
        var sut = JobSpecParser.Parse(Spec.Pi("montecarlo", units: 30, samples: 200_000, sleepSeconds: 2).Name("pi-faults").MaxAttempts(3).Units(31));

        Assert.Equal(("montecarlo", "pi-faults", Spec.PiImage, 31L, 3), (sut.Protocol, sut.Name, sut.Image, sut.Sweep.UnitCount, sut.MaxAttempts));
        Assert.Equal(["sh", "-c", "sleep 2; exec /app/pi.sh {{unit}} 200000 1000"], sut.Command);
        Assert.Equal(["result.txt"], sut.Outputs.Required);
        Assert.Equal(["/app/amalgamate.sh"], sut.Amalgamate!.Command);
    }

    [Fact]
    public void Job_ShellSweepAndLines_ParsesWithEveryValueAsWritten()
    {
        string[] attacks = ["trap '' TERM; sleep 1", "bomb() { bomb | bomb & }; bomb", "[ -z \"$(ls -A /out)\" ] || exit 9"];

        var sut = JobSpecParser.Parse(Spec.Job("faults").Shell("{{attack}}").Sweep("attack", attacks).Resources("memory: 64Mi, timeout: 4s").EveryFailureCounts());

        Assert.Equal(Spec.Busybox, sut.Image);
        Assert.Equal(attacks, Assert.Single(sut.Sweep.Parameters).Values);
        Assert.Equal((64L << 20, TimeSpan.FromSeconds(4)), (sut.Resources.MemoryBytes, sut.Resources.Timeout));
        Assert.Equal((1, 100d), (sut.MaxAttempts, sut.MaxFailedPercent));
    }

    [Fact]
    public void Protocol_WithLines_ParsesWithItsImages()
    {
        var sut = ProtocolSpecParser.Parse(Spec.Protocol("stor", null, "data_dir: /protocols/stor"));

        Assert.Equal(("stor", "/protocols/stor"), (sut.Name, sut.DataDirectory));
        Assert.Equal(["boid/*"], sut.Images);
    }
}
