using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;

namespace Boid.Grains.Tests;

public sealed class JobSpecParserTests
{
    private const string Valid = """
        protocol: montecarlo
        name: sweep
        image: boid/montecarlo-pi:1
        command: ["/app/run", "{{beta}}", "{{gamma}}", "{{unit}}"]
        env:
          SEED: "{{unit}}"
        sweep:
          beta: {from: 1, to: 5}
          gamma: [a, b, c]
        resources: {cpus: 0.5, memory: 128Mi, timeout: 90s, pids: 32, tmp: 8Mi}
        max_attempts: 2
        max_failed_percent: 10
        outputs: {max_size: 2Mi, required: [result.txt]}
        amalgamate:
          command: ["/app/reduce"]
        """;

    [Fact]
    public void Parse_ValidSweep_ExpandsCartesianProductLastFastest()
    {
        var sut = JobSpecParser.Parse(Valid);

        Assert.Equal(15, sut.Sweep.UnitCount);
        Assert.Equal("1", sut.Sweep.ParametersOf(0)["beta"]);
        Assert.Equal("a", sut.Sweep.ParametersOf(0)["gamma"]);
        Assert.Equal("b", sut.Sweep.ParametersOf(1)["gamma"]);
        Assert.Equal("2", sut.Sweep.ParametersOf(3)["beta"]);
        Assert.Equal("c", sut.Sweep.ParametersOf(14)["gamma"]);
        Assert.Equal("5", sut.Sweep.ParametersOf(14)["beta"]);
        Assert.Equal("14", sut.Sweep.ParametersOf(14)["unit"]);
    }

    [Fact]
    public void Parse_ValidSpec_ReadsEveryField()
    {
        var sut = JobSpecParser.Parse(Valid);

        Assert.Equal("montecarlo", sut.Protocol);
        Assert.Equal(0.5, sut.Resources.Cpus);
        Assert.Equal(128L << 20, sut.Resources.MemoryBytes);
        Assert.Equal(TimeSpan.FromSeconds(90), sut.Resources.Timeout);
        Assert.Equal(32, sut.Resources.Pids);
        Assert.Equal(8L << 20, sut.Resources.TmpBytes);
        Assert.Equal(2, sut.MaxAttempts);
        Assert.Equal(10, sut.MaxFailedPercent);
        Assert.Equal(2L << 20, sut.Outputs.MaxSizeBytes);
        Assert.Equal(["result.txt"], sut.Outputs.Required);
        Assert.Equal("boid/montecarlo-pi:1", sut.Amalgamate!.Image); // defaults to the units' image
        Assert.Equal("{{unit}}", sut.Environment["SEED"]);
    }

    [Theory]
    [InlineData("", ContainerReuse.Fresh)]
    [InlineData("resources: {container: fresh}\n", ContainerReuse.Fresh)]
    [InlineData("resources: {container: warm}\n", ContainerReuse.Warm)]
    public void Parse_ResourcesContainer_ReadsReuseFreshByDefault(string resources, ContainerReuse expected)
    {
        var sut = JobSpecParser.Parse("protocol: p\nimage: i\ncommand: [x]\nunits: 1\n" + resources);

        Assert.Equal(expected, sut.Resources.Container);
    }

