using Boid.Abstractions.Grains;
using Boid.Abstractions.Model;
using Boid.Client;
using Boid.Faults.Tests.Infrastructure;
using Boid.Testing;
using Boid.Testing.Processes;
using Xunit.Abstractions;
using UnitStatus = Boid.Client.UnitStatus;
using WorkerView = Boid.Client.Worker;
using Boid.Abstractions;

namespace Boid.Faults.Tests;

/// <summary>kill -9 of a worker silo mid-unit, its restart; then a duplicate and a late report sent to the live dispatcher.</summary>
[Collection(FaultsCollection.Name)]
public sealed class WorkerCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_Kill9MidUnitThenRestart_LeftoversRemovedLeasesExpireNothingCountedTwice()
    {
        const string Test = nameof(Worker_Kill9MidUnitThenRestart_LeftoversRemovedLeasesExpireNothingCountedTwice);
        var expected = await PiBaseline.ResultJsonAsync(output);
        using var deployment = new Deployment(Test);
        var workerId = Accounts.New("crashwrk");
        var survivorId = Accounts.New("survivor");
        var dispatcher = deployment.StartDispatcher("dispatcher", "--lease-ttl", "6"); // short for the test, with room for a renewal that is late on a loaded machine
        await dispatcher.WaitUntilRunningAsync();
        var worker = deployment.StartWorker("worker-1", workerId, slots: 3);
        var survivor = deployment.StartWorker("survivor", survivorId, slots: 2);
        await worker.WaitUntilRunningAsync();
        await survivor.WaitUntilRunningAsync();
        await deployment.Client.AddProtocolAsync(PiJob.Protocol);
        var job = await deployment.Client.SubmitJobAsync(PiJob.Spec(sleepSeconds: 3));
        await deployment.WaitForJobAsync(job.Id, j => j.Progress.Accepted >= 3, "accept 3 of its units");
        await deployment.UntilAsync(() => Task.FromResult(DockerHost.Containers($"boid.worker={workerId}", runningOnly: true).Count >= 2),
            TimeSpan.FromSeconds(30), "two of the worker's containers to run at once");

        var killedAt = worker.Kill9();
        var leftovers = DockerHost.Containers($"boid.worker={workerId}");
        var lost = leftovers.Select(DockerHost.Labels).Where(l => l.ContainsKey("boid.lease")).ToDictionary(l => l["boid.lease"], l => l["boid.unit"]);
        output.WriteLine($"killed the worker with {leftovers.Count} containers running: units {string.Join(", ", lost.Values)}");
        Assert.NotEmpty(lost);

        // While it is down: each lost unit's lease expires (attempt recorded LeaseExpired) and the other worker takes it.
        var detection = new List<TimeSpan>();
        var redispatch = new List<TimeSpan>();
        foreach (var (lease, unitKey) in lost)
        {
            Unit? view = null;
            await deployment.UntilAsync(async () =>
            {
                view = await deployment.Client.GetUnitAsync(job.Id, unitKey);
                var index = view.Attempts.ToList().FindIndex(a => a.LeaseId == lease);
                return index >= 0 && view.Attempts[index].Outcome is not null && index + 1 < view.Attempts.Count;
            }, TimeSpan.FromSeconds(60), $"unit {unitKey}'s lease {lease} to expire and the unit to be leased again");
            var attempts = view!.Attempts.ToList();
            var expired = attempts[attempts.FindIndex(a => a.LeaseId == lease)];
            var next = attempts[attempts.IndexOf(expired) + 1];
            Assert.True(expired.Outcome == "LeaseExpired", $"unit {unitKey}'s attempt under the killed worker ended {expired.Outcome}: {expired.Reason}");
            Assert.Contains(workerId, expired.Reason, StringComparison.Ordinal);
            Assert.Equal(survivorId, next.Worker);
            detection.Add(expired.EndedAt!.Value - killedAt);
            redispatch.Add(next.LeasedAt - killedAt);
        }

        Measurements.Record(output, Test, "worker kill -9 -> lease expired (max over lost units, lease TTL 6 s)", detection.Max());
        Measurements.Record(output, Test, "worker kill -9 -> unit leased again by the surviving worker (max over lost units)", redispatch.Max());
        Assert.True(DockerHost.Containers($"boid.worker={workerId}").Intersect(leftovers).Any(), "the killed worker's containers vanished before it restarted");

        // The killed worker starts again: at start it removes what its predecessor left behind.
        var worker2 = deployment.StartWorker("worker-2", workerId, slots: 3);
        await deployment.UntilAsync(() => Task.FromResult(!DockerHost.Containers($"boid.worker={workerId}").Intersect(leftovers).Any()),
            TimeSpan.FromSeconds(90), $"the restarted worker to remove the containers its predecessor left ({string.Join(", ", leftovers.Select(c => c[..12]))})");
        Measurements.Record(output, Test, "worker restart (process start) -> its leftovers removed", DateTimeOffset.UtcNow - worker2.StartedAt);
        await worker2.WaitForOutputAsync("left behind by an earlier run", TimeSpan.FromSeconds(30), "log the leftovers it removed");

        await deployment.WaitForJobAsync(job.Id, j => j.IsFinished, "finish after the worker's restart");
        var units = await PiJob.AssertCompletedOnceAsync(deployment.Client, job.Id, expected);
        foreach (var (lease, unitKey) in lost)
        {
            var attempts = units.Single(u => u.UnitKey == unitKey).Attempts;
            Assert.Equal("LeaseExpired", attempts.Single(a => a.LeaseId == lease).Outcome);
        }

        var workers = (await deployment.Client.ListWorkersAsync()).Where(w => w.Account == workerId || w.Account == survivorId).ToList();
        Assert.Equal(PiJob.Units + 1, workers.Sum(w => w.UnitsAccepted)); // every unit and the amalgamation, once
        Assert.Empty(DockerHost.Containers($"boid.worker={workerId}"));
        Assert.Empty(DockerHost.Containers($"boid.worker={survivorId}"));

        await DuplicateAndLateReports_ChangeNothingAsync(deployment, job.Id, units, lost, expected, workers);
        Assert.False(worker2.HasExited, worker2.Tail());
    }

    /// <summary>
    /// A worker repeats the report that was accepted, and the killed worker's lease reports success late (its unit ran
    /// again meanwhile): both are acknowledged as ignored and neither progress, result, attempts nor credit change.
    /// </summary>
    private async Task DuplicateAndLateReports_ChangeNothingAsync(
        Deployment deployment, string jobId, IReadOnlyList<Unit> units, Dictionary<string, string> lost, byte[] expected, IReadOnlyList<WorkerView> credit)
    {
        var before = await deployment.Client.GetJobAsync(jobId);
        await using var gateway = await GatewayClient.ConnectAsync(deployment.GatewayPort);
        var (lateLease, lateUnit) = lost.First();
        var accepted = units.Single(u => u.UnitKey == lateUnit).Attempts.Single(a => a.Outcome == "Succeeded");
        var grain = gateway.Grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(jobId, lateUnit));
        UnitReport Report(string lease) => new()
        {
            JobId = jobId,
            UnitKey = lateUnit,
            LeaseId = lease,
            Outcome = AttemptOutcome.Succeeded,
            ExitCode = 0,
            Reason = "exited with code 0",
            RunTimeMicroseconds = 1_000_000,
        };

        Assert.Equal(ReportDisposition.Ignored, await grain.ReportAsync(Report(accepted.LeaseId))); // duplicate
        Assert.Equal(ReportDisposition.Ignored, await grain.ReportAsync(Report(lateLease)));         // late: its lease expired
        Assert.Equal(ReportDisposition.Ignored, await grain.ReportAsync(Report(lateLease)));         // and again
        output.WriteLine($"unit {lateUnit}: a duplicate of lease {accepted.LeaseId} and a late report of expired lease {lateLease} were ignored");

        var after = await deployment.Client.GetJobAsync(jobId);
        Assert.Equal(before.Progress, after.Progress);
        Assert.Equal(before.ContainerMicroseconds, after.ContainerMicroseconds);
        var unit = await deployment.Client.GetUnitAsync(jobId, lateUnit);
        Assert.Equal(units.Single(u => u.UnitKey == lateUnit).Attempts, unit.Attempts);
        Assert.Equal(UnitStatus.Accepted, unit.Status);
        var result = await PiJob.ResultJsonAsync(deployment.Client, jobId);
        Assert.True(expected.AsSpan().SequenceEqual(result), "result.json changed after the late report");
        var accounts = credit.Select(w => w.Account).ToHashSet();
        var creditAfter = (await deployment.Client.ListWorkersAsync()).Where(w => accounts.Contains(w.Account));
        Assert.Equal(credit.Select(w => (w.Account, w.UnitsAccepted, w.ContributedMicroseconds)).Order(),
            creditAfter.Select(w => (w.Account, w.UnitsAccepted, w.ContributedMicroseconds)).Order());
    }
}
