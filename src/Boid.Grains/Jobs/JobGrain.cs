using System.Globalization;
using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Boid.Abstractions.Telemetry;
using Boid.Grains.Contributors;
using Boid.Grains.Specs;
using Boid.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Grains.Jobs;

[GenerateSerializer, Alias("boid.JobGrainState")]
public sealed class JobGrainState
{
    [Id(0)] public JobSpec? Spec { get; set; }
    [Id(1)] public JobState State { get; set; }
    [Id(2)] public DateTimeOffset SubmittedAt { get; set; }
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(4)] public string Reason { get; set; } = "";
    [Id(5)] public bool AllowNetwork { get; set; }

    /// <summary>Units below this index have been handed out at least once; above it they exist only as numbers.</summary>
    [Id(6)] public long NextIndex { get; set; }

    /// <summary>Units out on lease now. Bounded by the workers' slots, not by the job's size.</summary>
    [Id(7)] public HashSet<string> InFlight { get; set; } = [];

    /// <summary>
    /// Units out (in <see cref="InFlight"/>) that want a copy handed out: new ones, ones whose attempt failed,
    /// ones whose replicated results need more copies for a quorum. Served before new units; oldest first.
    /// </summary>
    [Id(8)] public List<string> Wanting { get; set; } = [];

    [Id(9)] public long Accepted { get; set; }
    [Id(10)] public long Failed { get; set; }
    [Id(11)] public long FailedAttempts { get; set; }
    [Id(12)] public long ContainerMicroseconds { get; set; }

    /// <summary>What each worker contributed to this job: µs of accepted container time and units.</summary>
    [Id(13)] public Dictionary<string, JobCredit> Workers { get; set; } = [];
}