    [Fact]
    public void CanonicalJson_FreshContainer_LeavesTheFieldOutSoOldHashesHold()
    {
        var fresh = JobSpecParser.Parse("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {container: fresh}\n");
        var warm = fresh with { Resources = fresh.Resources with { Container = ContainerReuse.Warm } };

        Assert.DoesNotContain("container", System.Text.Encoding.UTF8.GetString(JobRecordHash.CanonicalJson(fresh)), StringComparison.Ordinal);
        Assert.Contains("\"container\":1", System.Text.Encoding.UTF8.GetString(JobRecordHash.CanonicalJson(warm)), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PlainCount_SubstitutesUnitIndex()
    {
        var sut = JobSpecParser.Parse("protocol: p\nimage: i\ncommand: [run, '{{unit}}']\nunits: 3\n");

        Assert.Equal(3, sut.Sweep.UnitCount);
        Assert.Equal("run 2", string.Join(' ', sut.Command.Select(c => Templates.Substitute(c, sut.Sweep.ParametersOf(2)))));
    }

    [Theory]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\ncolour: red\n", "colour: unknown field")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: many\n", "units: expected an integer, got 'many'")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 0\n", "units: 0 is out of range")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\n", "units: is required (or give a sweep)")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 2\nsweep: {a: [1]}\n", "units: give either units")]
    [InlineData("protocol: p\nimage: i\ncommand: x\nunits: 1\n", "command: expected a list")]
    [InlineData("protocol: p\nimage: i\ncommand: []\nunits: 1\n", "command: must not be empty")]
    [InlineData("image: i\ncommand: [x]\nunits: 1\n", "protocol: is required")]
    [InlineData("protocol: Bad_Name\nimage: i\ncommand: [x]\nunits: 1\n", "protocol: 'Bad_Name' is not an Antelope name")]
    [InlineData("protocol: p\nimage: i j\ncommand: [x]\nunits: 1\n", "image: 'i j' is not an image reference")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {cpus: -1}\n", "resources.cpus: -1 is out of range")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {memory: 1Pi}\n", "resources.memory: expected a size")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {memory: 2Ti}\n", "resources.memory: 2Ti is out of range")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {timeout: 30d}\n", "resources.timeout: expected a duration")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {timeout: 8000h}\n", "resources.timeout: 8000h is out of range")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {gpus: 1}\n", "resources.gpus: unknown field")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {container: hot}\n", "resources.container: expected fresh or warm, got 'hot'")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nresources: {container: [warm]}\n", "resources.container: expected a text value")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\namalgamate: {command: [r], resources: {container: warm}}\n", "amalgamate.resources.container: warm is for the job's units")]
    [InlineData("protocol: p\nimage: i\ncommand: ['{{nope}}']\nunits: 1\n", "command[0]: {{nope}} is not a sweep parameter")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nsweep: {a: {from: 5, to: 1}}\n", "sweep.a.to: 1 is less than from (5)")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nsweep: {unit: [1]}\n", "sweep.unit: a parameter name")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\noutputs: {required: [../etc/passwd]}\n", "outputs.required[0]: '../etc/passwd' is not a plain relative path")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\nmax_attempts: 0\n", "max_attempts: 0 is out of range")]
    [InlineData("protocol: p\nimage: i\ncommand: [x]\nunits: 1\namalgamate: {image: i}\n", "amalgamate.command: is required")]
    [InlineData("- just\n- a list\n", "expected one YAML document holding a mapping")]
    [InlineData("protocol: [unclosed\n", "not valid YAML at line")]
    public void Parse_BadInput_ErrorNamesFieldAndProblem(string yaml, string expected)
    {
        var exception = Assert.Throws<BoidException>(() => JobSpecParser.Parse(yaml));

        Assert.Equal(BoidErrorKind.InvalidArgument, exception.Kind);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllOfThem()
    {
        var exception = Assert.Throws<BoidException>(() => JobSpecParser.Parse("image: i\ncommand: 7\nunits: -1\nfoo: 1\n"));

        Assert.Contains("4 problems", exception.Message, StringComparison.Ordinal);
        Assert.Contains("protocol: is required", exception.Message, StringComparison.Ordinal);
        Assert.Contains("foo: unknown field", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(line 4)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SweepBeyondClusterMaximum_LimitExceededNamingSweep()
    {
        var spec = JobSpecParser.Parse("protocol: p\nimage: i\ncommand: [x]\nsweep: {a: {from: 1, to: 1000}, b: {from: 1, to: 1000}}\n");
        var protocol = new ProtocolSpec { Name = "p", Images = ["i"] };

        var exception = Assert.Throws<BoidException>(() => JobSpecValidator.Validate(spec, protocol, new DispatchOptions { MaxUnitsPerJob = 100_000 }));

        Assert.Equal(BoidErrorKind.LimitExceeded, exception.Kind);
        Assert.Equal("sweep", exception.Field);
        Assert.Contains("1,000,000 units", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ImageNotAccepted_InvalidNamingImage()
    {
        var spec = JobSpecParser.Parse("protocol: p\nimage: evil/miner:1\ncommand: [x]\nunits: 1\n");
        var protocol = new ProtocolSpec { Name = "p", Images = ["boid/*"] };

        var exception = Assert.Throws<BoidException>(() => JobSpecValidator.Validate(spec, protocol, new DispatchOptions()));

        Assert.Equal("image", exception.Field);
        Assert.Contains("'evil/miner:1' is not accepted by protocol 'p'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProtocolParse_Valid_ReadsFundRatesAndSandbox()
    {
        var sut = ProtocolSpecParser.Parse("""
            name: montecarlo
            title: t
            images: ["boid/*"]
            fund: {asset: "10.0000 BOID", token_contract: eosio.token}
            rates: {worker: 100, dispatcher: 20, storage: 5}
            sandbox: {allow_network: true}
            """);

        Assert.Equal(100, sut.WorkerRatePerHour);
        Assert.Equal(5, sut.StorageRatePerGiBHour);
        Assert.True(sut.AllowNetwork);
        Assert.True(sut.AcceptsImage("boid/anything:2"));
        Assert.False(sut.AcceptsImage("other/x:1"));
    }

    [Theory]
    [InlineData("name: toolongname123\nimages: [x]\n", "name: 'toolongname123' is not an Antelope name")]
    [InlineData("name: ok\n", "images: is required")]
    [InlineData("name: ok\nimages: [x]\nrates: {worker: -1}\n", "rates.worker: -1 is out of range")]
    public void ProtocolParse_BadInput_ErrorNamesField(string yaml, string expected)
    {
        var exception = Assert.Throws<BoidException>(() => ProtocolSpecParser.Parse(yaml));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }
}
