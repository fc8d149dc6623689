using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Boid.Cli;
using Boid.Testing;
using Boid.Testing.Specs;
using Spectre.Console.Testing;

namespace Boid.Integration.Tests;

/// <summary>The README's promise, in-process: `boid up --run` on the pi example, and the researcher commands against a live cluster.</summary>
public sealed partial class CliEndToEndTests
{
    [GeneratedRegex(@"pi estimate\s+(?<pi>[0-9.]+)\s+standard error\s+(?<se>[0-9.]+)")]
    private static partial Regex PiResult();

    [Fact]
    public async Task Up_RunPiExample_PrintsPiWithinItsStandardError()
    {
        DockerHost.RequireImages(Spec.PiImage);
        var work = Directory.CreateTempSubdirectory("boid-cli-");
        var workerId = Accounts.New("clipi");
        try
        {
            // The example as shipped, at 40 units instead of 200 to keep the suite quick.
            var spec = Spec.Example("montecarlo-pi", "job.yaml", ("units: 200", "units: 40"));
            await File.WriteAllTextAsync(Path.Combine(work.FullName, "job.yaml"), spec);
            File.Copy(Repository.Example("montecarlo-pi", "protocol.yaml"), Path.Combine(work.FullName, "protocol.yaml"));
            var console = new TestConsole();
            console.Profile.Width = 200;

            var exitCode = await BoidApp.Create(console).RunAsync(
            [
                "up", "--data", Path.Combine(work.FullName, "data"), "--run", Path.Combine(work.FullName, "job.yaml"),
                "--api", $"http://127.0.0.1:{Ports.Free()}",
                "--silo-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
                "--gateway-port", Ports.Free().ToString(CultureInfo.InvariantCulture),
                "--worker-id", workerId,
            ]);

            var output = console.Output;
            Assert.True(exitCode == 0, $"boid up --run exited {exitCode}:\n{output}");
            Assert.Contains("40/40 done", output, StringComparison.Ordinal);
            var match = PiResult().Match(output);
            Assert.True(match.Success, $"no pi result in:\n{output}");
            var pi = double.Parse(match.Groups["pi"].Value, CultureInfo.InvariantCulture);
            var standardError = double.Parse(match.Groups["se"].Value, CultureInfo.InvariantCulture);
            Assert.InRange(standardError, 1e-5, 0.01);
            Assert.InRange(pi, Math.PI - (5 * standardError), Math.PI + (5 * standardError));
            Assert.Empty(DockerHost.WorkerContainers(workerId));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ResearcherCommands_AgainstRunningCluster_DoWhatTheySay()
    {
        DockerHost.RequireImages(Spec.PiImage);
        await using var cluster = new EmbeddedCluster(Accounts.New("clicmds"));
        await cluster.StartAsync();
        var work = Directory.CreateTempSubdirectory("boid-cli-");
        try
        {
            var spec = Path.Combine(work.FullName, "job.yaml");
            await File.WriteAllTextAsync(spec, Spec.Example("montecarlo-pi", "job.yaml", ("units: 200", "units: 6")));
            string[] api = ["--api", cluster.ApiUrl];

            var (code, output) = await RunAsync(["protocol", "add", Repository.Example("montecarlo-pi", "protocol.yaml"), .. api]);
            Assert.True(code == 0, output);
            Assert.Contains("protocol montecarlo saved", output, StringComparison.Ordinal);

            (code, output) = await RunAsync(["submit", spec, "--watch", .. api]);
            Assert.True(code == 0, output);
            var jobId = Regex.Match(output, @"submitted (j-[0-9a-f-]+)").Groups[1].Value;
            Assert.Contains("pi estimate", output, StringComparison.Ordinal);

            (code, output) = await RunAsync(["status", jobId, "--json", .. api]);
            Assert.Equal(0, code);
            using (var json = JsonDocument.Parse(output))
            {
                Assert.Equal("Done", json.RootElement.GetProperty("state").GetString());
                Assert.Equal(6, json.RootElement.GetProperty("progress").GetProperty("accepted").GetInt64());
            }

            (code, output) = await RunAsync(["logs", jobId, "3", .. api]);
            Assert.Equal(0, code);
            Assert.Contains("unit 3 seed 1003", output, StringComparison.Ordinal); // the unit's stdout tail
            Assert.Contains("Succeeded", output, StringComparison.Ordinal);

            var resultDirectory = Path.Combine(work.FullName, "result");
            (code, output) = await RunAsync(["results", jobId, "-o", resultDirectory, .. api]);
            Assert.True(code == 0, output);
            Assert.Contains("pi estimate", await File.ReadAllTextAsync(Path.Combine(resultDirectory, "result.txt")), StringComparison.Ordinal);

            (code, output) = await RunAsync(["workers", "--json", .. api]);
            Assert.Equal(0, code);
            using (var json = JsonDocument.Parse(output))
            {
                var worker = json.RootElement.EnumerateArray().Single(w => w.GetProperty("account").GetString() == cluster.WorkerId);
                Assert.Equal(7, worker.GetProperty("unitsAccepted").GetInt64()); // six units and the amalgamation
                Assert.True(worker.GetProperty("contributedMicroseconds").GetInt64() > 0);
            }

            (code, output) = await RunAsync(["cancel", jobId, .. api]);
            Assert.Equal(0, code);
            Assert.Contains("is Done", output, StringComparison.Ordinal); // a finished job stays finished

            await File.WriteAllTextAsync(spec, "protocol: montecarlo\nimage: boid/montecarlo-pi:1\ncommand: [x]\nunits: 1\nresources: {memory: lots}\n");
            (code, output) = await RunAsync(["submit", spec, .. api]);
            Assert.Equal(2, code);
            Assert.Contains("resources.memory: expected a size", output, StringComparison.Ordinal);

            (code, output) = await RunAsync(["status", "j-000000-000000-0000", .. api]);
            Assert.Equal(3, code);
            Assert.Contains("no job with id", output, StringComparison.Ordinal);

            (code, output) = await RunAsync(["status", "--api", "http://127.0.0.1:1"]);
            Assert.Equal(5, code);
            Assert.Contains("cannot reach the dispatcher", output, StringComparison.Ordinal);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string[] args)
    {
        var console = new TestConsole();
        console.Profile.Width = 250;
        var code = await BoidApp.Create(console).RunAsync(args);
        return (code, console.Output);
    }
}
