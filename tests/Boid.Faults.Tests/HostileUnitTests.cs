using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Boid.Client;
using Boid.Testing;
using Boid.Testing.Processes;
using Boid.Testing.Specs;
using Xunit.Abstractions;

namespace Boid.Faults.Tests;

/// <summary>Hung and hostile containers end within their limits with a recorded reason, read back through `boid logs`.</summary>
[Collection(FaultsCollection.Name)]
public sealed class HostileUnitTests(ITestOutputHelper output)
{
    private static readonly TimeSpan UnitTimeout = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task HostileUnits_EndWithinLimitsWithReasons_WorkerKeepsServing()
    {
        DockerHost.RequireImages(Spec.Busybox);
        using var deployment = new Deployment(nameof(HostileUnits_EndWithinLimitsWithReasons_WorkerKeepsServing));
        var workerId = Accounts.New("hostile");
        var up = deployment.StartUp("up", workerId, slots: 2);
        await up.WaitUntilRunningAsync();
        await deployment.Client.AddProtocolAsync(FaultsCollection.Protocol);

        // 0 hangs and ignores SIGTERM; 1 sleeps forever; 2 is a fork bomb (then waits); 3 fills /out; 4 fills /tmp; 5 is healthy.
        var hostile = await deployment.Client.SubmitJobAsync(Spec.Job("faults").Shell("{{attack}}")
            .Sweep(
                "attack",
                "trap '' TERM INT HUP; while true; do sleep 1; done",
                "exec sleep 2147483647",
                "bomb() { bomb | bomb & }; bomb; exec sleep 2147483647",
                "cat /dev/zero > /out/fill",
                "cat /dev/zero > /tmp/fill",
                "echo ok > /out/ok.txt")
            .Resources("memory: 64Mi, timeout: 4s, pids: 64, tmp: 2Mi")
            .Outputs("max_size: 1Mi")
            .EveryFailureCounts());
        var healthy = await deployment.Client.SubmitJobAsync(Spec.Job("faults").Shell("echo {{unit}} > /out/n.txt").Units(6).Outputs("required: [n.txt]"));

        var clock = Stopwatch.StartNew();
        var hostileDone = await deployment.WaitForJobAsync(hostile.Id, j => j.IsFinished, "end all its hostile units", TimeSpan.FromMinutes(2));
        var healthyDone = await deployment.WaitForJobAsync(healthy.Id, j => j.IsFinished, "finish beside the hostile job", TimeSpan.FromMinutes(2));
        output.WriteLine($"both jobs ended after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(JobState.Done, healthyDone.State);
        Assert.Equal(6, healthyDone.Progress.Accepted);
        Assert.Equal(5, hostileDone.Progress.Failed);
        Assert.Equal(1, hostileDone.Progress.Accepted);

        var expectations = new (string Outcome, string ReasonPart, string? StderrPart)[]
        {
            ("TimedOut", "timeout", null),
            ("TimedOut", "timeout", null),
            ("TimedOut", "timeout", null),
            ("OutputTooLarge", "", null),
            ("NonZeroExit", "exit", "No space left on device"),
            ("Succeeded", "", null),
        };
        for (var i = 0; i < expectations.Length; i++)
        {
            var (code, json) = await deployment.CliAsync("logs", hostile.Id, i.ToString(CultureInfo.InvariantCulture), "--json");
            Assert.True(code == 0, $"boid logs {hostile.Id} {i} exited {code}: {json}");
            using var document = JsonDocument.Parse(json);
            var attempt = Assert.Single(document.RootElement.GetProperty("attempts").EnumerateArray());
            var outcome = attempt.GetProperty("outcome").GetString();
            var reason = attempt.GetProperty("reason").GetString() ?? "";
            var started = attempt.GetProperty("startedAt").GetDateTimeOffset();
            var ended = attempt.GetProperty("endedAt").GetDateTimeOffset();
            var runTime = TimeSpan.FromMicroseconds(attempt.GetProperty("runTimeMicroseconds").GetInt64());
            var stderr = document.RootElement.GetProperty("stderrTail").GetString() ?? "";
            output.WriteLine($"unit {i}: {outcome} after {runTime.TotalSeconds:0.00} s (attempt {(ended - started).TotalSeconds:0.00} s): {reason} | stderr: {stderr.Trim().Split('\n').LastOrDefault()}");

            var (expectedOutcome, reasonPart, stderrPart) = expectations[i];
            Assert.True(outcome == expectedOutcome, $"unit {i}: expected {expectedOutcome}, got {outcome}: {reason}");
            Assert.Contains(reasonPart, reason, StringComparison.OrdinalIgnoreCase);
            if (outcome != "Succeeded")
            {
                Assert.False(string.IsNullOrWhiteSpace(reason), $"unit {i} ended {outcome} without a reason");
            }

            if (stderrPart is not null)
            {
                Assert.Contains(stderrPart, stderr, StringComparison.Ordinal);
            }

            // Within its limits: the container ran no longer than its timeout (plus the kill), the attempt ended soon after.
            // (The kill itself took up to 1.2 s on a loaded 2-core machine.)
            Assert.True(runTime <= UnitTimeout + TimeSpan.FromSeconds(5), $"unit {i} ran {runTime} against a timeout of {UnitTimeout}");
            Assert.True(ended - started <= UnitTimeout + TimeSpan.FromSeconds(15), $"unit {i}'s attempt took {ended - started}");
        }

        Assert.Empty(DockerHost.Containers($"boid.worker={workerId}"));
        Assert.False(up.HasExited, up.Tail());
    }
}
