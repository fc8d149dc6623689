using Boid.Abstractions;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boid.Ledger;

[GenerateSerializer, Immutable, Alias("boid.LedgerPendingRecord")]
public sealed record LedgerPendingRecord([property: Id(0)] ContributionRecord Record, [property: Id(1)] DateTimeOffset AddedAt);

/// <summary>What is not yet delivered, and what went wrong last. Small: written on every new record.</summary>
[GenerateSerializer, Alias("boid.LedgerGrainState")]
public sealed class LedgerGrainState
{
    [Id(0)] public List<LedgerPendingRecord> Pending { get; set; } = [];
    [Id(1)] public List<LedgerOperation> Operations { get; set; } = [];
    [Id(2)] public string? LastTransactionId { get; set; }
    [Id(3)] public DateTimeOffset? LastPushAt { get; set; }
    [Id(4)] public string? LastError { get; set; }
    [Id(5)] public DateTimeOffset? LastErrorAt { get; set; }
    [Id(6)] public long Batches { get; set; }
    [Id(7)] public List<LedgerRejection> Rejected { get; set; } = [];
}

/// <summary>What was delivered: written once per batch, read at activation to drop re-sent records.</summary>
[GenerateSerializer, Alias("boid.LedgerConfirmedState")]
public sealed class LedgerConfirmedState
{
    /// <summary>The most recent confirmed record ids, oldest first (at most <see cref="LedgerOptions.ConfirmedIdsKept"/>).</summary>
    [Id(0)] public List<ulong> Ids { get; set; } = [];
    [Id(1)] public long Count { get; set; }
    /// <summary>Keys of delivered job operations (<see cref="LedgerOperation.Key"/>), oldest first, bounded likewise.</summary>
    [Id(2)] public List<string> Operations { get; set; } = [];
}

