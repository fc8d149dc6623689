using Boid.Abstractions.Model;

namespace Boid.Worker.Tests;

/// <summary>At shutdown the worker stops its containers, gives their units back (not counted as attempts) and drains the runner.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_UnitsRunning_StoppedReleasedAsCancelledAndRunnerDrained()
    {
        await using var engine = new EngineHarness(slots: 2);
        var (a, b) = (engine.NewLease("0"), engine.NewLease("1"));
        engine.Link.Offer(a, b);
        await engine.StartAsync();
        await EngineHarness.Within(Task.WhenAll(engine.Runner.RunningAsync(a.LeaseId), engine.Runner.RunningAsync(b.LeaseId)), "both containers to run");

        await engine.StopAsync();

        Assert.Equal([a.LeaseId, b.LeaseId], engine.Runner.Stopped.Order());
        foreach (var lease in new[] { a, b })
        {
            var report = Assert.Single(engine.Link.ReportCalls, r => r.LeaseId == lease.LeaseId);
            Assert.Equal(AttemptOutcome.Cancelled, report.Outcome); // the dispatcher does not count a Cancelled attempt
            Assert.True(report.Retryable);
            Assert.Contains("released", report.Reason, StringComparison.Ordinal);
        }

        Assert.Empty(engine.Link.Uploads);
        Assert.Equal(1, engine.Runner.Drains);
        Assert.Equal(0, engine.Runner.RunningAtDrain); // drained after every container had ended
        Assert.Equal((0L, 0L, 0), engine.Sut.Counters); // neither done nor failed
    }

    [Fact]
    public async Task Shutdown_Idle_LeftoversSweptAtStartAndRunnerDrainedAtStop()
    {
        await using var engine = new EngineHarness(slots: 1);
        await engine.StartAsync();

        await engine.StopAsync();

        Assert.Equal(["testworker"], engine.Runner.LeftoverSweeps);
        Assert.Equal("testworker", Assert.Single(engine.Link.Registrations).WorkerId);
        Assert.Equal(1, engine.Runner.Drains);
        Assert.Empty(engine.Link.ReportCalls);
    }
}
