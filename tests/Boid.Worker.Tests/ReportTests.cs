using Boid.Abstractions.Errors;
using Boid.Abstractions.Model;

namespace Boid.Worker.Tests;

/// <summary>Reports are retried with back-off on the clock (a repeat is harmless: the lease id makes it a no-op).</summary>
public sealed class ReportTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Report_DispatcherUnavailableTwice_RetriedWithBackOffOnTheClockUntilApplied()
    {
        await using var engine = new EngineHarness(slots: 1);
        var reportedAt = new List<DateTimeOffset>();
        for (var i = 0; i < 2; i++)
        {
            engine.Link.NextReportAnswers.Enqueue(_ =>
            {
                reportedAt.Add(engine.Time.GetUtcNow());
                throw new HttpRequestException("connection refused");
            });
        }

        var lease = await engine.StartWithOneUnitRunningAsync();
        engine.Runner.Finish(lease.LeaseId);
        await engine.AdvanceUntilAsync(() => engine.Link.Applied.ContainsKey(lease.LeaseId), Step, "the report to get through after two failures");
        reportedAt.Add(engine.Time.GetUtcNow());

        var calls = engine.Link.ReportCalls.Where(r => r.LeaseId == lease.LeaseId).ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Equal(calls[0], c)); // the same report each time
        Assert.Equal(AttemptOutcome.Succeeded, engine.Link.Applied[lease.LeaseId].Outcome);
        Assert.True(reportedAt[1] - reportedAt[0] >= TimeSpan.FromMilliseconds(100), $"first retry after {(reportedAt[1] - reportedAt[0]).TotalMilliseconds} ms of the clock");
        Assert.True(reportedAt[2] - reportedAt[1] >= TimeSpan.FromMilliseconds(200), $"second retry after {(reportedAt[2] - reportedAt[1]).TotalMilliseconds} ms: the back-off doubles");
        Assert.Single(engine.Link.Uploads); // outputs go once, before the first report
        await EngineHarness.UntilAsync(() => engine.Sut.Counters.Done == 1, "the unit to count as done");
    }

    [Fact]
    public async Task Report_AppliedButAnswerLost_RepeatIgnoredAndTheUnitCountedOnce()
    {
        await using var engine = new EngineHarness(slots: 1);
        engine.Link.NextReportAnswers.Enqueue(report =>
        {
            engine.Link.Apply(report);
            throw new HttpRequestException("connection reset after the request was sent");
        });
        var lease = await engine.StartWithOneUnitRunningAsync();

        engine.Runner.Finish(lease.LeaseId);
        await engine.AdvanceUntilAsync(() => engine.Link.ReportCalls.Count == 2, Step, "the report to be repeated after the lost answer");
        await EngineHarness.UntilAsync(() => engine.Sut.Counters.Done == 1, "the unit to count as done");
        engine.Time.Advance(TimeSpan.FromMinutes(1)); // any retry still pending would fire now
        await engine.StopAsync();

        Assert.Equal(2, engine.Link.ReportCalls.Count); // the repeat was answered Ignored, and that is the end of it
        Assert.Single(engine.Link.Applied);
        Assert.Equal((1, 0), (engine.Sut.Counters.Done, engine.Sut.Counters.Failed));
    }

    [Fact]
    public async Task Report_RefusedAsNotFound_NotRepeatedTheSlotFreedAndShutdownClean()
    {
        await using var engine = new EngineHarness(slots: 1);
        engine.Link.NextReportAnswers.Enqueue(_ => throw BoidException.NotFound("no lease with that id"));
        var (refused, next) = (engine.NewLease("0"), engine.NewLease("1"));
        engine.Link.Offer(refused, next);
        await engine.StartAsync();
        await EngineHarness.Within(engine.Runner.RunningAsync(refused.LeaseId), "the unit's container to run");

        engine.Runner.Finish(refused.LeaseId);
        await EngineHarness.Within(engine.Runner.RunningAsync(next.LeaseId), "the next unit to take the slot of the reporting one");
        await EngineHarness.UntilAsync(() => engine.Link.ReportCalls.Any(r => r.LeaseId == refused.LeaseId), "the refused unit's report call");
        engine.Time.Advance(TimeSpan.FromMinutes(1)); // a retry still pending would fire now
        await engine.StopAsync(); // awaits every unit: a unit whose refusal escaped would fail it

        // One report, the result's; neither repeated nor followed by a worker error (a refusal will not change).
        Assert.Equal([AttemptOutcome.Succeeded], engine.Link.ReportCalls.Where(r => r.LeaseId == refused.LeaseId).Select(r => r.Outcome));
        Assert.Equal((0L, 0L), (engine.Sut.Counters.Done, engine.Sut.Counters.Failed));
    }
}
