using Boid.Client;
using Boid.Faults.Tests.Infrastructure;
using Boid.Testing;
using Boid.Testing.Processes;
using Boid.Testing.Specs;
using Xunit.Abstractions;

namespace Boid.Faults.Tests;

/// <summary>`boid cancel` stops a job's running containers on the worker within seconds and releases its slots.</summary>
[Collection(FaultsCollection.Name)]
public sealed class CancellationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cancel_RunningJob_ContainersGoneWithinSecondsAndSlotsReleased()
    {
        const string Test = nameof(Cancel_RunningJob_ContainersGoneWithinSecondsAndSlotsReleased);
        DockerHost.RequireImages(Spec.Busybox);
        using var deployment = new Deployment(Test);
        var workerId = Accounts.New("cancel");
        var up = deployment.StartUp("up", workerId, slots: 2);
        await up.WaitUntilRunningAsync();
        await deployment.Client.AddProtocolAsync(FaultsCollection.Protocol);
        var job = await deployment.Client.SubmitJobAsync(Spec.Job("faults").Shell("trap '' TERM; sleep 600").Units(6).Resources("timeout: 15m"));
        await deployment.UntilAsync(() => Task.FromResult(DockerHost.Containers($"boid.job={job.Id}", runningOnly: true).Count == 2),
            TimeSpan.FromSeconds(60), $"two containers of job {job.Id} to run");
        var running = DockerHost.Containers($"boid.job={job.Id}").Select(DockerHost.Labels).Select(l => l["boid.unit"]).ToArray();

        var invokedAt = DateTimeOffset.UtcNow;
        var (code, text) = await deployment.CliAsync("cancel", job.Id);
        var returnedAt = DateTimeOffset.UtcNow;
        Assert.True(code == 0, $"boid cancel exited {code}: {text}");
        Assert.Contains("Cancelled", text, StringComparison.Ordinal);
        await deployment.UntilAsync(() => Task.FromResult(DockerHost.Containers($"boid.job={job.Id}").Count == 0),
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
        var next = await deployment.Client.SubmitJobAsync(Spec.Job("faults").Shell("sleep 2; echo {{unit}} > /out/n.txt").Units(2).Outputs("required: [n.txt]"));
        await deployment.UntilAsync(() => Task.FromResult(DockerHost.Containers($"boid.job={next.Id}", runningOnly: true).Count == 2),
            TimeSpan.FromSeconds(30), "both slots to run the next job's units");
        var done = await deployment.WaitForJobAsync(next.Id, j => j.IsFinished, "finish after the cancel");
        Assert.Equal(JobState.Done, done.State);
        Assert.Equal(2, done.Progress.Accepted);
        Assert.Empty(DockerHost.Containers($"boid.worker={workerId}"));
    }
}
