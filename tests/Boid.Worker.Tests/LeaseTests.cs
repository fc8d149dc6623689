namespace Boid.Worker.Tests;

/// <summary>A lease that is gone — refused at start, or lost while the container runs — ends the attempt without a report.</summary>
public sealed class LeaseTests
{
    [Fact]
    public async Task RunUnit_LeaseLostMidRun_ContainerStoppedNothingReportedSlotFreed()
    {
        await using var engine = new EngineHarness(slots: 1);
        var lost = await engine.StartWithOneUnitRunningAsync();

        engine.Link.Revoke(lost.LeaseId); // expired or cancelled at the dispatcher
        await engine.AdvanceUntilAsync(() => engine.Runner.Stopped.Contains(lost.LeaseId), EngineHarness.RenewInterval, "the refused renewal to stop the container");

        // The only slot is free again: the next unit runs. By then the lost unit has ended, so any report would have been sent.
        var next = engine.NewLease("1");
        engine.Link.Offer(next);
        await EngineHarness.Within(engine.Runner.RunningAsync(next.LeaseId), "the next unit to take the freed slot");
        Assert.DoesNotContain(engine.Link.ReportCalls, r => r.LeaseId == lost.LeaseId);
        Assert.DoesNotContain(lost.LeaseId, engine.Link.Uploads);
    }

    [Fact]
    public async Task RunUnit_LeaseGoneBeforeStart_ContainerNeverRunsNothingReported()
    {
        await using var engine = new EngineHarness(slots: 1);
        var (gone, next) = (engine.NewLease("0"), engine.NewLease("1"));
        engine.Link.MayStart = lease => lease.LeaseId != gone.LeaseId;
        engine.Link.Offer(gone, next);
        await engine.StartAsync();

        await EngineHarness.Within(engine.Runner.RunningAsync(next.LeaseId), "the next unit to run in the slot the refused one left");

        Assert.Single(engine.Runner.Started);
        Assert.DoesNotContain(engine.Link.ReportCalls, r => r.LeaseId == gone.LeaseId);
    }

    [Fact]
    public async Task Loops_OnTheFakeClock_RenewEveryRenewIntervalAndHeartbeatEveryHeartbeatInterval()
    {
        await using var engine = new EngineHarness(slots: 1);
        var start = engine.Time.GetUtcNow();
        var lease = await engine.StartWithOneUnitRunningAsync();

        for (var second = 1; second <= 10; second++)
        {
            engine.Time.Advance(TimeSpan.FromSeconds(1));
            var (renewals, heartbeats) = (second / 2, second / 5);
            await EngineHarness.UntilAsync(() => engine.Link.Renewals.Count >= renewals && engine.Link.Heartbeats.Count >= heartbeats,
                $"{renewals} renewals and {heartbeats} heartbeats after {second} s on the fake clock");
        }

        Assert.Equal([2, 4, 6, 8, 10], engine.Link.Renewals.Select(r => (int)(r.At - start).TotalSeconds));
        Assert.All(engine.Link.Renewals, r => Assert.Equal(lease.LeaseId, r.LeaseId));
        Assert.Equal([(5, 1), (10, 1)], engine.Link.Heartbeats.Select(h => ((int)(h.At - start).TotalSeconds, h.RunningUnits)));

        // Once the unit has reported, heartbeats go on (nothing running) and nothing is renewed.
        engine.Runner.Finish(lease.LeaseId);
        await EngineHarness.Within(engine.Link.ReportedAsync(lease.LeaseId), "the unit's report");
        await EngineHarness.UntilAsync(() => engine.Sut.Counters.Running == 0, "the finished unit to leave its slot");
        await engine.AdvanceUntilAsync(() => engine.Link.Heartbeats.Count == 3, TimeSpan.FromSeconds(1), "the third heartbeat");
        Assert.Equal(0, engine.Link.Heartbeats.Last().RunningUnits);
        Assert.Equal(5, engine.Link.Renewals.Count);
    }
}
