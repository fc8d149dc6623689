using Boid.Grains.Interfaces;
using Boid.Grains.Model;
using Boid.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boid.Grains.Grains;

[GenerateSerializer, Alias("boid.WorkUnitGrainState")]
public sealed class WorkUnitGrainState
{
    [Id(0)] public UnitStatus Status { get; set; }
    [Id(1)] public UnitAssignment? Current { get; set; }
    [Id(2)] public string? Worker { get; set; }
    [Id(3)] public DateTimeOffset? Deadline { get; set; }
    [Id(4)] public List<AttemptRecord> Attempts { get; set; } = [];
    [Id(5)] public string StdoutTail { get; set; } = "";
    [Id(6)] public string StderrTail { get; set; } = "";
}

/// <summary>
/// The gate of exactly-once accounting: only a report that carries the current lease id changes the
/// unit, and the unit tells its job once per final outcome (again only if that message may have been lost).
/// </summary>
public sealed class WorkUnitGrain(
    [PersistentState("unit", BoidNames.Storage)] IPersistentState<WorkUnitGrainState> state,
    IGrainFactory grains,
    IResultStore store,
    IOptions<DispatchOptions> options,
    TimeProvider time,
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

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsOut)
        {
            // After a dispatcher restart, give the worker one full lease period to renew before
            // declaring the lease lost: the persisted deadline is stale (renewals are not written).
            var grace = time.GetUtcNow() + options.Value.LeaseTtl;
            if (S.Deadline is null || S.Deadline < grace)
            {
                S.Deadline = grace;
            }

            StartLeaseTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<UnitAssignment> LeaseAsync(UnitAssignment template, string workerId)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (S.Status != UnitStatus.Pending)
        {
            throw new BoidException(BoidErrorKind.Conflict, $"unit {UnitId} is {S.Status}, not pending");
        }

        var now = time.GetUtcNow();
        var assignment = template with
        {
            LeaseId = Guid.NewGuid().ToString("N"),
            Attempt = S.Attempts.Count + 1,
            LeaseDeadline = now + options.Value.LeaseTtl,
        };
        S.Status = UnitStatus.Leased;
        S.Current = assignment;
        S.Worker = workerId;
        S.Deadline = assignment.LeaseDeadline;
        S.Attempts.Add(new AttemptRecord { Attempt = assignment.Attempt, LeaseId = assignment.LeaseId, Worker = workerId, LeasedAt = now });
        await state.WriteStateAsync();
        StartLeaseTimer();
        return assignment;
    }

    public async Task<bool> StartedAsync(string leaseId)
    {
        if (!IsCurrent(leaseId))
        {
            return false;
        }

        if (S.Status == UnitStatus.Leased)
        {
            S.Status = UnitStatus.Running;
            S.Attempts[^1] = S.Attempts[^1] with { StartedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
        }

        return true;
    }

    public Task<bool> RenewAsync(string leaseId)
    {
        if (!IsCurrent(leaseId))
        {
            return Task.FromResult(false);
        }

        // A lease can be renewed until the unit's own time limit (plus one lease period) has passed:
        // a worker that hangs cannot hold a unit forever by renewing.
        var now = time.GetUtcNow();
        var limit = S.Attempts[^1].LeasedAt + S.Current!.Resources.Timeout + options.Value.LeaseTtl;
        var deadline = now + options.Value.LeaseTtl;
        S.Deadline = deadline < limit ? deadline : limit;
        return Task.FromResult(S.Deadline > now);
    }

    public async Task<ReportDisposition> ReportAsync(UnitReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (jobId, unitKey) = Key;
        if (report.JobId != jobId || report.UnitKey != unitKey)
        {
            throw BoidException.Invalid("unit", $"report for {report.JobId}/{report.UnitKey} sent to unit {UnitId}");
        }

        if (!IsCurrent(report.LeaseId))
        {
            await IgnoreReportAsync(report);
            return ReportDisposition.Ignored;
        }

        var attemptKey = new AttemptKey(jobId, unitKey, report.LeaseId);
        var outcome = report.Outcome;
        var reason = report.Reason;
        var retryable = report.Retryable;
        if (outcome == AttemptOutcome.Succeeded)
        {
            var missing = await MissingOutputsAsync(attemptKey);
            if (missing is not null)
            {
                (outcome, reason, retryable) = (AttemptOutcome.MissingOutput, $"required output '{missing}' was not written", true);
            }
        }

        S.StdoutTail = report.StdoutTail;
        S.StderrTail = report.StderrTail;
        S.Attempts[^1] = S.Attempts[^1] with
        {
            EndedAt = time.GetUtcNow(),
            Outcome = outcome,
            ExitCode = report.ExitCode,
            Reason = reason,
            RunTimeMicroseconds = report.RunTimeMicroseconds,
        };

        if (outcome == AttemptOutcome.Succeeded)
        {
            await store.PromoteAttemptAsync(attemptKey);
            S.Status = UnitStatus.Accepted;
        }
        else
        {
            await store.DiscardAttemptAsync(attemptKey);
            Log.AttemptFailed(logger, UnitId, S.Attempts[^1].Attempt, S.Worker ?? "", outcome, reason);
            S.Status = retryable && CountedAttempts < S.Current!.MaxAttempts ? UnitStatus.Pending : UnitStatus.Failed;
        }

        await EndLeaseAsync();
        await NotifyJobAsync();
        return ReportDisposition.Recorded;
    }

    public async Task CancelAsync()
    {
        if (S.Status is UnitStatus.Accepted or UnitStatus.Failed or UnitStatus.Cancelled)
        {
            return;
        }

        if (S.Current is { } current)
        {
            await store.DiscardAttemptAsync(new AttemptKey(Key.JobId, Key.UnitKey, current.LeaseId));
        }

        S.Status = UnitStatus.Cancelled;
        if (S.Attempts.Count > 0 && S.Attempts[^1].Outcome is null)
        {
            S.Attempts[^1] = S.Attempts[^1] with { EndedAt = time.GetUtcNow(), Outcome = AttemptOutcome.Cancelled, Reason = "job cancelled" };
        }

        await EndLeaseAsync();
    }

    public Task<UnitView> GetAsync()
    {
        var (jobId, unitKey) = Key;
        return Task.FromResult(new UnitView
        {
            JobId = jobId,
            UnitKey = unitKey,
            Status = S.Status,
            Attempts = [.. S.Attempts],
            CurrentWorker = IsOut ? S.Worker : null,
            LeaseDeadline = IsOut ? S.Deadline : null,
            StdoutTail = S.StdoutTail,
            StderrTail = S.StderrTail,
        });
    }

    public Task<UnitResult> ProbeAsync() => Task.FromResult(Result());

    /// <summary>Attempts that count against max_attempts: a unit a worker released at shutdown does not.</summary>
    private int CountedAttempts => S.Attempts.Count(a => a.Outcome != AttemptOutcome.Cancelled);

    private bool IsOut => S.Status is UnitStatus.Leased or UnitStatus.Running;

    private bool IsCurrent(string leaseId) => IsOut && S.Current?.LeaseId == leaseId;

    private UnitResult Result()
    {
        var last = S.Attempts.Count > 0 ? S.Attempts[^1] : null;
        return new UnitResult
        {
            UnitKey = Key.UnitKey,
            Status = S.Status,
            Worker = last?.Worker ?? "",
            RunTimeMicroseconds = S.Status == UnitStatus.Accepted ? last?.RunTimeMicroseconds ?? 0 : 0,
            Reason = last?.Reason ?? "",
        };
    }

    private async Task IgnoreReportAsync(UnitReport report)
    {
        var last = S.Attempts.Count > 0 ? S.Attempts[^1] : null;
        if (last?.LeaseId == report.LeaseId && last.Outcome is not null && !IsOut)
        {
            // A repeat of the report that ended the last attempt: our word to the job may have been lost
            // with a crash, so say it again (the job counts each unit once).
            Log.ReportIgnored(logger, UnitId, report.LeaseId, "duplicate");
            await NotifyJobAsync();
            return;
        }

        Log.ReportIgnored(logger, UnitId, report.LeaseId, "not the current lease");
        await store.DiscardAttemptAsync(new AttemptKey(Key.JobId, Key.UnitKey, report.LeaseId));
    }

    private async Task<string?> MissingOutputsAsync(AttemptKey attemptKey)
    {
        var required = S.Current!.Outputs.Required;
        if (required.Count == 0)
        {
            return null;
        }

        var files = (await store.ListAttemptAsync(attemptKey)).Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        return required.FirstOrDefault(r => !files.Contains(r));
    }

    private async Task EndLeaseAsync()
    {
        S.Deadline = null;
        await state.WriteStateAsync();
        _leaseTimer?.Dispose();
        _leaseTimer = null;
    }

    private Task NotifyJobAsync()
    {
        var job = grains.GetGrain<IJobGrain>(Key.JobId);
        return S.Status switch
        {
            UnitStatus.Pending => job.UnitReturnedAsync(Key.UnitKey),
            UnitStatus.Accepted or UnitStatus.Failed => job.UnitFinishedAsync(Result()),
            _ => Task.CompletedTask,
        };
    }

    private void StartLeaseTimer()
    {
        if (_leaseTimer is not null)
        {
            return;
        }

        var period = options.Value.LeaseTtl / 4;
        _leaseTimer = this.RegisterGrainTimer(CheckLeaseAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    private async Task CheckLeaseAsync(CancellationToken cancellationToken)
    {
        if (!IsOut || S.Deadline > time.GetUtcNow())
        {
            return;
        }

        var attempt = S.Attempts[^1];
        Log.LeaseExpired(logger, UnitId, attempt.LeaseId, attempt.Worker, attempt.Attempt);
        S.Attempts[^1] = attempt with
        {
            EndedAt = time.GetUtcNow(),
            Outcome = AttemptOutcome.LeaseExpired,
            Reason = $"lease expired: worker {attempt.Worker} stopped renewing",
        };
        await store.DiscardAttemptAsync(new AttemptKey(Key.JobId, Key.UnitKey, attempt.LeaseId));
        S.Status = CountedAttempts < S.Current!.MaxAttempts ? UnitStatus.Pending : UnitStatus.Failed;
        await EndLeaseAsync();
        await NotifyJobAsync();
    }
}
