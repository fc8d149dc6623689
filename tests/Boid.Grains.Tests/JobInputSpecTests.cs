using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;

namespace Boid.Grains.Tests;

public sealed class JobInputSpecTests
{
    private const string Head = """
        protocol: montecarlo
        image: boid/busybox:1
        command: ["cat", "/in/shard.csv"]
        units: 4

        """;

    private static readonly string Hash = new('a', 64);

    [Fact]
    public void Parse_UrisAndMappings_ReadsPathsHashesAndPlaceholders()
    {
        var sut = JobSpecParser.Parse(Head + $$$"""
            inputs:
              - store:datasets/genome.fa
              - {uri: "hdfs://nn:8020/data/ref.bin", path: ref/ref.bin, sha256: {{{Hash.ToUpperInvariant()}}}}
              - {uri: "webhdfs://nn:9870/shards/part-{{unit}}.csv", path: shard.csv}
            """);

        Assert.Collection(sut.Inputs!,
            i => Assert.Equal(("store:datasets/genome.fa", "genome.fa", (string?)null), (i.Uri, i.Path, i.Sha256)),
            i => Assert.Equal(("hdfs://nn:8020/data/ref.bin", "ref/ref.bin", Hash), (i.Uri, i.Path, i.Sha256)),
            i => Assert.Equal("shard.csv", i.Path));
        var unit2 = JobSpecParser.InputsFor(sut, sut.Sweep.ParametersOf(2));
        Assert.Equal("webhdfs://nn:9870/shards/part-2.csv", unit2[2].Uri);
    }

    [Fact]
    public void Parse_BadInputs_NamesEachField()
    {
        var error = Assert.Throws<BoidException>(() => JobSpecParser.Parse(Head + """
            inputs:
              - store:a.txt
              - ftp://host/x
              - {uri: "store:b/{{shard}}", path: b}
              - {uri: "store:c", path: ../c}
              - {uri: "store:d", sha256: nothex}
              - {uri: "store:e", path: a.txt}
              - {uri: "store:f", colour: red}
            """));

        Assert.Contains("inputs[1].uri: 'ftp://host/x': the scheme must be one of", error.Message, StringComparison.Ordinal);
        Assert.Contains("inputs[2].uri: {{shard}} is not a sweep parameter", error.Message, StringComparison.Ordinal);
        Assert.Contains("inputs[3].path: '../c' is not a plain relative path", error.Message, StringComparison.Ordinal);
        Assert.Contains("inputs[4].sha256: 'nothex' is not a SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains("inputs[5].path: 'a.txt' is also the path of inputs[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("inputs[6].colour: unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentHash_SpecWithoutInputs_IsTheHashOfItsStoredRecord()
    {
        var sut = JobSpecParser.Parse(Head);

        Assert.Null(sut.Inputs);
        Assert.DoesNotContain("inputs", System.Text.Encoding.UTF8.GetString(JobRecordHash.CanonicalJson(sut)), StringComparison.Ordinal);
        Assert.Equal(JobRecordHash.Sha256(sut), Storage.ContentHash.ComputeSha256(JobRecordHash.CanonicalJson(sut)));
    }
}
