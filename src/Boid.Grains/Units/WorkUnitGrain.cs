using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ids;
using Boid.Abstractions.Model;
using Boid.Abstractions.Telemetry;
using Boid.Grains.Replication;
using Boid.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Grains.Units;

[GenerateSerializer, Alias("boid.WorkUnitGrainState")]
public sealed class WorkUnitGrainState
{
    [Id(0)] public UnitStatus Status { get; set; }
    /// <summary>The unit as its job describes it (command, resources, replication); lease fields empty.</summary>
    [Id(1)] public UnitAssignment? Template { get; set; }
    /// <summary>Leases out now: one, or several copies under replication.</summary>
    [Id(2)] public List<ActiveLease> Active { get; set; } = [];
    [Id(4)] public List<AttemptRecord> Attempts { get; set; } = [];
    [Id(5)] public string StdoutTail { get; set; } = "";
    [Id(6)] public string StderrTail { get; set; } = "";
    /// <summary>How many copies to run before comparing (1, or the spec's copies; 1 for a trusted worker).</summary>
    [Id(7)] public int TargetCopies { get; set; } = 1;
    [Id(8)] public int Quorum { get; set; } = 1;
    /// <summary>The attempt whose outputs became the unit's (the first of the agreeing quorum).</summary>
    [Id(9)] public string? AcceptedLease { get; set; }
    /// <summary>What the unit is to its job (from the first offer): where its accepted outputs go.</summary>
    [Id(10)] public UnitKind Kind { get; set; }
}

[GenerateSerializer, Alias("boid.ActiveLease")]
public sealed class ActiveLease
{
    [Id(0)] public required string LeaseId { get; set; }
    [Id(1)] public required string Worker { get; set; }
    [Id(2)] public DateTimeOffset Deadline { get; set; }
    [Id(3)] public DateTimeOffset LeasedAt { get; set; }
    [Id(4)] public bool Started { get; set; }
}

