using Boid.Faults.Tests.Infrastructure;
using Boid.Testing;
using Boid.Testing.Processes;
using Xunit.Abstractions;

namespace Boid.Faults.Tests;

/// <summary>kill -9 of the dispatcher mid-job — embedded (`boid up`) and as its own process beside a worker silo — then a restart on the same data.</summary>
[Collection(FaultsCollection.Name)]
public sealed class DispatcherCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Up_Kill9MidJobThenRestartOnSameData_CompletesWithUndisturbedResult()
    {
        var expected = await PiBaseline.ResultJsonAsync(output);
        using var deployment = new Deployment(nameof(Up_Kill9MidJobThenRestartOnSameData_CompletesWithUndisturbedResult));
        var worker = Accounts.New("crashup");
        var up = deployment.StartUp("up-1", worker, slots: 2);
        await up.WaitUntilRunningAsync();
        await deployment.Client.AddProtocolAsync(PiJob.Protocol);
        var job = await deployment.Client.SubmitJobAsync(PiJob.Spec());
        await deployment.WaitForJobAsync(job.Id, j => j.Progress.Accepted >= 8, "accept 8 of its units");

        up.Kill9();
        var leftovers = DockerHost.Containers($"boid.worker={worker}");
        output.WriteLine($"killed `boid up` mid-job; {leftovers.Count} of its containers left behind");

        var up2 = deployment.StartUp("up-2", worker, slots: 2);
        await up2.WaitUntilRunningAsync();
        var runningAt = DateTimeOffset.UtcNow;
        var atRestart = await deployment.Client.GetJobAsync(job.Id);
        Assert.False(atRestart.IsFinished, $"the job had finished before the kill ({atRestart.State}): nothing was disturbed");
        await deployment.WaitForJobAsync(job.Id, j => j.Progress.Accepted > atRestart.Progress.Accepted || j.IsFinished, "accept a unit after the restart");
        var test = nameof(Up_Kill9MidJobThenRestartOnSameData_CompletesWithUndisturbedResult);
        Measurements.Record(output, test, "embedded restart: process start -> silo running", runningAt - up2.StartedAt);
        Measurements.Record(output, test, "embedded restart: process start -> next unit accepted", DateTimeOffset.UtcNow - up2.StartedAt);

        await deployment.WaitForJobAsync(job.Id, j => j.IsFinished, "finish after the restart");
        var units = await PiJob.AssertCompletedOnceAsync(deployment.Client, job.Id, expected);
        output.WriteLine($"attempts beyond one per unit: {units.Sum(u => u.Attempts.Count - 1)} ({string.Join(", ", units.SelectMany(u => u.Attempts).Where(a => a.Outcome != "Succeeded").Select(a => a.Outcome))})");
        Assert.Empty(DockerHost.Containers($"boid.worker={worker}"));
    }

    [Fact]
    public async Task Dispatcher_Kill9WhileWorkerSiloRunsThenRestart_WorkerExitsAndRestartedWorkerCompletesJob()
    {
        var expected = await PiBaseline.ResultJsonAsync(output);
        using var deployment = new Deployment(nameof(Dispatcher_Kill9WhileWorkerSiloRunsThenRestart_WorkerExitsAndRestartedWorkerCompletesJob));
        var workerId = Accounts.New("crashdsp");
        var dispatcher = deployment.StartDispatcher("dispatcher-1", "--lease-ttl", "3");
        await dispatcher.WaitUntilRunningAsync();
        var worker = deployment.StartWorker("worker-1", workerId, slots: 3);
        await worker.WaitUntilRunningAsync();
        await deployment.Client.AddProtocolAsync(PiJob.Protocol);
        var job = await deployment.Client.SubmitJobAsync(PiJob.Spec(sleepSeconds: 2));
        await deployment.WaitForJobAsync(job.Id, j => j.Progress.Accepted >= 6, "accept 6 of its units");

        dispatcher.Kill9();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(worker.HasExited, $"the worker silo died while the dispatcher was down:\n{worker.Tail()}");

        var dispatcher2 = deployment.StartDispatcher("dispatcher-2", "--lease-ttl", "3");
        var restartedAt = dispatcher2.StartedAt;
        await dispatcher2.WaitUntilRunningAsync();
        var atRestart = await deployment.Client.GetJobAsync(job.Id);
        Assert.False(atRestart.IsFinished, $"the job had finished before the kill ({atRestart.State})");

        // Development (localhost) clustering keeps the membership table in the dispatcher's memory. The restarted
        // dispatcher starts a new table; the worker silo sees its version go back and Orleans stops that silo
        // (FailFast: "The cluster's membership state has been lost and this silo must terminate").
        Assert.True(await worker.ExitedWithinAsync(TimeSpan.FromSeconds(90)),
            $"waited 90 s for the worker silo to leave the lost cluster after the dispatcher restart:\n{worker.Tail()}");
        var workerExitedAt = DateTimeOffset.UtcNow;
        Assert.Contains("membership state has been lost", worker.Output, StringComparison.Ordinal);
        Measurements.Record(output, nameof(Dispatcher_Kill9WhileWorkerSiloRunsThenRestart_WorkerExitsAndRestartedWorkerCompletesJob),
            "dispatcher restart (process start) -> worker silo terminates", workerExitedAt - restartedAt);
        output.WriteLine($"worker silo exit code {worker.ExitCode}");

        // What a supervisor (systemd Restart=always, docker --restart) does: start it again. It removes what it left.
        var worker2 = deployment.StartWorker("worker-2", workerId, slots: 3);
        await worker2.WaitUntilRunningAsync();
        await deployment.WaitForJobAsync(job.Id, j => j.Progress.Accepted > atRestart.Progress.Accepted || j.IsFinished, "accept a unit after the restarts");
        Measurements.Record(output, nameof(Dispatcher_Kill9WhileWorkerSiloRunsThenRestart_WorkerExitsAndRestartedWorkerCompletesJob),
            "dispatcher restart (process start) -> next unit accepted (worker restarted on exit)", DateTimeOffset.UtcNow - restartedAt);

        await deployment.WaitForJobAsync(job.Id, j => j.IsFinished, "finish after the restarts");
        await PiJob.AssertCompletedOnceAsync(deployment.Client, job.Id, expected);
        Assert.False(worker2.HasExited, $"the restarted worker exited:\n{worker2.Tail()}");
        Assert.Empty(DockerHost.Containers($"boid.worker={workerId}"));
    }
}