/// <summary>
/// Reentrant so that recording never waits behind a push to a slow or unreachable chain; state writes are serialized
/// by a gate, and one flush runs at a time.
/// </summary>
[Reentrant]
public sealed class LedgerGrain(
    [PersistentState("ledger", BoidNames.Storage)] IPersistentState<LedgerGrainState> state,
    [PersistentState("ledgerconfirmed", BoidNames.Storage)] IPersistentState<LedgerConfirmedState> confirmed,
    ILedgerSink sink,
    IOptions<LedgerOptions> options,
    [FromKeyedServices(BoidNames.Clock)] TimeProvider time,
    ILogger<LedgerGrain> logger) : Grain, ILedgerGrain
{
    private const int RejectionsKept = 100;
    private const int BatchesPerWrite = 20;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly HashSet<ulong> _known = [];
    private readonly HashSet<string> _knownOperations = [];
    private Task? _flushing;
    private int _failures;
    private DateTimeOffset _nextAttemptAt;

    private LedgerGrainState S => state.State;

    private LedgerOptions O => options.Value;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A crash between the two writes of a delivery leaves a record both confirmed and pending: drop it here.
        var done = confirmed.State.Ids.ToHashSet();
        var before = S.Pending.Count;
        S.Pending.RemoveAll(p => done.Contains(p.Record.Id));
        S.Operations.RemoveAll(o => confirmed.State.Operations.Contains(o.Key));
        _known.UnionWith(done);
        _known.UnionWith(S.Pending.Select(p => p.Record.Id));
        _knownOperations.UnionWith(confirmed.State.Operations);
        _knownOperations.UnionWith(S.Operations.Select(o => o.Key));
        if (S.Pending.Count != before)
        {
            await WriteAsync();
        }

        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(O.PollInterval, O.PollInterval) { Interleave = true, KeepAlive = true });
        Log.LedgerActive(logger, sink.Mode, sink.Target, S.Pending.Count, S.Operations.Count);
    }

    public Task RecordAsync(ContributionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return RecordManyAsync([record]);
    }

    public async Task RecordManyAsync(ContributionRecord[] records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = time.GetUtcNow();
        var added = new List<LedgerPendingRecord>(records.Length);
        foreach (var record in records)
        {
            if (record.Amount > 0 && _known.Add(record.Id)) // else known already (pending or confirmed), or nothing to credit
            {
                added.Add(new LedgerPendingRecord(record, now));
            }
        }

        if (added.Count == 0)
        {
            return;
        }

        S.Pending.AddRange(added);
        try
        {
            await WriteAsync(); // one write for the whole set
        }
        catch
        {
            var ids = added.Select(p => p.Record.Id).ToHashSet();
            _known.ExceptWith(ids);
            S.Pending.RemoveAll(p => ids.Contains(p.Record.Id));
            throw;
        }

        var protocols = added.Select(p => p.Record.Protocol).ToHashSet(StringComparer.Ordinal);
        if (_flushing is null && protocols.Any(protocol => S.Pending.Count(p => p.Record.Protocol == protocol) >= O.BatchSize))
        {
            _ = FlushSafelyAsync(force: false); // a full batch goes at once, off the caller's path
        }
    }

    public Task AnchorJobAsync(LedgerOperation anchor)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        return AddOperationAsync(anchor);
    }

    public async Task JobEndedAsync(LedgerJobEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        var jobId = LedgerIds.JobId(end.JobKey);
        var micros = (ulong)Math.Max(1, (long)end.DispatcherTime.TotalMicroseconds);
        await RecordAsync(new ContributionRecord
        {
            Id = LedgerIds.DispatcherRecord(end.JobKey),
            Protocol = end.Protocol,
            Contributor = O.Account,
            Role = ContributorRole.Dispatcher,
            Amount = micros,
            JobId = jobId,
            JobKey = end.JobKey,
        });
        await AddOperationAsync(new LedgerOperation
        {
            Kind = LedgerOperationKind.JobState,
            Protocol = end.Protocol,
            JobId = jobId,
            JobKey = end.JobKey,
            ContentHash = end.ContentHash,
            State = LedgerIds.ChainJobState(end.State),
            UnitsDone = (uint)Math.Clamp(end.UnitsDone, 0, uint.MaxValue),
        });
    }

    public Task<LedgerStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<LedgerStatus> FlushAsync()
    {
        await FlushCoreAsync(force: true);
        return Status();
    }

    private async Task AddOperationAsync(LedgerOperation operation)
    {
        if (!_knownOperations.Add(operation.Key))
        {
            return;
        }

        S.Operations.Add(operation);
        try
        {
            await WriteAsync();
        }
        catch
        {
            _knownOperations.Remove(operation.Key);
            S.Operations.Remove(operation);
            throw;
        }

        if (_flushing is null)
        {
            _ = FlushSafelyAsync(force: false);
        }
    }

    private Task TickAsync(CancellationToken cancellationToken) =>
        _flushing is null && (S.Operations.Count > 0 || S.Pending.Count > 0) ? FlushSafelyAsync(force: false) : Task.CompletedTask;

    private async Task FlushSafelyAsync(bool force)
    {
        try
        {
            await FlushCoreAsync(force);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.FlushFailed(logger, exception);
        }
    }

    private async Task FlushCoreAsync(bool force)
    {
        while (_flushing is { } running)
        {
            await running;
            if (!force)
            {
                return;
            }
        }

        var flush = DeliverAsync(force);
        _flushing = flush;
        try
        {
            await flush;
        }
        finally
        {
            if (ReferenceEquals(_flushing, flush))
            {
                _flushing = null;
            }
        }
    }

    private async Task DeliverAsync(bool force)
    {
        await Task.Yield(); // let the caller's turn finish first
        if (!force && time.GetUtcNow() < _nextAttemptAt)
        {
            return;
        }

        while (S.Operations.Count > 0)
        {
            var operation = S.Operations[0];
            try
            {
                var delivery = await sink.DeliverAsync(operation);
                Delivered(delivery);
                S.Operations.RemoveAt(0);
                Remember(confirmed.State.Operations, operation.Key);
                await WriteBothAsync();
                Log.OperationDelivered(logger, operation.Key, delivery.TransactionId ?? sink.Target, delivery.AlreadyRecorded);
            }
            catch (LedgerDeliveryException exception) when (!exception.Transient)
            {
                S.Operations.RemoveAt(0);
                Reject(operation.Key, exception.Message);
                await WriteAsync();
            }
            catch (LedgerDeliveryException exception)
            {
                await FailedAsync(exception);
                return;
            }
        }

        // Delivered batches are written in groups: each write re-serializes the pending list and the confirmed ids,
        // and at thousands of records a second one write per 50-record batch was most of the ledger's cost. A crash
        // before a group's write re-delivers its batches, which both sinks take as already recorded (same ids).
        var unwritten = 0;
        while (S.Pending.Count > 0 && (force || IsDue(time.GetUtcNow())))
        {
            var protocol = S.Pending[0].Record.Protocol;
            var batch = S.Pending.Where(p => p.Record.Protocol == protocol).Take(O.BatchSize).Select(p => p.Record).ToList();
            try
            {
                var delivery = await sink.DeliverAsync(protocol, batch);
                Delivered(delivery);
                foreach (var record in batch)
                {
                    Remember(confirmed.State.Ids, record.Id);
                }

                confirmed.State.Count += batch.Count;
                var ids = batch.Select(r => r.Id).ToHashSet();
                S.Pending.RemoveAll(p => ids.Contains(p.Record.Id));
                S.Batches++;
                if (++unwritten >= BatchesPerWrite)
                {
                    await WriteBothAsync();
                    unwritten = 0;
                }

                Log.BatchDelivered(logger, batch.Count, protocol, delivery.TransactionId ?? sink.Target, delivery.AlreadyRecorded);
            }
            catch (LedgerDeliveryException exception) when (!exception.Transient && exception.RecordId is ulong id && batch.Any(r => r.Id == id))
            {
                // The contract named the record at fault (e.g. its contributor is not registered): set it aside, send the rest.
                S.Pending.RemoveAll(p => p.Record.Id == id);
                Reject($"record {LedgerIds.Format(id)} ({batch.First(r => r.Id == id).JobKey})", exception.Message);
                await WriteAsync();
            }
            catch (LedgerDeliveryException exception)
            {
                await FailedAsync(exception);
                break;
            }
        }

        if (unwritten > 0)
        {
            await WriteBothAsync();
        }
    }

    private bool IsDue(DateTimeOffset now) => LedgerBatching.IsDue(S.Pending, O.BatchSize, O.MaxBatchAge, now);

    private void Delivered(LedgerDelivery delivery)
    {
        _failures = 0;
        _nextAttemptAt = default;
        S.LastTransactionId = delivery.TransactionId ?? S.LastTransactionId;
        S.LastPushAt = time.GetUtcNow();
        S.LastError = null;
        S.LastErrorAt = null;
    }

    private async Task FailedAsync(LedgerDeliveryException exception)
    {
        _failures++;
        var delay = TimeSpan.FromTicks(Math.Min(O.MaxRetryInterval.Ticks, O.RetryInterval.Ticks * (1L << Math.Min(_failures - 1, 20))));
        var now = time.GetUtcNow();
        _nextAttemptAt = now + delay;
        S.LastError = exception.Message;
        S.LastErrorAt = now;
        Log.DeliveryFailed(logger, exception.Message, S.Pending.Count, S.Operations.Count, delay.TotalSeconds);
        await WriteAsync();
    }

    private void Reject(string what, string reason)
    {
        Log.Rejected(logger, what, reason);
        S.Rejected.Add(new LedgerRejection { What = what, Reason = reason, At = time.GetUtcNow() });
        if (S.Rejected.Count > RejectionsKept)
        {
            S.Rejected.RemoveRange(0, S.Rejected.Count - RejectionsKept);
        }
    }

    private void Remember<T>(List<T> list, T item)
    {
        list.Add(item);
        if (list.Count > O.ConfirmedIdsKept)
        {
            list.RemoveRange(0, list.Count - O.ConfirmedIdsKept);
        }
    }

    private async Task WriteBothAsync()
    {
        // Confirmed first: a crash in between leaves the record in both, and activation drops it from pending.
        await _writeGate.WaitAsync();
        try
        {
            await confirmed.WriteStateAsync();
            await state.WriteStateAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task WriteAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private LedgerStatus Status() => new()
    {
        Mode = sink.Mode,
        Target = sink.Target,
        Account = O.Account,
        Contract = O.Contract,
        PendingRecords = S.Pending.Count,
        PendingOperations = S.Operations.Count,
        OldestPendingAt = S.Pending.Count > 0 ? S.Pending.Min(p => p.AddedAt) : null,
        ConfirmedRecords = confirmed.State.Count,
        Batches = S.Batches,
        LastTransactionId = S.LastTransactionId,
        LastPushAt = S.LastPushAt,
        LastError = S.LastError,
        LastErrorAt = S.LastErrorAt,
        NextAttemptAt = _nextAttemptAt == default ? null : _nextAttemptAt,
        Rejected = [.. S.Rejected],
    };
}

/// <summary>When a batch is due: a protocol has a full batch, or the oldest pending record reached the age limit.</summary>
public static class LedgerBatching
{
    public static bool IsDue(IReadOnlyList<LedgerPendingRecord> pending, int batchSize, TimeSpan maxAge, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (pending.Count == 0)
        {
            return false;
        }

        if (pending.Min(p => p.AddedAt) + maxAge <= now)
        {
            return true;
        }

        return pending.GroupBy(p => p.Record.Protocol).Any(g => g.Count() >= batchSize);
    }
}
