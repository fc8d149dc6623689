using System.Text.Json;
using Boid.Cli;
using Spectre.Console.Testing;

namespace Boid.Bench.Tests;

/// <summary>
/// Keeps `boid bench` working: its smoke run (seconds) must produce every figure of the sections it runs.
/// It asserts that units flowed, never how fast: performance is measured by the benchmark, not by tests.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task Bench_Smoke_MeasuresDispatchBacklogAndContainersAndWritesJson()
    {
        var json = Path.Combine(Path.GetTempPath(), $"boid-bench-smoke-{Guid.NewGuid():N}.json");
        var console = new TestConsole();
        console.Profile.Width = 200;
        try
        {
            var exitCode = await BoidApp.Create(console).RunAsync(["bench", "--smoke", "--json", json]);

            Assert.True(exitCode == 0, $"boid bench --smoke exited {exitCode}:\n{console.Output}");
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = report.RootElement;
            Assert.True(root.GetProperty("smoke").GetBoolean());
            Assert.Empty(root.GetProperty("skipped").EnumerateObject()); // Docker is a required service: no skipping
            var rows = root.GetProperty("rows").EnumerateArray()
                .ToDictionary(r => r.GetProperty("section").GetString() + ": " + r.GetProperty("metric").GetString(), r => r.GetProperty("value"));

            Assert.True(rows["1 dispatch: accepted/s, 50 workers"].GetDouble() > 0, console.Output);
            Assert.True(rows["1 dispatch: lease p99, 50 workers"].GetDouble() > 0, console.Output);
            Assert.True(rows["2 backlog: accept a 20,000-unit job"].GetDouble() > 0, console.Output);
            Assert.True(rows["2 backlog: dispatcher RSS, job pending"].GetDouble() > 0, console.Output);
            Assert.True(rows["2 backlog: accepted/s, 20,000 pending"].GetDouble() > 0, console.Output);
            Assert.True(rows["3 containers: docker run p50, sequential"].GetDouble() > 0, console.Output);
            foreach (var kind in new[] { "fresh", "warm" })
            {
                Assert.True(rows[$"3 containers: lease→report p50, {kind}, sequential"].GetDouble() > 0, console.Output);
                Assert.True(rows[$"3 containers: lease→running p50, {kind}, sequential"].GetDouble() > 0, console.Output);
            }

            var profile = root.GetProperty("profiles").EnumerateArray().First();
            var calls = profile.GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("call").GetString()).ToList();
            Assert.Contains("IJobGrain.TakeUnitsAsync", calls);
            Assert.Contains("IWorkUnitGrain.ReportAsync", calls);
            Assert.True(profile.GetProperty("writesPerUnit").GetDouble() > 0);
            Assert.Contains("dispatch path per accepted unit", console.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
        }
    }
}
