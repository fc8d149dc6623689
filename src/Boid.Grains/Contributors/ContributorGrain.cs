using Boid.Abstractions;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Boid.Grains.Contributors;

[GenerateSerializer, Alias("boid.ContributorGrainState")]
public sealed class ContributorGrainState
{
    [Id(0)] public WorkerRegistration? Registration { get; set; }
    [Id(1)] public ContributorRole Role { get; set; }
    [Id(2)] public DateTimeOffset? LastSeen { get; set; }
    /// <summary>Per job: µs of accepted container time and accepted units. Set, never added, so credit is idempotent.</summary>
    [Id(3)] public Dictionary<string, JobCredit> Credits { get; set; } = [];
    /// <summary>Replicated results that agreed with their quorum since the last one that did not.</summary>
    [Id(4)] public long CleanStreak { get; set; }
    /// <summary>Replicated results that lost their quorum, ever.</summary>
    [Id(5)] public long QuorumLosses { get; set; }
    /// <summary>The K1 public key a remote worker proved it holds for this account (PUB_K1_…); null until it first registers.</summary>
    [Id(6)] public string? PublicKey { get; set; }
    /// <summary>The UTC day <see cref="QuotaUsed"/> counts for.</summary>
    [Id(7)] public DateOnly QuotaDay { get; set; }
    [Id(8)] public int QuotaUsed { get; set; }
    /// <summary>Storage contributors: the registration, the last report (time, used bytes), reports so far, byte-seconds credited.</summary>
    [Id(20)] public StorageRegistration? Storage { get; set; }
    [Id(21)] public DateTimeOffset? StorageReportedAt { get; set; }
    [Id(22)] public long StorageReports { get; set; }
    [Id(23)] public ulong StoredByteSeconds { get; set; }
}

