using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using Boid.Grains.Specs;
using Boid.Storage;

namespace Boid.Grains.Tests;

/// <summary>Replication with a quorum for untrusted workers, reputation, and adaptive replication.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicationTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Replicated_CopiesGoToDifferentWorkers_AcceptedWhenTheyAgree()
    {
        var (id, job) = await SubmitAsync("copies: 2, quorum: 2");
        var (alice, bob) = (Worker("a"), Worker("b"));

        var first = Assert.Single(await _grains.LeaseAsync(job, alice, 1));
        var again = Assert.Single(await _grains.LeaseAsync(job, alice, 1));
        Assert.NotEqual(first.UnitKey, again.UnitKey); // alice never gets a second copy of her own unit
        var second = (await _grains.LeaseAsync(job, bob, 1)).Single();
        Assert.Equal(first.UnitKey, second.UnitKey);

        await ReportAsync(first, "42\n");
        Assert.NotEqual(UnitStatus.Accepted, (await Unit(first).GetAsync()).Status); // one result is no quorum
        await ReportAsync(second, "42\n");

        var unit = await Unit(first).GetAsync();
        Assert.Equal(UnitStatus.Accepted, unit.Status);
        Assert.All(unit.Attempts, a => Assert.True(a.AgreedWithQuorum));
        Assert.Equal(1, (await job.GetAsync()).Progress.Accepted);
        Assert.Equal("42\n", await ReadUnitOutputAsync(id, first.UnitKey));
        Assert.Equal(1, (await Contributor(alice)).CleanStreak);
        Assert.Equal(1, (await Contributor(bob)).CleanStreak);
    }

    [Fact]
    public async Task Replicated_QuorumReached_EveryAgreeingCopyCreditedAndTheLoserNot()
    {
        // BOINC grants credit to every valid result of a quorum: the volunteers who receive replicated work are paid for it.
        var (_, job) = await SubmitAsync("copies: 2, quorum: 2, max_copies: 3", units: 1);
        var (alice, bob, carol) = (Worker("a"), Worker("b"), Worker("c"));
        var first = Assert.Single(await _grains.LeaseAsync(job, alice, 1));
        var second = Assert.Single(await _grains.LeaseAsync(job, bob, 1));
        await ReportAsync(first, "42\n");
        await ReportAsync(second, "41\n"); // disagrees: a third copy decides
        var third = Assert.Single(await _grains.LeaseAsync(job, carol, 1));
        await ReportAsync(third, "42\n");

        Assert.Equal(JobState.Done, (await job.GetAsync()).State);
        var (a, b, c) = (await Contributor(alice), await Contributor(bob), await Contributor(carol));
        Assert.Equal((1L, 10L), (a.UnitsAccepted, a.ContributedMicroseconds));
        Assert.Equal((1L, 10L), (c.UnitsAccepted, c.ContributedMicroseconds));
        Assert.Equal((0L, 0L), (b.UnitsAccepted, b.ContributedMicroseconds)); // lost the quorum: nothing
    }

    [Fact]
    public async Task TakeUnits_ReplicaWanted_JobNeverOffersItToAHolder()
    {
        // One lease conversation: the unit told its job who holds a copy when it asked for another, so the job itself
        // passes alice by (no lease at the unit that the unit would have to refuse) and offers the copy to bob.
        var (_, job) = await SubmitAsync("copies: 2, quorum: 2", units: 1);
        var (alice, bob) = (Worker("a"), Worker("b"));
        var first = Assert.Single(await _grains.LeaseAsync(job, alice, 1));

        var toAlice = await job.TakeUnitsAsync([new UnitRequest(alice, 1, null)]);
        var toBob = await job.TakeUnitsAsync([new UnitRequest(bob, 1, null)]);

        Assert.Empty(Assert.Single(toAlice.Offers));
        Assert.False(toAlice.Idle); // a copy is wanted, only not from alice
        Assert.Equal(first.UnitKey, Assert.Single(Assert.Single(toBob.Offers)).Template.UnitKey);
    }

    [Fact]
    public async Task Replicated_WrongResult_MoreCopiesDispatchedAndTheLiarLosesTheQuorum()
    {
        var (id, job) = await SubmitAsync("copies: 2, quorum: 2, max_copies: 4");
        var (honest, liar, third) = (Worker("h"), Worker("l"), Worker("t"));

        var a = Assert.Single(await _grains.LeaseAsync(job, honest, 1));
        var b = Assert.Single(await _grains.LeaseAsync(job, liar, 1));
        Assert.Equal(a.UnitKey, b.UnitKey);
        await ReportAsync(a, "3.14159\n");
        await ReportAsync(b, "2.71828\n");
        Assert.NotEqual(UnitStatus.Accepted, (await Unit(a).GetAsync()).Status);

        var c = Assert.Single(await _grains.LeaseAsync(job, third, 1));
        Assert.Equal(a.UnitKey, c.UnitKey); // the disagreement asked for one more copy
        Assert.Equal(3, c.Attempt);
        await ReportAsync(c, "3.14159\n");

        var unit = await Unit(a).GetAsync();
        Assert.Equal(UnitStatus.Accepted, unit.Status);
        Assert.Equal("3.14159\n", await ReadUnitOutputAsync(id, a.UnitKey));
        Assert.False(unit.Attempts.Single(x => x.Worker == liar).AgreedWithQuorum);
        var liarRecord = await Contributor(liar);
        Assert.Equal(1, liarRecord.QuorumLosses);
        Assert.Equal(0, liarRecord.CleanStreak);
        Assert.Equal(1, (await Contributor(honest)).CleanStreak);
        Assert.Equal(1, (await job.GetAsync()).Progress.Accepted);
    }

    [Fact]
    public async Task Replicated_NumericTolerance_NoiseStillAgrees()
    {
        var (_, job) = await SubmitAsync("copies: 2, quorum: 2, compare: {numeric: 1e-6}");

        var a = Assert.Single(await _grains.LeaseAsync(job, Worker("x"), 1));
        var b = Assert.Single(await _grains.LeaseAsync(job, Worker("y"), 1));
        await ReportAsync(a, "pi 3.14159265358 n 1000\n");
        await ReportAsync(b, "pi 3.14159265301 n 1000\n");

        Assert.Equal(UnitStatus.Accepted, (await Unit(a).GetAsync()).Status);
    }

    [Fact]
    public async Task Replicated_NoQuorumWithinMaxCopies_UnitFailsWithReason()
    {
        var (_, job) = await SubmitAsync("copies: 2, quorum: 2, max_copies: 3");
        UnitAssignment? first = null;
        foreach (var (worker, answer) in new[] { (Worker("p"), "1\n"), (Worker("q"), "2\n"), (Worker("r"), "3\n") })
        {
            var lease = Assert.Single(await _grains.LeaseAsync(job, worker, 1));
            first ??= lease;
            Assert.Equal(first.UnitKey, lease.UnitKey);
            await ReportAsync(lease, answer);
        }

        var unit = await Unit(first!).GetAsync();
        Assert.Equal(UnitStatus.Failed, unit.Status);
        Assert.Contains("no quorum of 2 after 3 copies", unit.Attempts[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(1, (await job.GetAsync()).Progress.Failed);
    }

    [Fact]
    public async Task Replicated_CopyLostWithWorker_ReplacedByAnotherWorker()
    {
        var (_, job) = await SubmitAsync("copies: 2, quorum: 2");
        var a = Assert.Single(await _grains.LeaseAsync(job, Worker("u"), 1));
        var b = Assert.Single(await _grains.LeaseAsync(job, Worker("v"), 1));

        await Unit(b).ReportAsync(new UnitReport { JobId = b.JobId, UnitKey = b.UnitKey, LeaseId = b.LeaseId, Outcome = AttemptOutcome.Crashed, Reason = "signal 9", Retryable = true });
        var c = Assert.Single(await _grains.LeaseAsync(job, Worker("w"), 1));
        Assert.Equal(a.UnitKey, c.UnitKey);
        await ReportAsync(a, "same\n");
        await ReportAsync(c, "same\n");

        Assert.Equal(UnitStatus.Accepted, (await Unit(a).GetAsync()).Status);
    }

    [Fact]
    public async Task AdaptiveReplication_TrustedWorker_RunsSingleCopy()
    {
        var (_, job) = await SubmitAsync("copies: 2, quorum: 2");
        var trusted = Worker("z");
        for (var i = 0; i < ClusterFixture.TrustAfter; i++)
        {
            await _grains.GetGrain<IContributorGrain>(trusted).RecordValidationAsync(agreed: true);
        }

        Assert.True((await Contributor(trusted)).Trusted);
        var lease = Assert.Single(await _grains.LeaseAsync(job, trusted, 1));
        await ReportAsync(lease, "alone\n");

        Assert.Equal(UnitStatus.Accepted, (await Unit(lease).GetAsync()).Status);
        await _grains.GetGrain<IContributorGrain>(trusted).RecordValidationAsync(agreed: false);
        Assert.False((await Contributor(trusted)).Trusted); // one lost quorum resets the record
    }

    [Theory]
    [InlineData("replication: {copies: 2, quorum: 3}", "replication.quorum: 3 is more than copies (2)")]
    [InlineData("replication: {copies: 3, max_copies: 2}", "replication.max_copies: 2 is less than copies (3)")]
    [InlineData("replication: {copies: 2, compare: fuzzy}", "replication.compare: expected exact or {numeric: TOLERANCE}")]
    [InlineData("replication: {copies: 0}", "replication.copies: 0 is out of range")]
    public void Parse_BadReplication_ErrorNamesField(string replication, string expected)
    {
        var exception = Assert.Throws<BoidException>(() => JobSpecParser.Parse($"protocol: p\nimage: i\ncommand: [x]\nunits: 1\n{replication}\n"));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    private async Task<(string Id, IJobGrain Job)> SubmitAsync(string replication, int units = 2)
    {
        await _grains.GetGrain<IProtocolGrain>("testproto").SetAsync(new ProtocolSpec { Name = "testproto", Images = ["boid/*"] });
        var id = "r-" + Guid.NewGuid().ToString("N")[..12];
        var job = _grains.GetGrain<IJobGrain>(id);
        await job.SubmitAsync(JobSpecParser.Parse($"protocol: testproto\nimage: boid/test:1\ncommand: [run]\nunits: {units}\nreplication: {{{replication}}}\n"));
        return (id, job);
    }

    private static string Worker(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8].Replace('0', 'a').Replace('6', 'b').Replace('7', 'c').Replace('8', 'd').Replace('9', 'e');

    private IWorkUnitGrain Unit(UnitAssignment lease) => _grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(lease.JobId, lease.UnitKey));

    private Task<ContributorView> Contributor(string account) => _grains.GetGrain<IContributorGrain>(account).GetAsync();

    private async Task ReportAsync(UnitAssignment lease, string content)
    {
        var outputs = Directory.CreateTempSubdirectory("boid-rep-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outputs.FullName, "answer.txt"), content);
            await fixture.Store.PutAttemptAsync(new AttemptKey(lease.JobId, lease.UnitKey, lease.LeaseId), outputs.FullName);
            Assert.Equal(ReportDisposition.Recorded, await Unit(lease).ReportAsync(new UnitReport
            {
                JobId = lease.JobId,
                UnitKey = lease.UnitKey,
                LeaseId = lease.LeaseId,
                Outcome = AttemptOutcome.Succeeded,
                RunTimeMicroseconds = 10,
            }));
        }
        finally
        {
            outputs.Delete(recursive: true);
        }
    }

    private async Task<string> ReadUnitOutputAsync(string jobId, string unitKey)
    {
        using var reader = new StreamReader(fixture.Store.OpenRead(jobId, ResultArea.Unit(unitKey), "answer.txt"));
        return await reader.ReadToEndAsync();
    }
}
