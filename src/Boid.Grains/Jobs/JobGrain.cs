using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Boid.Abstractions.Telemetry;
using Boid.Grains.Records;
using Boid.Grains.Specs;
using Boid.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Grains.Jobs;

/// <summary>
/// One activation per job; its calls run one at a time, and none of them waits on a unit grain (units call their job,
/// so a job waiting on a unit could deadlock). It picks units for lease requests (<see cref="UnitPicker"/>) and counts
/// finished units in memory (<see cref="JobTally"/>, <see cref="JobCredits"/>); its state is written as a checkpoint
/// (<see cref="DispatchOptions.JobCheckpointInterval"/>) and at the job's end, so that thousands of units a second share
/// a few writes. The unit grains are the record in between: after a crash the job reconciles the units it had out and
/// offers the units past its cursor again, and their unit grains lease them, refuse them (out already) or report them
/// as finished. It calls the dispatch grain only to join its round-robin at submit and to leave it at the end, never
/// during a lease: the dispatch grain learns from each turn whether the job has anything to offer.
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
    private bool _dirty;
    private HashSet<string> _outAtLastSweep = [];
    private ProtocolSpec? _protocol;
    private IGrainTimer? _creditTimer;
    private UnitPicker? _picker;
    private JobCredits? _credits;

    private string JobId => this.GetPrimaryKeyString();

    private JobGrainState S => state.State;

    private UnitPicker Picker => _picker ??= new UnitPicker(S, JobId);

    private JobCredits Credits => _credits ??= new JobCredits(S, JobId, grains, logger);

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
            Credits.FlushAllLater();
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
        var contentHash = await JobRecords.StoreSpecAsync(store, JobId, protocol.DataDirectory, spec); // the hash anchored on chain

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
        await grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool).AddJobAsync(JobId);
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
        S.Holders.Clear();
        await EndAsync();

        // Not awaited: a unit may at this moment be waiting on this grain to record its report, and
        // awaiting it here would deadlock. A lost cancel is harmless: the unit's report is ignored.
        foreach (var unitKey in inFlight)
        {
            _ = CancelUnitAsync(unitKey);
        }

        return View();
    }

    public async Task<JobTurn> TakeUnitsAsync(UnitRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        RequireSpec();
        var offers = new UnitOffer[requests.Length][];
        for (var i = 0; i < requests.Length; i++)
        {
            offers[i] = IsActive(S.State) && await FitsAsync(requests[i]) ? Picker.Pick(requests[i]) : [];
            _dirty |= offers[i].Length > 0;
        }

        return new JobTurn(offers, Idle: !IsActive(S.State) || Picker.Idle, Ended: !IsActive(S.State));
    }

    public async Task UnitFinishedAsync(UnitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!S.InFlight.Remove(result.UnitKey))
        {
            return; // Counted already, or the job ended: each unit counts once.
        }

        Credits.Add(result);
        var amalgamating = new JobTally(S, Picker, time).Count(result);
        _dirty = true;
        if (amalgamating)
        {
            Log.JobAmalgamating(logger, JobId, S.Accepted);
        }
        else if (!IsActive(S.State))
        {
            await EndAsync();
        }
    }

    public Task UnitNeedsCopiesAsync(UnitCopyNeed need)
    {
        ArgumentNullException.ThrowIfNull(need);
        if (Picker.WantCopies(need))
        {
            S.FailedAttempts += need.AfterFailure ? 1 : 0;
            _dirty = true;
        }

        return Task.CompletedTask;
    }

    /// <summary>Resource matching and the protocol's remote-worker policy (docs/volunteer.md). The protocol is read once per activation.</summary>
    private async Task<bool> FitsAsync(UnitRequest request)
    {
        var spec = S.Spec!;
        if (request.Max <= 0 || request.Fit is not { } fit)
        {
            return request.Max > 0;
        }

        if (!fit.Meets(spec.Requirements))
        {
            return false;
        }

        if (!fit.Remote)
        {
            return true;
        }

        _protocol ??= await grains.GetGrain<IProtocolGrain>(spec.Protocol).GetAsync();
        return _protocol is not null && fit.MayRun(_protocol, request.WorkerId, replicated: spec.Replication is not null && S.State != JobState.Amalgamating);
    }

    /// <summary>The job reached a final state: its summary, a checkpoint, the chain's job state, out of dispatch, credits paid.</summary>
    private async Task EndAsync()
    {
        await StoreSummaryAsync();
        await CheckpointAsync(); // the units' records before the job's end record
        await Ledger.JobEndedAsync(JobEnd());
        await grains.GetGrain<IDispatchGrain>(BoidNames.DefaultPool).RemoveJobAsync(JobId); // a lost call: the next turn says Ended
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
    /// Records the counted units' contributions on the ledger, then writes the job's state. In that order: a crash in
    /// between leaves the units out in the last checkpoint, so reconciliation counts and records them again, and the
    /// ledger drops the repeated record ids.
    /// </summary>
    private async Task CheckpointAsync()
    {
        _dirty = false;
        try
        {
            await Credits.RecordAsync(Ledger.RecordManyAsync);
            await state.WriteStateAsync();
        }
        catch
        {
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
        return ProbeAsync([.. S.InFlight]);
    }

    /// <summary>
    /// The units this job took for a lease request are leased by the dispatch grain, which may be lost with its silo in
    /// between: such a unit is out here but never leased, and nobody would offer it again. So, every two lease periods,
    /// the units that were out at the previous sweep and still are (not just taken) are asked where they stand; a pending
    /// one wants a copy again. Units on lease answer so and are left alone.
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
                await UnitNeedsCopiesAsync(new UnitCopyNeed(probe.UnitKey, probe.Holders));
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

    private async Task FlushCreditsAsync(CancellationToken cancellationToken)
    {
        await Credits.FlushAsync();
        if (!IsActive(S.State) && Credits.Pending == 0)
        {
            _creditTimer?.Dispose();
            _creditTimer = null;
        }
    }

    private JobView View()
    {
        var spec = RequireSpec();
        var amalgamation = UnitTemplates.AmalgamationKey(spec);
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
                Running = S.InFlight.Count(k => k != amalgamation && !S.Wanting.Contains(k)),
                FailedAttempts = S.FailedAttempts,
            },
            SubmittedAt = S.SubmittedAt,
            FinishedAt = S.FinishedAt,
            Reason = S.Reason,
            HasAmalgamation = amalgamation is not null,
            AmalgamationUnit = amalgamation,
            ContainerMicroseconds = S.ContainerMicroseconds,
        };
    }

    /// <summary>The finished job's unit summary, content-addressed next to its spec record. A store failure is logged, not fatal.</summary>
    private async Task StoreSummaryAsync()
    {
        try
        {
            await store.PutJobRecordAsync(JobId, JobRecords.SummaryRecord, JobRecords.Summary(JobId, JobRecordHash.Sha256(S.Spec!), View()));
        }
        catch (Exception exception) when (exception is StorageException or IOException)
        {
            Log.SummaryNotStored(logger, exception, JobId);
        }
    }

    private JobSpec RequireSpec() =>
        S.Spec ?? throw BoidException.NotFound($"no job with id '{JobId}'");

    private ILedgerGrain Ledger => grains.GetGrain<ILedgerGrain>(0);

    private static bool IsActive(JobState jobState) => jobState is JobState.Submitted or JobState.Running or JobState.Amalgamating;
}
