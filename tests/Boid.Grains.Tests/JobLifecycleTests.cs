using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;

namespace Boid.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class JobLifecycleTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Submit_UnknownProtocol_NotFoundNamingProtocol()
    {
        var spec = JobSpecParser.Parse("protocol: nosuchproto\nimage: boid/x:1\ncommand: [x]\nunits: 1\n");

        var exception = await Assert.ThrowsAsync<BoidException>(() => _grains.GetGrain<IJobGrain>(NewId()).SubmitAsync(spec));

        Assert.Equal(BoidErrorKind.NotFound, exception.Kind);
        Assert.Equal("protocol", exception.Field);
    }

    [Fact]
    public async Task Submit_ImageNotAccepted_InvalidAndNothingStored()
    {
        await AddProtocolAsync();
        var id = NewId();
        var spec = JobSpecParser.Parse("protocol: testproto\nimage: evil/miner:1\ncommand: [x]\nunits: 1\n");

        var exception = await Assert.ThrowsAsync<BoidException>(() => _grains.GetGrain<IJobGrain>(id).SubmitAsync(spec));

        Assert.Equal("image", exception.Field);
        await Assert.ThrowsAsync<BoidException>(() => _grains.GetGrain<IJobGrain>(id).GetAsync());
    }

    [Fact]
    public async Task Job_AllUnitsSucceed_AmalgamatedDoneAndWorkerCredited()
    {
        var (id, job) = await SubmitAsync(units: 3, amalgamate: true);
        var worker = "w" + id[^6..];

        var leases = await _grains.LeaseAsync(job, worker, 10);
        Assert.Equal(["0", "1", "2"], leases.Select(l => l.UnitKey).Order());
        Assert.Equal(["/app/run", "1"], leases.Single(l => l.UnitKey == "1").Command);
        Assert.All(leases, l => Assert.Equal(1, l.Attempt));
        foreach (var lease in leases)
        {
            Assert.True(await Unit(lease).StartedAsync(lease.LeaseId));
            Assert.Equal(ReportDisposition.Recorded, await SucceedAsync(lease, runTime: 1_000));
        }

        var view = await job.GetAsync();
        Assert.Equal(JobState.Amalgamating, view.State);
        Assert.Equal(3, view.Progress.Accepted);

        var amalgamation = Assert.Single(await _grains.LeaseAsync(job, worker, 10));
        Assert.Equal("3", amalgamation.UnitKey); // the unit after the last one: an ordinary unit, its input every accepted unit
        Assert.Equal(view.AmalgamationUnit, amalgamation.UnitKey);
        Assert.Equal(["/app/reduce"], amalgamation.Command);
        Assert.Equal([new JobInput { Uri = $"job:{id}/units/", Path = "" }], amalgamation.Inputs);
        await SucceedAsync(amalgamation, runTime: 500, file: "summary.txt");

        view = await job.GetAsync();
        Assert.Equal(JobState.Done, view.State);
        Assert.Equal(3_000, view.ContainerMicroseconds);
        Assert.NotNull(view.FinishedAt);
        Assert.Equal(["summary.txt"], (await fixture.Store.ListResultAsync(id)).Select(f => f.RelativePath));
        Assert.Equal(["0", "1", "2"], (await fixture.Store.ListAcceptedUnitsAsync(id)).Select(f => f.RelativePath.Split('/')[0]).Distinct().Order());

        var credit = await _grains.GetGrain<IContributorGrain>(worker).GetAsync();
        Assert.Equal(4, credit.UnitsAccepted);
        Assert.Equal(3_500, credit.ContributedMicroseconds);
    }

    [Fact]
    public async Task Report_DuplicateLateAndForeign_IgnoredAndCountedOnce()
    {
        var (_, job) = await SubmitAsync(units: 2);
        var leases = await _grains.LeaseAsync(job, "wdup", 2);
        var lease = leases[0];

        Assert.Equal(ReportDisposition.Recorded, await SucceedAsync(lease));
        Assert.Equal(ReportDisposition.Ignored, await SucceedAsync(lease));
        Assert.Equal(ReportDisposition.Ignored, await Unit(leases[1]).ReportAsync(Report(leases[1]) with { LeaseId = "not-the-lease" }));

        var view = await job.GetAsync();
        Assert.Equal(1, view.Progress.Accepted);
        Assert.Equal(1, view.Progress.Running);
        Assert.False(await Unit(lease).RenewAsync(lease.LeaseId));
    }

    [Fact]
    public async Task Report_RetryableFailure_RetriedUntilMaxAttemptsThenJobFails()
    {
        var (_, job) = await SubmitAsync(units: 1, maxAttempts: 2);

        var first = Assert.Single(await _grains.LeaseAsync(job, "wretry", 5));
        await Unit(first).ReportAsync(Report(first) with { Outcome = AttemptOutcome.Crashed, Reason = "killed by signal 11", Retryable = true });
        Assert.Equal(JobState.Running, (await job.GetAsync()).State);

        var second = Assert.Single(await _grains.LeaseAsync(job, "wretry", 5));
        Assert.Equal(2, second.Attempt);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        await Unit(second).ReportAsync(Report(second) with { Outcome = AttemptOutcome.TimedOut, Reason = "timed out after 1s", Retryable = true });

        var view = await job.GetAsync();
        Assert.Equal(JobState.Failed, view.State);
        Assert.Equal(1, view.Progress.Failed);
        Assert.Equal(2, view.Progress.FailedAttempts);
        Assert.Contains("timed out after 1s", view.Reason, StringComparison.Ordinal);
        var unit = await Unit(second).GetAsync();
        Assert.Equal(UnitStatus.Failed, unit.Status);
        Assert.Equal([AttemptOutcome.Crashed, AttemptOutcome.TimedOut], unit.Attempts.Select(a => a.Outcome!.Value));
    }

    [Fact]
    public async Task Report_NotRetryable_FailsAtOnceAndToleratedFailureStillCompletes()
    {
        var (_, job) = await SubmitAsync(units: 2, maxAttempts: 3, maxFailedPercent: 50);
        var leases = await _grains.LeaseAsync(job, "wnoretry", 5);

        await Unit(leases[0]).ReportAsync(Report(leases[0]) with { Outcome = AttemptOutcome.ImageMissing, Reason = "image missing", Retryable = false });
        await SucceedAsync(leases[1]);

        var view = await job.GetAsync();
        Assert.Equal(JobState.Done, view.State);
        Assert.Equal(1, view.Progress.Failed);
        Assert.Equal(1, view.Progress.Accepted);
        Assert.Empty(await _grains.LeaseAsync(job, "wnoretry", 5));
    }

    [Fact]
    public async Task Report_RequiredOutputMissing_AttemptFailsWithReason()
    {
        var (_, job) = await SubmitAsync(units: 1, maxAttempts: 1, required: "result.txt");
        var lease = Assert.Single(await _grains.LeaseAsync(job, "wmissing", 1));

        await SucceedAsync(lease, file: "other.txt");

        var unit = await Unit(lease).GetAsync();
        Assert.Equal(UnitStatus.Failed, unit.Status);
        Assert.Equal(AttemptOutcome.MissingOutput, unit.Attempts[0].Outcome);
        Assert.Contains("result.txt", unit.Attempts[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_ReleasedAtWorkerShutdown_NotCountedAgainstAttempts()
    {
        var (_, job) = await SubmitAsync(units: 1, maxAttempts: 1);
        var lease = Assert.Single(await _grains.LeaseAsync(job, "wshutdown", 1));

        await Unit(lease).ReportAsync(Report(lease) with { Outcome = AttemptOutcome.Cancelled, Reason = "released", Retryable = true });

        var again = Assert.Single(await _grains.LeaseAsync(job, "wother", 1));
        Assert.Equal(2, again.Attempt);
        await SucceedAsync(again);
        Assert.Equal(JobState.Done, (await job.GetAsync()).State);
    }

    [Fact]
    public async Task Lease_NotRenewed_ExpiresAndUnitIsDispatchedAgain()
    {
        var (_, job) = await SubmitAsync(units: 1);
        var lease = Assert.Single(await _grains.LeaseAsync(job, "wlost", 1));

        ClusterFixture.Time.Advance(ClusterFixture.LeaseTtl + TimeSpan.FromSeconds(1));
        var again = await WaitForAsync(async () => (await _grains.LeaseAsync(job, "wsurvivor", 1)).SingleOrDefault(), "the lost lease to expire and its unit to be leased again");

        Assert.Equal(lease.UnitKey, again.UnitKey);
        Assert.Equal(2, again.Attempt);
        Assert.Equal(ReportDisposition.Ignored, await SucceedAsync(lease));
        Assert.Equal(ReportDisposition.Recorded, await SucceedAsync(again));
        var unit = await Unit(again).GetAsync();
        Assert.Equal(AttemptOutcome.LeaseExpired, unit.Attempts[0].Outcome);
        Assert.Equal(1, (await job.GetAsync()).Progress.Accepted);
    }

    [Fact]
    public async Task TakenButNeverLeased_SweptAndOfferedAgain()
    {
        // The dispatch grain took a unit from the job and was lost (with its silo) before leasing it.
        var (_, job) = await SubmitAsync(units: 1);
        var taken = Assert.Single(Assert.Single((await job.TakeUnitsAsync([new UnitRequest("wgone", 1, null)])).Offers)).Template;
        Assert.Empty(await _grains.LeaseAsync(job, "wsweep", 1)); // out, as far as the job knows

        // Two sweeps (every two lease periods, on Orleans' real clock) later the job has asked the unit, found it
        // pending, and offers it again.
        var again = await WaitForAsync(async () => (await _grains.LeaseAsync(job, "wsweep", 1)).SingleOrDefault(), "the sweep to find the unit pending");
        Assert.Equal(taken.UnitKey, again.UnitKey);
        Assert.Equal(1, again.Attempt);
        Assert.Equal(ReportDisposition.Recorded, await SucceedAsync(again));
        Assert.Equal(1, (await job.GetAsync()).Progress.Accepted);
    }

    [Fact]
    public async Task Lease_Renewed_OutlivesItsTtl()
    {
        var (_, job) = await SubmitAsync(units: 1);
        var lease = Assert.Single(await _grains.LeaseAsync(job, "wrenew", 1));

        for (var i = 0; i < 4; i++)
        {
            ClusterFixture.Time.Advance(ClusterFixture.LeaseTtl / 2);
            Assert.True(await Unit(lease).RenewAsync(lease.LeaseId));
        }

        Assert.Equal(ReportDisposition.Recorded, await SucceedAsync(lease));
    }

    [Fact]
    public async Task Cancel_RunningJob_LeasesEndAndLateReportsChangeNothing()
    {
        var (_, job) = await SubmitAsync(units: 3);
        var leases = await _grains.LeaseAsync(job, "wcancel", 2);

        var view = await job.CancelAsync();

        Assert.Equal(JobState.Cancelled, view.State);
        Assert.Equal(0, view.Progress.Running);
        await WaitForAsync(async () => await Unit(leases[0]).RenewAsync(leases[0].LeaseId) ? null : "stopped", "the unit to learn of the cancellation");
        Assert.Equal(ReportDisposition.Ignored, await SucceedAsync(leases[1]));
        Assert.Empty(await _grains.LeaseAsync(job, "wcancel", 5));
        Assert.Equal(0, (await job.GetAsync()).Progress.Accepted);
    }

    [Fact]
    public async Task Submit_MillionUnitJob_ActivatesOnlyLeasedUnits()
    {
        var (id, job) = await SubmitAsync(units: 1_000_000);

        var leases = await _grains.LeaseAsync(job, "wbig", 5);

        Assert.Equal(5, leases.Count);
        Assert.Equal(1_000_000, (await job.GetAsync()).Progress.Total);
        var management = _grains.GetGrain<IManagementGrain>(0);
        var units = await management.GetActiveGrains(GrainType.Create("workunit"));
        Assert.Equal(5, units.Count(u => u.Key.ToString().StartsWith(id + "/", StringComparison.Ordinal)));
        await job.CancelAsync();
    }

    [Fact]
    public async Task DispatchLease_TwoActiveJobs_BothGetUnits()
    {
        var dispatch = _grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool);
        foreach (var active in await dispatch.ActiveJobsAsync())
        {
            await _grains.GetGrain<IJobGrain>(active).CancelAsync();
        }

        var (first, _) = await SubmitAsync(units: 100);
        var (second, _) = await SubmitAsync(units: 100);

        var leases = await dispatch.LeaseAsync("wfair", 10);

        Assert.Equal(10, leases.Count);
        Assert.Contains(leases, l => l.JobId == first);
        Assert.Contains(leases, l => l.JobId == second);
        Assert.Equal(2, (await dispatch.ActiveJobsAsync()).Count);
        await _grains.GetGrain<IJobGrain>(first).CancelAsync();
        await _grains.GetGrain<IJobGrain>(second).CancelAsync();
        Assert.Empty(await dispatch.ActiveJobsAsync());
    }

    [Fact]
    public async Task Directory_AfterSubmitAndRegister_ListsJobProtocolAndWorker()
    {
        var (id, _) = await SubmitAsync(units: 1);
        await _grains.GetGrain<IContributorGrain>("wlisted").RegisterAsync(new WorkerRegistration { WorkerId = "wlisted", Cores = 2, Slots = 2 });
        await _grains.GetGrain<IContributorGrain>("wlisted").HeartbeatAsync(1);

        var directory = _grains.GetGrain<IDirectoryGrain>(0);

        Assert.Contains(id, await directory.ListJobsAsync(1000));
        Assert.Contains("testproto", await directory.ListProtocolsAsync());
        Assert.Contains("wlisted", await directory.ListContributorsAsync());
        var worker = await _grains.GetGrain<IContributorGrain>("wlisted").GetAsync();
        Assert.Equal(1, worker.RunningUnits);
        Assert.Equal(ClusterFixture.Time.GetUtcNow(), worker.LastSeen);
    }

    [Fact]
    public async Task ProtocolSet_KeyMismatch_Invalid()
    {
        var exception = await Assert.ThrowsAsync<BoidException>(() =>
            _grains.GetGrain<IProtocolGrain>("one").SetAsync(new ProtocolSpec { Name = "two", Images = ["x"] }));

        Assert.Equal("name", exception.Field);
    }

    private async Task AddProtocolAsync() =>
        await _grains.GetGrain<IProtocolGrain>("testproto").SetAsync(new ProtocolSpec { Name = "testproto", Images = ["boid/*"] });

    private async Task<(string Id, IJobGrain Job)> SubmitAsync(int units, bool amalgamate = false, int maxAttempts = 3, double maxFailedPercent = 0, string? required = null)
    {
        await AddProtocolAsync();
        var yaml = string.Join('\n',
            "protocol: testproto",
            "image: boid/test:1",
            "command: [\"/app/run\", \"{{unit}}\"]",
            $"units: {units}",
            $"max_attempts: {maxAttempts}",
            $"max_failed_percent: {maxFailedPercent}",
            required is null ? "" : $"outputs: {{required: [{required}]}}",
            amalgamate ? "amalgamate: {command: [/app/reduce]}" : "");
        var id = NewId();
        var job = _grains.GetGrain<IJobGrain>(id);
        await job.SubmitAsync(JobSpecParser.Parse(yaml));
        return (id, job);
    }

    private IWorkUnitGrain Unit(UnitAssignment lease) => _grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(lease.JobId, lease.UnitKey));

    private async Task<ReportDisposition> SucceedAsync(UnitAssignment lease, long runTime = 100, string file = "result.txt")
    {
        var outputs = Directory.CreateTempSubdirectory("boid-out-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outputs.FullName, file), $"unit {lease.UnitKey}\n");
            await fixture.Store.PutAttemptAsync(new AttemptKey(lease.JobId, lease.UnitKey, lease.LeaseId), outputs.FullName);
            return await Unit(lease).ReportAsync(Report(lease) with { RunTimeMicroseconds = runTime });
        }
        finally
        {
            outputs.Delete(recursive: true);
        }
    }

    private static UnitReport Report(UnitAssignment lease) => new()
    {
        JobId = lease.JobId,
        UnitKey = lease.UnitKey,
        LeaseId = lease.LeaseId,
        Outcome = AttemptOutcome.Succeeded,
        ExitCode = 0,
    };

    private static string NewId() => "t-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"waited 20 s for {what}");
    }
}