/// <summary>
/// The gate of exactly-once accounting: only a report that carries a current lease id changes the
/// unit; the unit tells its job once per final outcome (again only if that message may have been lost).
/// Under replication it holds several leases, on different workers, and accepts the unit when a quorum
/// of their results agree; the workers' reputations follow the verdict.
/// </summary>
public sealed class WorkUnitGrain(
    [PersistentState("unit", BoidNames.Storage)] IPersistentState<WorkUnitGrainState> state,
    IGrainFactory grains,
    IResultStore store,
    IOptions<DispatchOptions> options,
    [FromKeyedServices(BoidNames.Clock)] TimeProvider time,
    ILogger<WorkUnitGrain> logger) : Grain, IWorkUnitGrain
{
    private IGrainTimer? _leaseTimer;

    private WorkUnitGrainState S => state.State;

    private string UnitId => this.GetPrimaryKeyString();

    private (string JobId, string UnitKey) Key
    {
        get
        {
            var id = UnitId;
            var slash = id.IndexOf('/', StringComparison.Ordinal);
            return (id[..slash], id[(slash + 1)..]);
        }
    }

    private ReplicationSpec? Replication => S.Template?.Replication;

    private bool IsReplicated => Replication is not null;

    private bool IsFinal => S.Status is UnitStatus.Accepted or UnitStatus.Failed or UnitStatus.Cancelled;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!IsFinal && S.Attempts.Any(a => a.Outcome == AttemptOutcome.Succeeded))
        {
            var groups = await GroupSuccessesAsync();
            _largestAgreement = groups.Max(g => g.Count);
        }

        if (S.Active.Count > 0)
        {
            // After a dispatcher restart, give each worker one full lease period to renew before
            // declaring its lease lost: persisted deadlines are stale (renewals are not written).
            var grace = time.GetUtcNow() + options.Value.LeaseTtl;
            foreach (var lease in S.Active.Where(l => l.Deadline < grace))
            {
                lease.Deadline = grace;
            }

            StartLeaseTimer();
        }
    }

    public async Task<UnitAssignment?> LeaseAsync(UnitOffer offer, string workerId)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (IsFinal)
        {
            // Offered again by a job that lost its count of this unit in a crash (it checkpoints its state
            // periodically): say how the unit ended once more; the job counts each unit once.
            await NotifyJobAsync(afterFailure: false);
            return null;
        }

        if (S.Template is null)
        {
            (S.Template, S.Kind) = (offer.Template, offer.Kind);
            (S.TargetCopies, S.Quorum) = await InitialCopiesAsync(offer.Template.Replication, workerId);
        }

        // Copies of a replicated unit go to different workers; a worker never checks its own result. The job knows the
        // holders from our needs; it can only offer a holder a copy after it lost them (a restart), and then learns again.
        if (CopiesWanted() == 0 || (IsReplicated && S.Attempts.Any(a => a.Worker == workerId)))
        {
            if (CopiesWanted() > 0)
            {
                await NotifyJobAsync(afterFailure: false);
            }

            return null;
        }

        var now = time.GetUtcNow();
        var assignment = S.Template with
        {
            LeaseId = Guid.NewGuid().ToString("N"),
            Attempt = S.Attempts.Count + 1,
            LeaseDeadline = now + options.Value.LeaseTtl,
        };
        S.Active.Add(new ActiveLease { LeaseId = assignment.LeaseId, Worker = workerId, Deadline = assignment.LeaseDeadline, LeasedAt = now });
        S.Attempts.Add(new AttemptRecord { Attempt = assignment.Attempt, LeaseId = assignment.LeaseId, Worker = workerId, LeasedAt = now });
        UpdateStatus();
        await state.WriteStateAsync();
        StartLeaseTimer();
        BoidMetrics.UnitsLeased.Add(1);
        if (CopiesWanted() > 0)
        {
            await NotifyJobAsync(afterFailure: false); // more copies of a replicated unit, to other workers
        }

        return assignment;
    }

    public Task<UnitAssignment?> GetLeaseAsync(string leaseId)
    {
        if (Find(leaseId) is not { } lease)
        {
            return Task.FromResult<UnitAssignment?>(null);
        }

        var attempt = S.Attempts.First(a => a.LeaseId == leaseId);
        return Task.FromResult<UnitAssignment?>(S.Template! with { LeaseId = leaseId, Attempt = attempt.Attempt, LeaseDeadline = lease.Deadline });
    }

    public Task<bool> StartedAsync(string leaseId)
    {
        if (Find(leaseId) is not { } lease)
        {
            return Task.FromResult(false);
        }

        if (!lease.Started)
        {
            // Not written on its own: "running" is persisted with the unit's next write (its report). A crash
            // before that loses only the start time; the lease, which is what counts, is written already.
            lease.Started = true;
            var index = S.Attempts.FindIndex(a => a.LeaseId == leaseId);
            S.Attempts[index] = S.Attempts[index] with { StartedAt = time.GetUtcNow() };
            UpdateStatus();
        }

        return Task.FromResult(true);
    }

    public Task<bool> RenewAsync(string leaseId)
    {
        if (Find(leaseId) is not { } lease)
        {
            return Task.FromResult(false);
        }

        // A lease can be renewed until the unit's own time limit (plus one lease period) has passed:
        // a worker that hangs cannot hold a unit forever by renewing.
        var now = time.GetUtcNow();
        var limit = lease.LeasedAt + S.Template!.Resources.Timeout + options.Value.LeaseTtl;
        var deadline = now + options.Value.LeaseTtl;
        lease.Deadline = deadline < limit ? deadline : limit;
        return Task.FromResult(lease.Deadline > now);
    }

    public async Task<ReportDisposition> ReportAsync(UnitReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (jobId, unitKey) = Key;
        if (report.JobId != jobId || report.UnitKey != unitKey)
        {
            throw BoidException.Invalid("unit", $"report for {report.JobId}/{report.UnitKey} sent to unit {UnitId}");
        }

        if (Find(report.LeaseId) is not { } lease)
        {
            await IgnoreReportAsync(report);
            return ReportDisposition.Ignored;
        }

        var attemptKey = new AttemptKey(jobId, unitKey, report.LeaseId);
        var (outcome, reason, retryable) = (report.Outcome, report.Reason, report.Retryable);
        string? fingerprint = null;
        if (outcome == AttemptOutcome.Succeeded)
        {
            var files = await store.ListAttemptAsync(attemptKey);
            var names = files.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
            if (S.Template!.Outputs.Required.FirstOrDefault(r => !names.Contains(r)) is { } missing)
            {
                (outcome, reason, retryable) = (AttemptOutcome.MissingOutput, $"required output '{missing}' was not written", true);
            }
            else
            {
                fingerprint = ResultComparer.Fingerprint(files);
            }
        }

        S.Active.Remove(lease);
        S.StdoutTail = report.StdoutTail;
        S.StderrTail = report.StderrTail;
        End(report.LeaseId, outcome, reason, report.ExitCode, report.RunTimeMicroseconds, fingerprint);
        if (outcome != AttemptOutcome.Succeeded)
        {
            await store.DiscardAttemptAsync(attemptKey);
            Log.AttemptFailed(logger, UnitId, S.Attempts.Single(a => a.LeaseId == report.LeaseId).Attempt, lease.Worker, outcome, reason);
            if (!retryable && !IsReplicated)
            {
                // Not worth another attempt anywhere (a missing image, a deterministic failure).
                S.Status = UnitStatus.Failed;
            }
        }

        await DecideAsync(afterFailure: outcome != AttemptOutcome.Succeeded);
        return ReportDisposition.Recorded;
    }

    public async Task CancelAsync()
    {
        if (IsFinal)
        {
            return;
        }

        foreach (var lease in S.Active)
        {
            End(lease.LeaseId, AttemptOutcome.Cancelled, "job cancelled", null, 0, null);
        }

        await DiscardAllAsync();
        S.Active.Clear();
        S.Status = UnitStatus.Cancelled;
        await state.WriteStateAsync();
        StopLeaseTimer();
    }

    public Task<UnitView> GetAsync()
    {
        var (jobId, unitKey) = Key;
        var current = S.Active.FirstOrDefault();
        return Task.FromResult(new UnitView
        {
            JobId = jobId,
            UnitKey = unitKey,
            Status = S.Status,
            Attempts = [.. S.Attempts],
            CurrentWorker = current?.Worker,
            LeaseDeadline = current?.Deadline,
            StdoutTail = S.StdoutTail,
            StderrTail = S.StderrTail,
        });
    }

    public Task<UnitResult> ProbeAsync() => Task.FromResult(Result());

    /// <summary>Copies still to hand out now: to reach the target number of results, or a quorum.</summary>
    private int CopiesWanted()
    {
        if (IsFinal)
        {
            return 0;
        }

        var successes = S.Attempts.Count(a => a.Outcome == AttemptOutcome.Succeeded);
        var wanted = Math.Max(S.TargetCopies - (S.Active.Count + successes), S.Quorum - (LargestAgreement() + S.Active.Count));
        var budget = (IsReplicated ? Replication!.MaxCopies : S.Template!.MaxAttempts) - CountedAttempts;
        return Math.Clamp(wanted, 0, Math.Max(0, budget));
    }

    /// <summary>Attempts that count against the budget: a unit a worker released at shutdown does not.</summary>
    private int CountedAttempts => S.Attempts.Count(a => a.Outcome != AttemptOutcome.Cancelled);

    /// <summary>The size of the largest group of agreeing results; recomputed at every decision and activation.</summary>
    private int _largestAgreement;

    private int LargestAgreement() => _largestAgreement;

    /// <summary>
    /// After a result or a lost lease: accept when a quorum agrees, fail when none can be reached any
    /// more, otherwise ask the job for more copies (or wait for those still out).
    /// </summary>
    private async Task DecideAsync(bool afterFailure)
    {
        List<List<AttemptRecord>> groups = [];
        if (S.Status != UnitStatus.Failed)
        {
            groups = await GroupSuccessesAsync();
            _largestAgreement = groups.Count == 0 ? 0 : groups.Max(g => g.Count);
            var winner = groups.FirstOrDefault(g => g.Count >= S.Quorum);
            if (winner is not null)
            {
                await AcceptAsync(winner, groups);
                return;
            }

            if (CopiesWanted() == 0 && S.Active.Count == 0)
            {
                S.Status = UnitStatus.Failed;
                var last = S.Attempts[^1];
                var why = IsReplicated
                    ? $"no quorum of {S.Quorum} after {CountedAttempts} copies ({groups.Count} different results)"
                    : last.Reason;
                S.Attempts[^1] = last with { Reason = why };
            }
        }

        if (afterFailure)
        {
            BoidMetrics.UnitsFailed.Add(1, new KeyValuePair<string, object?>("final", S.Status == UnitStatus.Failed));
        }

        if (S.Status == UnitStatus.Failed)
        {
            await DiscardAllAsync();
            await RecordReputationAsync(groups, winner: null);
            S.Active.Clear();
            await state.WriteStateAsync();
            StopLeaseTimer();
            await NotifyJobAsync(afterFailure);
            return;
        }

        UpdateStatus();
        await state.WriteStateAsync();
        if (S.Active.Count == 0)
        {
            StopLeaseTimer();
        }

        if (CopiesWanted() > 0)
        {
            await NotifyJobAsync(afterFailure);
        }
    }

    private async Task<List<List<AttemptRecord>>> GroupSuccessesAsync()
    {
        var (jobId, unitKey) = Key;
        var groups = new List<List<AttemptRecord>>();
        foreach (var attempt in S.Attempts.Where(a => a.Outcome == AttemptOutcome.Succeeded))
        {
            List<AttemptRecord>? home = null;
            foreach (var group in groups)
            {
                var representative = group[0];
                if (representative.Fingerprint == attempt.Fingerprint
                    || (Replication?.NumericTolerance is not null && await ResultComparer.AgreeAsync(store,
                        new AttemptKey(jobId, unitKey, representative.LeaseId), new AttemptKey(jobId, unitKey, attempt.LeaseId), Replication.NumericTolerance)))
                {
                    home = group;
                    break;
                }
            }

            if (home is null)
            {
                groups.Add([attempt]);
            }
            else
            {
                home.Add(attempt);
            }
        }

        return groups;
    }

    private async Task AcceptAsync(List<AttemptRecord> winner, List<List<AttemptRecord>> groups)
    {
        var (jobId, unitKey) = Key;
        var accepted = winner[0];
        await store.PromoteAttemptAsync(new AttemptKey(jobId, unitKey, accepted.LeaseId), S.Kind == UnitKind.Amalgamation ? ResultArea.Result : ResultArea.Unit(unitKey));
        foreach (var attempt in S.Attempts.Where(a => a.Outcome == AttemptOutcome.Succeeded && a.LeaseId != accepted.LeaseId))
        {
            await store.DiscardAttemptAsync(new AttemptKey(jobId, unitKey, attempt.LeaseId));
        }

        // Copies still out are no longer needed: their reports will be ignored.
        foreach (var lease in S.Active)
        {
            End(lease.LeaseId, AttemptOutcome.Cancelled, "quorum reached without it", null, 0, null);
            await store.DiscardAttemptAsync(new AttemptKey(jobId, unitKey, lease.LeaseId));
        }

        S.Active.Clear();
        if (IsReplicated)
        {
            var agreed = winner.Select(a => a.LeaseId).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < S.Attempts.Count; i++)
            {
                if (S.Attempts[i].Outcome == AttemptOutcome.Succeeded)
                {
                    S.Attempts[i] = S.Attempts[i] with { AgreedWithQuorum = agreed.Contains(S.Attempts[i].LeaseId) };
                }
            }
        }

        S.Status = UnitStatus.Accepted;
        S.AcceptedLease = accepted.LeaseId;
        BoidMetrics.UnitsCompleted.Add(1);
        await RecordReputationAsync(groups, winner);
        await state.WriteStateAsync();
        StopLeaseTimer();
        await NotifyJobAsync(afterFailure: false);
    }

    /// <summary>Under replication, the verdict is every worker's record: agreeing with the quorum builds trust; losing it resets it.</summary>
    private async Task RecordReputationAsync(List<List<AttemptRecord>> groups, List<AttemptRecord>? winner)
    {
        if (!IsReplicated || winner is null)
        {
            return;
        }

        foreach (var group in groups)
        {
            foreach (var attempt in group)
            {
                await grains.GetGrain<IContributorGrain>(attempt.Worker).RecordValidationAsync(ReferenceEquals(group, winner));
            }
        }
    }

    private async Task<(int Copies, int Quorum)> InitialCopiesAsync(ReplicationSpec? replication, string firstWorker)
    {
        if (replication is null)
        {
            return (1, 1);
        }

        // Adaptive replication (as BOINC does): a worker with a long clean record gets the unit as a
        // single copy, except for a random share that is still replicated as a spot check.
        var trusted = options.Value.TrustAfterCleanResults > 0
            && await grains.GetGrain<IContributorGrain>(firstWorker).IsTrustedAsync(options.Value.TrustAfterCleanResults)
            && Random.Shared.NextDouble() >= options.Value.SpotCheckRate;
        return trusted ? (1, 1) : (replication.Copies, replication.Quorum);
    }

    /// <summary>The accepted attempt, and under replication every other copy that agreed with the quorum: each earned its worker credit.</summary>
    private CreditedAttempt[] Credited(AttemptRecord accepted) =>
        [.. S.Attempts.Where(a => a.LeaseId == accepted.LeaseId || (a.AgreedWithQuorum == true && a.Outcome == AttemptOutcome.Succeeded))
            .OrderBy(a => a.LeaseId == accepted.LeaseId ? 0 : 1)
            .Select(a => new CreditedAttempt(a.Worker, a.Attempt, a.RunTimeMicroseconds))];

    /// <summary>Under replication, the workers that hold or held a copy: the job offers the unit to none of them.</summary>
    private string[] Holders() => IsReplicated ? [.. S.Attempts.Select(a => a.Worker).Distinct(StringComparer.Ordinal)] : [];

    private ActiveLease? Find(string leaseId) => S.Active.FirstOrDefault(l => l.LeaseId == leaseId);

    private void End(string leaseId, AttemptOutcome outcome, string reason, int? exitCode, long runTime, string? fingerprint)
    {
        var index = S.Attempts.FindIndex(a => a.LeaseId == leaseId);
        S.Attempts[index] = S.Attempts[index] with
        {
            EndedAt = time.GetUtcNow(),
            Outcome = outcome,
            Reason = reason,
            ExitCode = exitCode,
            RunTimeMicroseconds = runTime,
            Fingerprint = fingerprint,
        };
    }

    private void UpdateStatus()
    {
        if (!IsFinal)
        {
            S.Status = S.Active.Count == 0 ? UnitStatus.Pending : S.Active.Any(l => l.Started) ? UnitStatus.Running : UnitStatus.Leased;
        }
    }

    /// <summary>Removes every attempt's staged outputs (idempotent: most are gone already).</summary>
    private async Task DiscardAllAsync()
    {
        var (jobId, unitKey) = Key;
        foreach (var attempt in S.Attempts)
        {
            await store.DiscardAttemptAsync(new AttemptKey(jobId, unitKey, attempt.LeaseId));
        }
    }

    private UnitResult Result()
    {
        var accepted = S.Status == UnitStatus.Accepted ? S.Attempts.Single(a => a.LeaseId == S.AcceptedLease) : null;
        var last = accepted ?? (S.Attempts.Count > 0 ? S.Attempts[^1] : null);
        return new UnitResult
        {
            UnitKey = Key.UnitKey,
            Status = S.Status,
            Worker = last?.Worker ?? "",
            RunTimeMicroseconds = accepted?.RunTimeMicroseconds ?? 0,
            Reason = last?.Reason ?? "",
            WantsCopies = S.Template is not null && CopiesWanted() > 0,
            Holders = Holders(),
            Credited = accepted is null ? [] : Credited(accepted),
        };
    }

    private async Task IgnoreReportAsync(UnitReport report)
    {
        var attempt = S.Attempts.FirstOrDefault(a => a.LeaseId == report.LeaseId);
        if (attempt?.Outcome is not null && IsFinal)
        {
            // A repeat of a report after the unit ended: our word to the job may have been lost with
            // a crash, so say it again (the job counts each unit once).
            Log.ReportIgnored(logger, UnitId, report.LeaseId, "duplicate");
            await NotifyJobAsync(afterFailure: false);
            return;
        }

        Log.ReportIgnored(logger, UnitId, report.LeaseId, "not a current lease");
        if (attempt?.Outcome is not AttemptOutcome.Succeeded)
        {
            await store.DiscardAttemptAsync(new AttemptKey(Key.JobId, Key.UnitKey, report.LeaseId));
        }
    }

    private async Task NotifyJobAsync(bool afterFailure)
    {
        var job = grains.GetGrain<IJobGrain>(Key.JobId);
        if (!IsFinal)
        {
            await job.UnitNeedsCopiesAsync(new UnitCopyNeed(Key.UnitKey, Holders(), afterFailure));
            return;
        }

        await job.UnitFinishedAsync(Result());

        // A finished unit is rarely asked again (a late report, a status query): free its memory now rather
        // than after the idle collection age, or a job running thousands of units a second would pile them up.
        this.DeactivateOnIdle();
    }

    private void StartLeaseTimer()
    {
        if (_leaseTimer is not null)
        {
            return;
        }

        var period = options.Value.LeaseTtl / 4;
        _leaseTimer = this.RegisterGrainTimer(CheckLeasesAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    private void StopLeaseTimer()
    {
        _leaseTimer?.Dispose();
        _leaseTimer = null;
    }

    private async Task CheckLeasesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = S.Active.Where(l => l.Deadline <= now).ToList();
        if (expired.Count == 0 || IsFinal)
        {
            return;
        }

        foreach (var lease in expired)
        {
            var attempt = S.Attempts.Single(a => a.LeaseId == lease.LeaseId);
            Log.LeaseExpired(logger, UnitId, lease.LeaseId, lease.Worker, attempt.Attempt);
            End(lease.LeaseId, AttemptOutcome.LeaseExpired, $"lease expired: worker {lease.Worker} stopped renewing", null, 0, null);
            await store.DiscardAttemptAsync(new AttemptKey(Key.JobId, Key.UnitKey, lease.LeaseId));
            S.Active.Remove(lease);
        }

        await DecideAsync(afterFailure: true);
    }
}
