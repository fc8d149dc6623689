namespace Boid.Worker.Tests;

/// <summary>
/// Slots: never more containers than slots; a unit whose container is done and only reports frees its slot, but at most
/// as many units report at once as there are slots.
/// </summary>
public sealed class SlotTests
{
    [Fact]
    public async Task LeaseLoop_MoreUnitsThanSlots_NeverMoreContainersOrLeasesThanFreeSlots()
    {
        await using var engine = new EngineHarness(slots: 2);
        var leases = Enumerable.Range(0, 6).Select(i => engine.NewLease(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        engine.Link.Offer(leases);
        await engine.StartAsync();

        foreach (var lease in leases)
        {
            await EngineHarness.Within(engine.Runner.RunningAsync(lease.LeaseId), $"unit {lease.UnitKey}'s container to run");
            Assert.InRange(engine.Runner.Running, 1, 2);
            engine.Runner.Finish(lease.LeaseId);
        }

        await EngineHarness.Within(Task.WhenAll(leases.Select(l => engine.Link.ReportedAsync(l.LeaseId))), "all six reports");
        Assert.Equal(2, engine.Runner.MaxRunning);
        Assert.All(engine.Link.LeaseRequests, max => Assert.InRange(max, 1, 2));
    }

    [Fact]
    public async Task Reporting_SlowDispatcher_ReportingUnitFreesItsSlotButAtMostSlotsReport()
    {
        await using var engine = new EngineHarness(slots: 1);
        using var gate = new SemaphoreSlim(0);
        engine.Link.ReportGate = gate;
        var (a, b, c) = (engine.NewLease("0"), engine.NewLease("1"), engine.NewLease("2"));
        engine.Link.Offer(a, b, c);
        await engine.StartAsync();

        await EngineHarness.Within(engine.Runner.RunningAsync(a.LeaseId), "unit 0's container to run");
        engine.Runner.Finish(a.LeaseId);
        // 0 only reports now (held by the slow dispatcher): its slot runs unit 1 meanwhile.
        await EngineHarness.Within(engine.Runner.RunningAsync(b.LeaseId), "unit 1 to run while unit 0 reports");

        engine.Runner.Finish(b.LeaseId);
        await EngineHarness.UntilAsync(() => engine.Link.ReportCalls.Any(r => r.LeaseId == b.LeaseId), "unit 1's report call");
        // One slot, one unit reporting already: unit 1 keeps its slot while it reports, so unit 2 waits.
        Assert.Equal(1, engine.Sut.Counters.Running);
        Assert.Equal(2, engine.Runner.Started.Count);

        gate.Release(3);
        await EngineHarness.Within(engine.Runner.RunningAsync(c.LeaseId), "unit 2 to run once the reports got through");
        engine.Runner.Finish(c.LeaseId);
        await EngineHarness.Within(Task.WhenAll(new[] { a, b, c }.Select(l => engine.Link.ReportedAsync(l.LeaseId))), "all three reports");
        Assert.Equal(1, engine.Runner.MaxRunning);
    }
}