public sealed class ContributorGrain(
    [PersistentState("contributor", BoidNames.Storage)] IPersistentState<ContributorGrainState> state,
    IGrainFactory grains,
    IOptions<DispatchOptions> options,
    [FromKeyedServices(BoidNames.Clock)] TimeProvider time) : Grain, IContributorGrain
{
    // Heartbeats come every few seconds; "last seen" is kept in memory and written at most this often.
    private static readonly TimeSpan LastSeenWriteInterval = TimeSpan.FromMinutes(1);
    private int _runningUnits;
    private DateTimeOffset? _lastSeen;

    public async Task RegisterAsync(WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        state.State.Registration = registration;
        state.State.Role = ContributorRole.Worker;
        state.State.LastSeen = _lastSeen = time.GetUtcNow();
        await state.WriteStateAsync();
        await grains.GetGrain<IDirectoryGrain>(0).AddContributorAsync(this.GetPrimaryKeyString());
    }

    public async Task HeartbeatAsync(int runningUnits)
    {
        _runningUnits = runningUnits;
        _lastSeen = time.GetUtcNow();
        if (state.State.LastSeen is not { } written || _lastSeen - written > LastSeenWriteInterval)
        {
            state.State.LastSeen = _lastSeen;
            await state.WriteStateAsync();
        }
    }

    public async Task CreditAsync(string jobId, long microseconds, long units)
    {
        var credit = new JobCredit(microseconds, units);
        if (state.State.Credits.TryGetValue(jobId, out var existing) && existing == credit)
        {
            return;
        }

        state.State.Credits[jobId] = credit;
        await state.WriteStateAsync();
    }

    public async Task RecordValidationAsync(bool agreed)
    {
        if (agreed)
        {
            state.State.CleanStreak++;
        }
        else
        {
            state.State.CleanStreak = 0;
            state.State.QuorumLosses++;
        }

        await state.WriteStateAsync();
    }

    public Task<bool> IsTrustedAsync(int cleanResults) => Task.FromResult(cleanResults > 0 && state.State.CleanStreak >= cleanResults);

    public async Task<bool> BindKeyAsync(string publicKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(publicKey);
        if (state.State.PublicKey is { } bound)
        {
            return string.Equals(bound, publicKey, StringComparison.Ordinal);
        }

        state.State.PublicKey = publicKey;
        await state.WriteStateAsync();
        return true;
    }

    public async Task<int> TakeDailyQuotaAsync(int taken, int dailyLimit)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (state.State.QuotaDay != today)
        {
            (state.State.QuotaDay, state.State.QuotaUsed) = (today, 0);
        }

        if (taken > 0)
        {
            state.State.QuotaUsed += taken;
            await state.WriteStateAsync();
        }

        return Math.Max(0, dailyLimit - state.State.QuotaUsed);
    }

    public Task<ContributorView> GetAsync()
    {
        var registration = state.State.Registration;
        return Task.FromResult(new ContributorView
        {
            Account = this.GetPrimaryKeyString(),
            Role = state.State.Role,
            Cores = registration?.Cores ?? 0,
            MemoryBytes = registration?.MemoryBytes ?? 0,
            Slots = registration?.Slots ?? 0,
            Architecture = registration?.Architecture ?? "",
            LastSeen = _lastSeen ?? state.State.LastSeen,
            RunningUnits = _runningUnits,
            ContributedMicroseconds = state.State.Credits.Values.Sum(c => c.Microseconds),
            UnitsAccepted = state.State.Credits.Values.Sum(c => c.Units),
            CleanStreak = state.State.CleanStreak,
            QuorumLosses = state.State.QuorumLosses,
            StorageEndpoint = state.State.Storage?.Endpoint,
            StorageProtocol = state.State.Storage?.Protocol,
            StorageCapacityBytes = state.State.Storage?.CapacityBytes ?? 0,
            StorageUsedBytes = state.State.Storage?.UsedBytes ?? 0,
            StoredByteSeconds = state.State.StoredByteSeconds,
            Trusted = options.Value.TrustAfterCleanResults > 0 && state.State.CleanStreak >= options.Value.TrustAfterCleanResults,
        });
    }

    public async Task<ContributorView> RegisterStorageAsync(StorageRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        state.State.Storage = registration with { UsedBytes = Math.Clamp(registration.UsedBytes, 0, registration.CapacityBytes) };
        state.State.Role = ContributorRole.Storage;
        state.State.StorageReportedAt = state.State.LastSeen = _lastSeen = time.GetUtcNow();
        await state.WriteStateAsync();
        await grains.GetGrain<IDirectoryGrain>(0).AddContributorAsync(this.GetPrimaryKeyString());
        return await GetAsync();
    }

    public async Task<StorageReportResult> ReportStorageAsync(long usedBytes)
    {
        var storage = state.State.Storage ?? throw BoidException.NotFound($"'{this.GetPrimaryKeyString()}' is not a registered storage contributor (run boid storage)");
        var used = Math.Clamp(usedBytes, 0, storage.CapacityBytes);
        var now = time.GetUtcNow();
        var since = state.State.StorageReportedAt ?? now;
        var seconds = Math.Clamp((now - since).TotalSeconds, 0, options.Value.MaxStorageReportGap.TotalSeconds);
        var credit = (ulong)Math.Round((storage.UsedBytes + (double)used) / 2 * seconds);
        var report = state.State.StorageReports + 1;
        if (credit > 0)
        {
            // Recorded before our write: a repeat after a crash carries the same report number, so the same record id.
            await grains.GetGrain<ILedgerGrain>(0).RecordAsync(new ContributionRecord
            {
                Id = LedgerIds.StoragePeriodRecord(storage.Protocol, this.GetPrimaryKeyString(), report),
                Protocol = storage.Protocol,
                Contributor = this.GetPrimaryKeyString(),
                Role = ContributorRole.Storage,
                Amount = credit,
            });
        }

        state.State.Storage = storage with { UsedBytes = used };
        state.State.StorageReportedAt = state.State.LastSeen = _lastSeen = now;
        state.State.StorageReports = report;
        state.State.StoredByteSeconds += credit;
        await state.WriteStateAsync();
        return new StorageReportResult { UsedBytes = used, CreditedByteSeconds = credit, TotalByteSeconds = state.State.StoredByteSeconds };
    }

}
