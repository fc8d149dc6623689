using Boid.Abstractions.Grains;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Boid.Grains.Contributors;
using Microsoft.Extensions.Logging;

namespace Boid.Grains.Jobs;

/// <summary>
/// What a job owes its workers: per worker, the accepted container time and units (in the job's state, set — not added —
/// at each contributor grain, so a repeat changes nothing), and the ledger records of the units counted since the last
/// checkpoint (recorded, idempotently, before the checkpoint is written).
/// </summary>
internal sealed class JobCredits(JobGrainState state, string jobId, IGrainFactory grains, ILogger logger)
{
    private readonly HashSet<string> _toFlush = [];
    private readonly List<ContributionRecord> _unrecorded = [];
    private ulong? _ledgerJobId;

    /// <summary>Workers whose credit for this job has not reached their contributor grain yet.</summary>
    public int Pending => _toFlush.Count;

    /// <summary>After an activation: every worker's credit is set again (the previous activation may not have got there).</summary>
    public void FlushAllLater() => _toFlush.UnionWith(state.Workers.Keys);

    /// <summary>Credits every attempt of an accepted unit that earned it (under replication, each agreeing copy).</summary>
    public void Add(UnitResult result)
    {
        if (result.Status != UnitStatus.Accepted)
        {
            return;
        }

        foreach (var attempt in result.Credited.Where(a => a.Worker.Length > 0))
        {
            if (attempt.RunTimeMicroseconds > 0)
            {
                _unrecorded.Add(new ContributionRecord
                {
                    Id = LedgerIds.WorkerRecord(jobId, result.UnitKey, attempt.Attempt),
                    Protocol = state.Spec!.Protocol,
                    Contributor = attempt.Worker,
                    Role = ContributorRole.Worker,
                    Amount = (ulong)attempt.RunTimeMicroseconds,
                    JobId = _ledgerJobId ??= LedgerIds.JobId(jobId), // a hash: once per activation, not per unit
                    JobKey = jobId,
                });
            }

            state.Workers.TryGetValue(attempt.Worker, out var credit);
            state.Workers[attempt.Worker] = new JobCredit((credit?.Microseconds ?? 0) + attempt.RunTimeMicroseconds, (credit?.Units ?? 0) + 1);
            _toFlush.Add(attempt.Worker);
        }
    }

    /// <summary>Hands the records counted so far to <paramref name="record"/>; they are kept for the next try if it throws.</summary>
    public async Task RecordAsync(Func<ContributionRecord[], Task> record)
    {
        var records = _unrecorded.ToArray();
        _unrecorded.Clear();
        try
        {
            if (records.Length > 0)
            {
                await record(records);
            }
        }
        catch
        {
            _unrecorded.InsertRange(0, records);
            throw;
        }
    }

    /// <summary>Sets each waiting contributor's credit for this job, all at once (a thousand workers are a thousand calls).</summary>
    public async Task FlushAsync()
    {
        var workers = _toFlush.ToArray();
        var credited = await Task.WhenAll(workers.Select(CreditAsync));
        foreach (var (worker, ok) in workers.Zip(credited))
        {
            if (ok)
            {
                _toFlush.Remove(worker);
            }
        }
    }

    private async Task<bool> CreditAsync(string worker)
    {
        var credit = state.Workers[worker];
        try
        {
            await grains.GetGrain<IContributorGrain>(worker).CreditAsync(jobId, credit.Microseconds, credit.Units);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CreditFailed(logger, exception, jobId, worker);
            return false;
        }
    }
}
