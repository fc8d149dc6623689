using System.Collections.Concurrent;
using Boid.Abstractions.Model;
using Boid.Worker.Inputs;

namespace Boid.Worker.Tests;

/// <summary>
/// A dispatcher in memory: hands out the leases a test offers, remembers every call the engine makes (with the fake
/// clock's time), applies each lease's first report and ignores repeats, as the unit grain does. A test can make
/// report calls fail or wait, refuse renewals of a lease, or refuse its start.
/// </summary>
public sealed class InMemoryDispatcherLink(TimeProvider time) : IDispatcherLink
{
    private readonly ConcurrentQueue<UnitAssignment> _offered = new();
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UnitReport> _applied = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<UnitReport>> _reported = new(StringComparer.Ordinal);

    public ConcurrentQueue<WorkerRegistration> Registrations { get; } = new();

    /// <summary>The <c>max</c> of every lease call.</summary>
    public ConcurrentQueue<int> LeaseRequests { get; } = new();

    public ConcurrentQueue<(DateTimeOffset At, string LeaseId)> Renewals { get; } = new();

    public ConcurrentQueue<(DateTimeOffset At, int RunningUnits)> Heartbeats { get; } = new();

    public ConcurrentQueue<string> Uploads { get; } = new();

    /// <summary>Every report call, failed ones included.</summary>
    public ConcurrentQueue<UnitReport> ReportCalls { get; } = new();

    /// <summary>The reports the dispatcher applied: one per lease, the first.</summary>
    public IReadOnlyDictionary<string, UnitReport> Applied => _applied;

    /// <summary>How the next report calls are answered, in turn (throw to fail the call); after them, <see cref="Apply"/>.</summary>
    public ConcurrentQueue<Func<UnitReport, ReportDisposition>> NextReportAnswers { get; } = new();

    /// <summary>When set, every report call waits for it (a slow dispatcher): one <c>Release</c> lets one report through.</summary>
    public SemaphoreSlim? ReportGate { get; set; }

    /// <summary>Where the engine gets a lease's inputs; by default a source that has none (no test lease names one unless it sets this).</summary>
    public IInputSource Inputs { get; set; } = new NoInputs();

    /// <summary>Whether a lease may start; false: the lease is gone before the container starts.</summary>
    public Func<UnitAssignment, bool> MayStart { get; set; } = _ => true;

    public void Offer(params UnitAssignment[] leases)
    {
        foreach (var lease in leases)
        {
            _offered.Enqueue(lease);
        }
    }

    /// <summary>From now on renewals of this lease answer false (expired or cancelled at the dispatcher).</summary>
    public void Revoke(string leaseId) => _revoked[leaseId] = 0;

    /// <summary>What the unit grain does with a report: the first for a lease is applied, a repeat changes nothing.</summary>
    public ReportDisposition Apply(UnitReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_applied.TryAdd(report.LeaseId, report))
        {
            return ReportDisposition.Ignored;
        }

        Reported(report.LeaseId).TrySetResult(report);
        return ReportDisposition.Recorded;
    }

    /// <summary>Completes with the report the dispatcher applies for this lease.</summary>
    public Task<UnitReport> ReportedAsync(string leaseId) => Reported(leaseId).Task;

    public Task RegisterAsync(WorkerRegistration registration, CancellationToken cancellationToken)
    {
        Registrations.Enqueue(registration);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UnitAssignment>> LeaseAsync(string workerId, int max, CancellationToken cancellationToken)
    {
        LeaseRequests.Enqueue(max);
        var leases = new List<UnitAssignment>();
        while (leases.Count < max && _offered.TryDequeue(out var lease))
        {
            leases.Add(lease);
        }

        return Task.FromResult<IReadOnlyList<UnitAssignment>>(leases);
    }

    public Task<bool> StartedAsync(UnitAssignment lease, CancellationToken cancellationToken) => Task.FromResult(MayStart(lease));

    public Task<bool> RenewAsync(UnitAssignment lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Renewals.Enqueue((time.GetUtcNow(), lease.LeaseId));
        return Task.FromResult(!_revoked.ContainsKey(lease.LeaseId));
    }

    public Task UploadOutputsAsync(UnitAssignment lease, string outputDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Uploads.Enqueue(lease.LeaseId);
        return Task.CompletedTask;
    }

    public async Task<ReportDisposition> ReportAsync(UnitReport report, CancellationToken cancellationToken)
    {
        ReportCalls.Enqueue(report);
        if (ReportGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        return NextReportAnswers.TryDequeue(out var answer) ? answer(report) : Apply(report);
    }

    public Task HeartbeatAsync(string workerId, int runningUnits, CancellationToken cancellationToken)
    {
        Heartbeats.Enqueue((time.GetUtcNow(), runningUnits));
        return Task.CompletedTask;
    }

    private TaskCompletionSource<UnitReport> Reported(string leaseId) =>
        _reported.GetOrAdd(leaseId, _ => new TaskCompletionSource<UnitReport>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>An input source for leases without inputs: asked for one, it fails the test's expectations loudly.</summary>
    private sealed class NoInputs : IInputSource
    {
        public Task<IReadOnlyList<InputFile>> ResolveAsync(UnitAssignment lease, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this test's dispatcher has no input source: set InMemoryDispatcherLink.Inputs");

        public Task<(string Sha256, long Length)> DownloadAsync(UnitAssignment lease, InputFile file, string localPath, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("this test's dispatcher has no input source: set InMemoryDispatcherLink.Inputs");
    }
}
