using System.Globalization;
using Boid.Grains.Interfaces;
using Boid.Grains.Ledger;
using Boid.Grains.Model;
using Boid.Grains.Specs;
using Boid.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Grains.Grains;

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
/// One activation per job; its calls run one at a time.
/// </summary>
public sealed class JobGrain(
    [PersistentState("job", BoidNames.Storage)] IPersistentState<JobGrainState> state,
    IGrainFactory grains,
    IOptions<DispatchOptions> options,
    TimeProvider time,
    ILogger<JobGrain> logger,
    IResultStore store) : Grain, IJobGrain
{
    private static readonly TimeSpan CreditFlushInterval = TimeSpan.FromSeconds(10);
    private readonly HashSet<string> _creditsToFlush = [];
    private ProtocolSpec? _protocol;
    private IGrainTimer? _creditTimer;

    private string JobId => this.GetPrimaryKeyString();

    private JobGrainState S => state.State;


    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Spec is not null && S.InFlight.Count > 0 && IsActive(S.State))
        {
            // Units that were out on lease when this grain last ran may have finished, failed or been
            // lost meanwhile (a crash between the unit's write and ours). Ask each, off the activation path.
            this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }

        if (S.Spec is not null && IsActive(S.State))
        {
            foreach (var worker in S.Workers.Keys)
            {
                _creditsToFlush.Add(worker);
            }
        }

        _creditTimer = this.RegisterGrainTimer(FlushCreditsAsync, CreditFlushInterval, CreditFlushInterval);
        return Task.CompletedTask;
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
        await Ledger.JobEndedAsync(JobEnd());
        await state.WriteStateAsync();
        await Dispatch.RemoveJobAsync(JobId);

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

    public async Task<IReadOnlyList<UnitAssignment>> TakeUnitsAsync(string workerId, int max, WorkerFit? fit = null)
    {
        var spec = RequireSpec();
        if (!IsActive(S.State) || max <= 0 || (fit is not null && !await FitsAsync(spec, workerId, fit)))
        {
            return [];
        }

        var leases = new List<UnitAssignment>(Math.Min(max, 1024));

        // Units already out that want another copy (retries, replicas) come first. A window of them is
        // offered; those refused (this worker ran a copy already) move to the back for other workers.
        var window = S.Wanting.Take(max).ToList();
        if (window.Count > 0)
        {
            var answers = await Task.WhenAll(window.Select(key => LeaseUnitAsync(spec, key, workerId)));
            for (var i = 0; i < window.Count; i++)
            {
                var (key, answer) = (window[i], answers[i]);
                if (answer is { Assignment: { } assignment })
                {
                    leases.Add(assignment);
                }

                S.Wanting.Remove(key);
                if (answer is { WantsMore: true } && S.InFlight.Contains(key))
                {
                    S.Wanting.Add(key);
                }
            }
        }

        var fresh = new List<string>();
        var total = spec.Sweep.UnitCount;
        while (leases.Count + fresh.Count < max && S.State != JobState.Amalgamating && S.NextIndex < total)
        {
            fresh.Add(S.NextIndex.ToString(CultureInfo.InvariantCulture));
            S.NextIndex++;
        }

        if (fresh.Count == 0)
        {
            return leases;
        }

        S.InFlight.UnionWith(fresh);
        S.Wanting.AddRange(fresh);
        if (S.State == JobState.Submitted)
        {
            S.State = JobState.Running;
        }

        // Written before the units are leased: after a crash, a unit this grain thinks is out but that
        // never recorded a lease is found pending by reconciliation and handed out again.
        await state.WriteStateAsync();

        var freshAnswers = await Task.WhenAll(fresh.Select(key => LeaseUnitAsync(spec, key, workerId)));
        for (var i = 0; i < fresh.Count; i++)
        {
            if (freshAnswers[i] is { Assignment: { } assignment })
            {
                leases.Add(assignment);
            }

            if (freshAnswers[i] is not { WantsMore: true })
            {
                S.Wanting.Remove(fresh[i]); // written with the next change; a stale entry only costs one refused offer
            }
        }

        return leases;
    }

    public async Task UnitFinishedAsync(UnitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!S.InFlight.Remove(result.UnitKey))
        {
            return; // Counted already, or the job ended: each unit counts once.
        }

        Count(result);
        await RecordOnLedgerAsync(result); // before our write: a unit re-notified after a crash records nothing new
        await state.WriteStateAsync();
        await AfterStateChangeAsync();
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

        if (!S.Wanting.Contains(unitKey))
        {
            S.Wanting.Add(unitKey);
        }

        await state.WriteStateAsync();
        await Dispatch.AddJobAsync(JobId);
    }

    private async Task<UnitLease?> LeaseUnitAsync(JobSpec spec, string unitKey, string workerId)
    {
        var unit = grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(JobId, unitKey));
        try
        {
            return await unit.LeaseAsync(Template(spec, unitKey), workerId);
        }
        catch (BoidException exception) when (exception.Kind == BoidErrorKind.Conflict)
        {
            // The unit ended already (after a crash that lost our write of its outcome): count it now.
            Log.LeaseFailed(logger, exception, JobId, unitKey);
            await ReconcileUnitAsync(unitKey, await unit.ProbeAsync());
            return null;
        }
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
            Command = [.. spec.Command.Select(part => Templates.Substitute(part, parameters))],
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

    /// <summary>Worker time of an accepted unit and, when the job just ended, dispatcher time and the chain's job state.</summary>
    private async Task RecordOnLedgerAsync(UnitResult result)
    {
        if (result.Status == UnitStatus.Accepted && result.Worker.Length > 0 && result.RunTimeMicroseconds > 0)
        {
            await Ledger.RecordAsync(new ContributionRecord
            {
                Id = LedgerIds.WorkerRecord(JobId, result.UnitKey),
                Protocol = S.Spec!.Protocol,
                Contributor = result.Worker,
                Role = ContributorRole.Worker,
                Amount = (ulong)result.RunTimeMicroseconds,
                JobId = LedgerIds.JobId(JobId),
                JobKey = JobId,
            });
        }

        if (!IsActive(S.State))
        {
            await StoreSummaryAsync();
            await Ledger.JobEndedAsync(JobEnd());
        }
    }

    private LedgerJobEnd JobEnd() => new()
    {
        JobKey = JobId,
        Protocol = S.Spec!.Protocol,
        State = S.State,
        UnitsDone = S.Accepted,
        ContentHash = LedgerIds.ContentHash(S.Spec),
        DispatcherTime = (S.FinishedAt ?? time.GetUtcNow()) - S.SubmittedAt,
    };

    private async Task AfterStateChangeAsync()
    {
        if (S.State == JobState.Amalgamating && S.Wanting.Contains(AttemptKey.AmalgamationUnitKey))
        {
            await Dispatch.AddJobAsync(JobId);
        }
        else if (!IsActive(S.State))
        {
            await Dispatch.RemoveJobAsync(JobId);
            await FlushCreditsAsync(CancellationToken.None);
            Log.JobFinished(logger, JobId, S.State, S.Accepted, S.Failed, S.Reason);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var inFlight = S.InFlight.ToArray();
        Log.Reconciling(logger, JobId, inFlight.Length);
        foreach (var unitKey in inFlight)
        {
            var unit = grains.GetGrain<IWorkUnitGrain>(BoidNames.UnitGrainKey(JobId, unitKey));
            await ReconcileUnitAsync(unitKey, await unit.ProbeAsync());
        }
    }

    private async Task ReconcileUnitAsync(string unitKey, UnitResult probe)
    {
        switch (probe.Status)
        {
            case UnitStatus.Pending:
                if (S.InFlight.Contains(unitKey) && !S.Wanting.Contains(unitKey))
                {
                    S.Wanting.Add(unitKey);
                    await state.WriteStateAsync();
                    await Dispatch.AddJobAsync(JobId);
                }

                break;
            case UnitStatus.Accepted or UnitStatus.Failed:
                await UnitFinishedAsync(probe);
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
        foreach (var worker in _creditsToFlush.ToArray())
        {
            var credit = S.Workers[worker];
            try
            {
                await grains.GetGrain<IContributorGrain>(worker).CreditAsync(JobId, credit.Microseconds, credit.Units);
                _creditsToFlush.Remove(worker);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.CreditFailed(logger, exception, JobId, worker);
            }
        }

        if (!IsActive(S.State) && _creditsToFlush.Count == 0)
        {
            _creditTimer?.Dispose();
            _creditTimer = null;
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
            await store.PutJobRecordAsync(JobId, Records.JobRecords.SummaryRecord, Records.JobRecords.Summary(JobId, LedgerIds.ContentHash(S.Spec!), View()));
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