/// <summary>
/// One activation per job; its calls run one at a time, and none of them waits on a unit grain (units call
/// their job, so a job waiting on a unit could deadlock). It picks units for lease requests and counts
/// finished units in memory; its state is written as a checkpoint (<see cref="DispatchOptions.JobCheckpointInterval"/>)
/// and at the job's end, so that thousands of units a second share a few writes. The unit grains are the
/// record in between: after a crash the job reconciles the units it had out and offers the units past its
/// cursor again, and their unit grains lease them, refuse them (out already) or report them as finished.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", BoidNames.Storage)] IPersistentState<JobGrainState> state,
    IGrainFactory grains,
    IOptions<DispatchOptions> options,
    [FromKeyedServices(BoidNames.Clock)] TimeProvider time,
    ILogger<JobGrain> logger,
    IResultStore store) : Grain, IJobGrain
{
    private static readonly TimeSpan CreditFlushInterval = TimeSpan.FromSeconds(10);
    private const int ReconcileParallelism = 64;
    private readonly HashSet<string> _creditsToFlush = [];
    /// <summary>Ledger records of units counted since the last checkpoint; recorded (idempotently) before it is written.</summary>
    private readonly List<ContributionRecord> _unrecorded = [];
    /// <summary>Workers a unit wanting copies refused (they ran one already). Memory only: after a restart a unit just refuses again.</summary>
    private readonly Dictionary<string, HashSet<string>> _refusedBy = new(StringComparer.Ordinal);
    private bool _dirty;
    private ulong? _ledgerJobId;
    private HashSet<string> _outAtLastSweep = [];
    private ProtocolSpec? _protocol;
    private IGrainTimer? _creditTimer;

    private string JobId => this.GetPrimaryKeyString();

    private JobGrainState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not null && S.InFlight.Count > 0 && IsActive(S.State))
        {
            // Units that were out on lease when this grain last ran may have finished, failed or been lost
            // meanwhile (a crash after the unit's write and before our checkpoint). Ask each, off the activation path.
            this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }

        if (S.Spec is not null && IsActive(S.State))
        {
            foreach (var worker in S.Workers.Keys)
            {
                _creditsToFlush.Add(worker);
            }
        }

        var checkpoint = options.Value.JobCheckpointInterval;
        this.RegisterGrainTimer(CheckpointTimerAsync, checkpoint, checkpoint);
        var sweep = options.Value.LeaseTtl * 2;
        this.RegisterGrainTimer(SweepAsync, sweep, sweep);
        _creditTimer = this.RegisterGrainTimer(FlushCreditsAsync, CreditFlushInterval, CreditFlushInterval);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await CheckpointAsync();
        }

        BoidMetrics.ForgetQueueDepth(JobId);
    }

    public async Task<JobView> SubmitAsync(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (S.Spec is not null)
        {
            throw new BoidException(BoidErrorKind.Conflict, $"job '{JobId}' already exists", "id");
        }

        var protocol = await grains.GetGrain<IProtocolGrain>(spec.Protocol).GetAsync()
            ?? throw new BoidException(BoidErrorKind.NotFound, $"protocol: no protocol named '{spec.Protocol}' (add it with `boid protocol add`)", "protocol");
        JobSpecValidator.Validate(spec, protocol, options.Value);
        var contentHash = await Records.JobRecords.StoreSpecAsync(store, JobId, protocol.DataDirectory, spec); // the hash anchored on chain

        S.Spec = spec;
        S.State = JobState.Submitted;
        S.SubmittedAt = time.GetUtcNow();
        S.AllowNetwork = protocol.AllowNetwork;
        await Ledger.AnchorJobAsync(new LedgerOperation
        {
            Kind = LedgerOperationKind.NewJob,
            Protocol = spec.Protocol,
            JobId = LedgerIds.JobId(JobId),
            JobKey = JobId,
            Researcher = protocol.Researcher,
            ContentHash = contentHash,
            Units = (uint)Math.Clamp(spec.Sweep.UnitCount, 1, uint.MaxValue),
        });
        await state.WriteStateAsync();
        await grains.GetGrain<IDirectoryGrain>(0).AddJobAsync(JobId);
        await Dispatch.AddJobAsync(JobId);
        Log.JobSubmitted(logger, JobId, spec.Sweep.UnitCount, spec.Image, spec.Protocol);
        return View();
    }

    public Task<JobView> GetAsync() => Task.FromResult(View());

    public Task<JobSpec> GetSpecAsync() => Task.FromResult(RequireSpec());

    public async Task<JobView> CancelAsync()
    {
        RequireSpec();
        if (!IsActive(S.State))
        {
            return View();
        }

        var inFlight = S.InFlight.ToArray();
        S.State = JobState.Cancelled;
        S.Reason = "cancelled";
        S.FinishedAt = time.GetUtcNow();
        S.InFlight.Clear();
        S.Wanting.Clear();
        await StoreSummaryAsync();
        await CheckpointAsync();
        await Ledger.JobEndedAsync(JobEnd());
        await Dispatch.RemoveJobAsync(JobId);
        BoidMetrics.ForgetQueueDepth(JobId);

        // Not awaited: a unit may at this moment be waiting on this grain to record its report, and
        // awaiting it here would deadlock. A lost cancel is harmless: the unit's report is ignored.
        foreach (var unitKey in inFlight)
        {
            _ = CancelUnitAsync(unitKey);
        }

        await FlushCreditsAsync(CancellationToken.None);
        Log.JobFinished(logger, JobId, S.State, S.Accepted, S.Failed, S.Reason);
        return View();
    }

    public async Task<UnitAssignment[][]> TakeUnitsAsync(UnitRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var spec = RequireSpec();
        var offers = new UnitAssignment[requests.Length][];
        for (var i = 0; i < requests.Length; i++)
        {
            offers[i] = IsActive(S.State) ? await OfferAsync(spec, requests[i]) : [];
        }

        return offers;
    }

    public async Task UnitFinishedAsync(UnitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!S.InFlight.Remove(result.UnitKey))
        {
            return; // Counted already, or the job ended: each unit counts once.
        }

        _refusedBy.Remove(result.UnitKey);
        Count(result);
        _dirty = true;
        if (!IsActive(S.State))
        {
            await EndAsync();
        }
        else if (S.State == JobState.Amalgamating && S.Wanting.Contains(AttemptKey.AmalgamationUnitKey))
        {
            await Dispatch.AddJobAsync(JobId);
        }
    }

    public async Task UnitNeedsCopiesAsync(string unitKey, bool afterFailure)
    {
        if (!S.InFlight.Contains(unitKey))
        {
            return;
        }

        if (afterFailure)
        {
            S.FailedAttempts++;
        }

        await WantCopiesAsync([unitKey]);
    }

    public async Task UnitsWantCopiesAsync(string[] unitKeys, string? refusedBy)
    {
        ArgumentNullException.ThrowIfNull(unitKeys);
        var outNow = unitKeys.Where(S.InFlight.Contains).ToArray();
        if (refusedBy is not null)
        {
            foreach (var key in outNow)
            {
                if (!_refusedBy.TryGetValue(key, out var workers))
                {
                    _refusedBy[key] = workers = [];
                }

                workers.Add(refusedBy);
            }
        }

        await WantCopiesAsync(outNow);
    }

    /// <summary>Puts units that are out back in the list of units wanting a copy, and the job back in the round-robin.</summary>
    private async Task WantCopiesAsync(string[] unitKeys)
    {
        foreach (var key in unitKeys.Where(key => !S.Wanting.Contains(key)))
        {
            S.Wanting.Add(key);
        }

        _dirty = true;
        await Dispatch.AddJobAsync(JobId);
    }

    private async Task<UnitAssignment[]> OfferAsync(JobSpec spec, UnitRequest request)
    {
        if (request.Max <= 0 || (request.Fit is not null && !await FitsAsync(spec, request.WorkerId, request.Fit)))
        {
            return [];
        }

        // Units already out that want another copy (retries, replicas) come first, except those that refused
        // this worker before. They leave the list when offered; one that still wants copies comes back.
        var keys = new List<string>(Math.Min(request.Max, 1024));
        for (var i = 0; i < S.Wanting.Count && keys.Count < request.Max;)
        {
            var key = S.Wanting[i];
            if (!S.InFlight.Contains(key))
            {
                S.Wanting.RemoveAt(i); // finished meanwhile
            }
            else if (_refusedBy.TryGetValue(key, out var refused) && refused.Contains(request.WorkerId))
            {
                i++;
            }
            else
            {
                S.Wanting.RemoveAt(i);
                keys.Add(key);
            }
        }

        var total = spec.Sweep.UnitCount;
        while (keys.Count < request.Max && S.State != JobState.Amalgamating && S.NextIndex < total)
        {
            var key = S.NextIndex.ToString(CultureInfo.InvariantCulture);
            S.NextIndex++;
            S.InFlight.Add(key);
            keys.Add(key);
        }

        if (keys.Count == 0)
        {
            return [];
        }

        if (S.State == JobState.Submitted)
        {
            S.State = JobState.Running;
        }

        _dirty = true;
        return [.. keys.Select(key => Template(spec, key))];
    }

    /// <summary>Resource matching and the protocol's remote-worker policy (docs/volunteer.md). The protocol is read once per activation.</summary>
    private async Task<bool> FitsAsync(JobSpec spec, string workerId, WorkerFit fit)
    {
        if (!fit.Meets(spec.Requirements))
        {
            return false;
        }

        if (!fit.Remote)
        {
            return true;
        }

        _protocol ??= await grains.GetGrain<IProtocolGrain>(spec.Protocol).GetAsync();
        return _protocol is not null && fit.MayRun(_protocol, workerId, replicated: spec.Replication is not null && S.State != JobState.Amalgamating);
    }

    private UnitAssignment Template(JobSpec spec, string unitKey)
    {
        if (unitKey == AttemptKey.AmalgamationUnitKey)
        {
            var amalgamate = spec.Amalgamate!;
            return new UnitAssignment
            {
                JobId = JobId,
                UnitKey = unitKey,
                LeaseId = "",
                Image = amalgamate.Image,
                Command = amalgamate.Command,
                Environment = amalgamate.Environment,
                Resources = amalgamate.Resources,
                Outputs = new OutputSpec { MaxSizeBytes = spec.Outputs.MaxSizeBytes },
                AllowNetwork = S.AllowNetwork,
                MaxAttempts = spec.MaxAttempts,
            };
        }

        var parameters = spec.Sweep.ParametersOf(long.Parse(unitKey, CultureInfo.InvariantCulture));
        return new UnitAssignment
        {
            JobId = JobId,
            UnitKey = unitKey,
            LeaseId = "",
            Image = spec.Image,
            // Arrays, not collection expressions: a unit's state holds its template, and grain storage (JSON)
            // cannot recreate the compiler's private read-only list types when the unit is activated again.
            Command = spec.Command.Select(part => Templates.Substitute(part, parameters)).ToArray(),
            Environment = spec.Environment.ToDictionary(e => e.Key, e => Templates.Substitute(e.Value, parameters)),
            Resources = spec.Resources,
            Outputs = spec.Outputs,
            AllowNetwork = S.AllowNetwork,
            MaxAttempts = spec.MaxAttempts,
            Replication = spec.Replication,
            Inputs = JobSpecParser.InputsFor(spec, parameters),
        };
    }

    private void Count(UnitResult result)
    {
        if (result.Status == UnitStatus.Accepted && result.Worker.Length > 0 && result.RunTimeMicroseconds > 0)
        {
            _unrecorded.Add(new ContributionRecord
            {
                Id = LedgerIds.WorkerRecord(JobId, result.UnitKey),
                Protocol = S.Spec!.Protocol,
                Contributor = result.Worker,
                Role = ContributorRole.Worker,
                Amount = (ulong)result.RunTimeMicroseconds,
                JobId = _ledgerJobId ??= LedgerIds.JobId(JobId), // a hash: once per activation, not per unit
                JobKey = JobId,
            });
        }

        if (result.Status == UnitStatus.Accepted && result.Worker.Length > 0)
        {
            S.Workers.TryGetValue(result.Worker, out var credit);
            S.Workers[result.Worker] = new JobCredit((credit?.Microseconds ?? 0) + result.RunTimeMicroseconds, (credit?.Units ?? 0) + 1);
            _creditsToFlush.Add(result.Worker);
        }

        if (result.UnitKey == AttemptKey.AmalgamationUnitKey)
        {
            S.State = result.Status == UnitStatus.Accepted ? JobState.Done : JobState.Failed;
            S.Reason = result.Status == UnitStatus.Accepted ? "" : $"amalgamation failed: {result.Reason}";
            S.FinishedAt = time.GetUtcNow();
            return;
        }

        if (result.Status == UnitStatus.Accepted)
        {
            S.Accepted++;
            S.ContainerMicroseconds += result.RunTimeMicroseconds;
        }
        else
        {
            S.Failed++;
            S.FailedAttempts++;
            S.Reason = $"unit {result.UnitKey}: {result.Reason}";
        }

        var spec = S.Spec!;
        var total = spec.Sweep.UnitCount;
        if (S.State != JobState.Running || S.Accepted + S.Failed < total)
        {
            return;
        }

        var failedPercent = S.Failed * 100.0 / total;
        if (S.Failed > 0 && failedPercent > spec.MaxFailedPercent)
        {
            S.State = JobState.Failed;
            S.Reason = string.Create(CultureInfo.InvariantCulture,
                $"{S.Failed} of {total} units failed ({failedPercent:0.##}% > max_failed_percent {spec.MaxFailedPercent:0.##}); last: {S.Reason}");
            S.FinishedAt = time.GetUtcNow();
        }
        else if (spec.Amalgamate is not null)
        {
            S.State = JobState.Amalgamating;
            S.InFlight.Add(AttemptKey.AmalgamationUnitKey);
            S.Wanting.Add(AttemptKey.AmalgamationUnitKey);
            S.Reason = "";
            Log.JobAmalgamating(logger, JobId, S.Accepted);
        }
        else
        {
            S.State = JobState.Done;
            S.FinishedAt = time.GetUtcNow();
        }
    }

    /// <summary>The job reached a final state: its summary, a checkpoint, the chain's job state, out of dispatch, credits paid.</summary>
    private async Task EndAsync()
    {
        await StoreSummaryAsync();
        await CheckpointAsync(); // the units' records before the job's end record
        await Ledger.JobEndedAsync(JobEnd());
        await Dispatch.RemoveJobAsync(JobId);
        await FlushCreditsAsync(CancellationToken.None);
        BoidMetrics.ForgetQueueDepth(JobId);
        Log.JobFinished(logger, JobId, S.State, S.Accepted, S.Failed, S.Reason);
    }

    private async Task CheckpointTimerAsync(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }

        try
        {
            await CheckpointAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CheckpointFailed(logger, exception, JobId); // still dirty: the next tick tries again
        }
    }

    /// <summary>
    /// Records the counted units' contributions on the ledger, then writes the job's state. In that order: a
    /// crash in between leaves the units out in the last checkpoint, so reconciliation counts and records them
    /// again, and the ledger drops the repeated record ids.
    /// </summary>
    private async Task CheckpointAsync()
    {
        _dirty = false;
        var records = _unrecorded.ToArray();
        _unrecorded.Clear();
        try
        {
            if (records.Length > 0)
            {
                await Ledger.RecordManyAsync(records);
            }

            await state.WriteStateAsync();
        }
        catch
        {
            _unrecorded.InsertRange(0, records);
            _dirty = true;
            throw;
        }

        if (IsActive(S.State))
        {
            BoidMetrics.ReportQueueDepth(JobId, S.Spec!.Sweep.UnitCount - S.NextIndex + S.Wanting.Count);
        }
    }

    private LedgerJobEnd JobEnd() => new()
    {
        JobKey = JobId,
        Protocol = S.Spec!.Protocol,
        State = S.State,
        UnitsDone = S.Accepted,
        ContentHash = JobRecordHash.Sha256(S.Spec),
        DispatcherTime = (S.FinishedAt ?? time.GetUtcNow()) - S.SubmittedAt,
    };

    private Task ReconcileAsync(CancellationToken cancellationToken)
    {
        Log.Reconciling(logger, JobId, S.InFlight.Count);
        return ProbeAsync(S.InFlight.ToArray());
    }

    /// <summary>
    /// The units this job took for a lease request are leased by the dispatch grain, which may be lost with its
    /// silo in between: such a unit is out here but never leased, and nobody would offer it again. So, every two
    /// lease periods, the units that were out at the previous sweep and still are (not just taken) are asked where
    /// they stand; a pending one wants a copy again. Units on lease answer so and are left alone.
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var suspects = _outAtLastSweep.Where(S.InFlight.Contains).ToArray();
        _outAtLastSweep = IsActive(S.State) ? [.. S.InFlight] : [];
        if (suspects.Length > 0)
        {
            await ProbeAsync(suspects);
        }
    }

    private async Task ProbeAsync(string[] unitKeys)
    {
        foreach (var chunk in unitKeys.Chunk(ReconcileParallelism))
        {
            var probes = await Task.WhenAll(chunk.Select(key => grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(JobId, key)).ProbeAsync()));
            foreach (var probe in probes)
            {
                await ReconcileUnitAsync(probe);
            }
        }
    }

    private async Task ReconcileUnitAsync(UnitResult probe)
    {
        switch (probe.Status)
        {
            case UnitStatus.Accepted or UnitStatus.Failed:
                await UnitFinishedAsync(probe);
                break;
            case UnitStatus.Pending:
            case UnitStatus.Leased or UnitStatus.Running when probe.WantsCopies:
                await UnitNeedsCopiesAsync(probe.UnitKey, afterFailure: false);
                break;
            default:
                break; // Still out on lease: the unit's own deadline decides.
        }
    }

    private async Task CancelUnitAsync(string unitKey)
    {
        try
        {
            await grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(JobId, unitKey)).CancelAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CancelFailed(logger, exception, JobId, unitKey);
        }
    }

    /// <summary>Sets each contributor's credit for this job, all at once (a thousand workers are a thousand calls).</summary>
    private async Task FlushCreditsAsync(CancellationToken cancellationToken)
    {
        var workers = _creditsToFlush.ToArray();
        var credited = await Task.WhenAll(workers.Select(CreditAsync));
        foreach (var (worker, ok) in workers.Zip(credited))
        {
            if (ok)
            {
                _creditsToFlush.Remove(worker);
            }
        }

        if (!IsActive(S.State) && _creditsToFlush.Count == 0)
        {
            _creditTimer?.Dispose();
            _creditTimer = null;
        }
    }

    private async Task<bool> CreditAsync(string worker)
    {
        var credit = S.Workers[worker];
        try
        {
            await grains.GetGrain<IContributorGrain>(worker).CreditAsync(JobId, credit.Microseconds, credit.Units);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CreditFailed(logger, exception, JobId, worker);
            return false;
        }
    }

    private JobView View()
    {
        var spec = RequireSpec();
        return new JobView
        {
            Id = JobId,
            Name = spec.Name,
            Protocol = spec.Protocol,
            Image = spec.Image,
            State = S.State,
            Progress = new JobProgress
            {
                Total = spec.Sweep.UnitCount,
                Accepted = S.Accepted,
                Failed = S.Failed,
                Running = S.InFlight.Count(k => k != AttemptKey.AmalgamationUnitKey && !S.Wanting.Contains(k)),
                FailedAttempts = S.FailedAttempts,
            },
            SubmittedAt = S.SubmittedAt,
            FinishedAt = S.FinishedAt,
            Reason = S.Reason,
            HasAmalgamation = spec.Amalgamate is not null,
            ContainerMicroseconds = S.ContainerMicroseconds,
        };
    }

    /// <summary>The finished job's unit summary, content-addressed next to its spec record. A store failure is logged, not fatal.</summary>
    private async Task StoreSummaryAsync()
    {
        try
        {
            await store.PutJobRecordAsync(JobId, Records.JobRecords.SummaryRecord, Records.JobRecords.Summary(JobId, JobRecordHash.Sha256(S.Spec!), View()));
        }
        catch (Exception exception) when (exception is StorageException or IOException)
        {
            Log.SummaryNotStored(logger, exception, JobId);
        }
    }

    private JobSpec RequireSpec() =>
        S.Spec ?? throw BoidException.NotFound($"no job with id '{JobId}'");

    private IDispatchGrain Dispatch => grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool);

    private ILedgerGrain Ledger => grains.GetGrain<ILedgerGrain>(0);

    private static bool IsActive(JobState jobState) => jobState is JobState.Submitted or JobState.Running or JobState.Amalgamating;
}
