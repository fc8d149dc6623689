using Boid.Client;
using Boid.Faults.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Boid.Faults.Tests;

/// <summary>`boid cancel` stops a job's running containers on the worker within seconds and releases its slots.</summary>
[Collection(FaultsCollection.Name)]
public sealed class CancellationTests(ITestOutputHelper output)
{
    private const string Protocol = "name: faults\nimages: [\"boid/*\"]\n";

    [Fact]
    public async Task Cancel_RunningJob_ContainersGoneWithinSecondsAndSlotsReleased()
    {
        const string Test = nameof(Cancel_RunningJob_ContainersGoneWithinSecondsAndSlotsReleased);
        Machine.RequireImages("boid/busybox:1");
        using var deployment = new Deployment(Test);
        var workerId = Machine.WorkerId("cancel");
        var up = deployment.StartUp("up", workerId, slots: 2);
        await up.WaitUntilRunningAsync();
        await deployment.Client.AddProtocolAsync(Protocol);
        var job = await deployment.Client.SubmitJobAsync("""
            protocol: faults
            image: boid/busybox:1
            command: ["sh", "-c", "trap '' TERM; sleep 600"]
            units: 6
            resources: {timeout: 15m}
            """);
        await deployment.UntilAsync(() => Task.FromResult(Machine.Containers($"boid.job={job.Id}", runningOnly: true).Count == 2),
            TimeSpan.FromSeconds(60), $"two containers of job {job.Id} to run");
        var running = Machine.Containers($"boid.job={job.Id}").Select(Machine.Labels).Select(l => l["boid.unit"]).ToArray();

        var invokedAt = DateTimeOffset.UtcNow;
        var (code, text) = await deployment.CliAsync("cancel", job.Id);
        var returnedAt = DateTimeOffset.UtcNow;
        Assert.True(code == 0, $"boid cancel exited {code}: {text}");
        Assert.Contains("Cancelled", text, StringComparison.Ordinal);
        await deployment.UntilAsync(() => Task.FromResult(Machine.Containers($"boid.job={job.Id}").Count == 0),
            TimeSpan.FromSeconds(30), $"the containers of job {job.Id} to be gone after the cancel");
        var goneAt = DateTimeOffset.UtcNow;
        Measurements.Record(output, Test, "`boid cancel` returned -> no container with the job's label", goneAt - returnedAt);
        Measurements.Record(output, Test, "`boid cancel` invoked (process start) -> no container with the job's label", goneAt - invokedAt);
        Assert.True(goneAt - returnedAt < TimeSpan.FromSeconds(10), $"containers took {(goneAt - returnedAt).TotalSeconds:0.0} s to go after the cancel");

        var cancelled = await deployment.Client.GetJobAsync(job.Id);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(0, cancelled.Progress.Running);
        foreach (var unitKey in running)
        {
            var unit = await deployment.Client.GetUnitAsync(job.Id, unitKey);
            Assert.Equal(UnitStatus.Cancelled, unit.Status);
            Assert.Null(unit.CurrentWorker);
            Assert.Equal("Cancelled", Assert.Single(unit.Attempts).Outcome);
        }

        // Released: the worker reports no running unit, and both its slots take the next job at once.
        await deployment.UntilAsync(async () => (await deployment.Client.ListWorkersAsync()).Single(w => w.Account == workerId).RunningUnits == 0,
            TimeSpan.FromSeconds(20), "the worker to report no running unit");
        var next = await deployment.Client.SubmitJobAsync("""
            protocol: faults
            image: boid/busybox:1
            command: ["sh", "-c", "sleep 2; echo {{unit}} > /out/n.txt"]
            units: 2
            outputs: {required: [n.txt]}
            """);
        await deployment.UntilAsync(() => Task.FromResult(Machine.Containers($"boid.job={next.Id}", runningOnly: true).Count == 2),
            TimeSpan.FromSeconds(30), "both slots to run the next job's units");
        var done = await deployment.WaitForJobAsync(next.Id, j => j.IsFinished, "finish after the cancel");
        Assert.Equal(JobState.Done, done.State);
        Assert.Equal(2, done.Progress.Accepted);
        Assert.Empty(Machine.Containers($"boid.worker={workerId}"));
    }
}
