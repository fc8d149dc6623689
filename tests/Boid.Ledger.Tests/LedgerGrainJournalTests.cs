using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Boid.Eosio;
using Boid.Ledger.Chain;
using Boid.Ledger.Journal;
using Boid.Silo.Hosting;
using Boid.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Ledger.Tests;

/// <summary>The ledger grain on a real dispatcher silo (SQLite state) without a chain: batches go to the journal.</summary>
public sealed class LedgerGrainJournalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public void IsDue_ByCountAndByAge_FollowsFakeClock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var pending = Enumerable.Range(1, 3).Select(i => new LedgerPendingRecord(Record((ulong)i), time.GetUtcNow())).ToList();

        Assert.False(LedgerBatching.IsDue(pending, batchSize: 4, TimeSpan.FromSeconds(10), time.GetUtcNow()));
        Assert.True(LedgerBatching.IsDue(pending, batchSize: 3, TimeSpan.FromSeconds(10), time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(LedgerBatching.IsDue(pending, batchSize: 4, TimeSpan.FromSeconds(10), time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(LedgerBatching.IsDue(pending, batchSize: 4, TimeSpan.FromSeconds(10), time.GetUtcNow()));
        Assert.False(LedgerBatching.IsDue([], batchSize: 1, TimeSpan.Zero, time.GetUtcNow()));
    }

    [Fact]
    public async Task RecordAsync_BySizeThenByAge_JournalsBatchesOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await LedgerCluster.StartAsync(SiloRoles.Dispatcher, new Dictionary<string, string?>
        {
            ["Account"] = "boiddispatch",
            ["BatchSize"] = "5",
            ["MaxBatchAge"] = "00:01:00",
            ["PollInterval"] = "00:00:00.100",
        }, time);
        var journal = Path.Combine(host.DataDirectory, "ledger", "journal.jsonl");
        var sut = host.Ledger();

        for (ulong id = 1; id <= 5; id++)
        {
            await sut.RecordAsync(Record(id));
        }

        await Wait.UntilAsync(() => Batches(journal).Count == 1, Patience, "the full batch of 5 in the journal");
        Assert.Equal(5, Batches(journal)[0].Records!.Count);

        await sut.RecordAsync(Record(6));
        await sut.RecordAsync(Record(7));
        await sut.RecordAsync(Record(3)); // delivered already: known by id
        await Task.Delay(TimeSpan.FromSeconds(1)); // many polls, but the fake clock has not moved
        Assert.Single(Batches(journal));
        Assert.Equal(2, (await sut.GetStatusAsync()).PendingRecords);

        time.Advance(TimeSpan.FromMinutes(1));
        await Wait.UntilAsync(() => Batches(journal).Count == 2, Patience, "the aged batch of 2 in the journal");
        Assert.Equal(["6", "7"], Batches(journal)[1].Records!.Select(r => r.Id));

        var status = await sut.GetStatusAsync();
        Assert.Equal("journal", status.Mode);
        Assert.Equal(0, status.PendingRecords);
        Assert.Equal(7, status.ConfirmedRecords);
        Assert.Equal(2, status.Batches);
        Assert.Null(status.LastError);
        Assert.Equal(status.Mode, (await host.Client.GetLedgerAsync()).Mode);
        Assert.Equal(7, (await host.Client.GetLedgerAsync()).ConfirmedRecords);
    }

    [Fact]
    public async Task PendingRecords_SurviveRestart_AndReplayToChainCreditsOnce()
    {
        var data = Repository.NewTempDirectory("boid-ledger");
        var journal = Path.Combine(data, "ledger", "journal.jsonl");
        var settings = new Dictionary<string, string?> { ["BatchSize"] = "200", ["MaxBatchAge"] = "01:00:00", ["PollInterval"] = "00:00:00.100" };
        await using (var first = await LedgerCluster.StartAsync(SiloRoles.Dispatcher, settings, dataDirectory: data))
        {
            await first.Ledger().AnchorJobAsync(new LedgerOperation { Kind = LedgerOperationKind.NewJob, Protocol = "montecarlo", JobId = LedgerIds.JobId("j-1"), JobKey = "j-1", Researcher = "student1", ContentHash = new string('c', 64), Units = 3 });
            await first.Ledger().RecordAsync(Record(11, 1500));
            await first.Ledger().RecordAsync(Record(12, 2500));
            await first.Ledger().JobEndedAsync(new LedgerJobEnd { JobKey = "j-1", Protocol = "montecarlo", State = JobState.Done, UnitsDone = 3, ContentHash = new string('c', 64), DispatcherTime = TimeSpan.FromSeconds(2) });
            await Wait.UntilAsync(() => Entries(journal).Count(e => e.Kind != JournalEntry.RecordBatch) == 2, Patience, "the job anchor and state in the journal");
            Assert.Equal(3, (await first.Ledger().GetStatusAsync()).PendingRecords); // batch not due for an hour
        }

        await using (var second = await LedgerCluster.StartAsync(SiloRoles.Dispatcher, settings, dataDirectory: data))
        {
            Assert.Equal(3, (await second.Ledger().GetStatusAsync()).PendingRecords);
            await second.Ledger().RecordAsync(Record(11, 1500)); // re-sent after the "crash": nothing new
            var status = await second.Ledger().FlushAsync();
            Assert.Equal(0, status.PendingRecords);
            Assert.Equal(3, status.ConfirmedRecords);
        }

        await using var chain = await Devchain.StartAsync("localworker");
        using var sink = new ChainLedgerSink(chain.Url, "boiddispatch", "active", "clusterjobs", PrivateKey.Parse(chain.Keys["boiddispatch"]),
            TimeProvider.System, NullLoggerFactory.Instance, ownsKey: true);
        foreach (var entry in LedgerJournal.Read(journal))
        {
            Assert.False((await LedgerJournal.ReplayAsync(entry, sink)).AlreadyRecorded);
        }

        foreach (var entry in LedgerJournal.Read(journal))
        {
            Assert.True((await LedgerJournal.ReplayAsync(entry, sink)).AlreadyRecorded);
        }

        using var http = new HttpClient();
        var client = chain.CreateClient(http);
        Assert.Equal((4000UL, 2UL), await ChainTables.WorkerAsync(client, "montecarlo", "localworker"));
        Assert.Equal((2_000_000UL, 1UL), await ChainTables.WorkerAsync(client, "montecarlo", "boiddispatch", "dispatchers"));
        var job = (await ChainTables.RowsAsync(client, "montecarlo", "jobs")).Single();
        Assert.Equal(2UL, ChainTables.U64(job, "state"));
    }

    internal static ContributionRecord Record(ulong id, ulong amount = 1000) =>
        new() { Id = id, Protocol = "montecarlo", Contributor = "localworker", Role = ContributorRole.Worker, Amount = amount, JobId = 42, JobKey = "j-1" };

    private static List<JournalEntry> Entries(string journal) => File.Exists(journal) ? [.. LedgerJournal.Read(journal)] : [];

    private static List<JournalEntry> Batches(string journal) => [.. Entries(journal).Where(e => e.Kind == JournalEntry.RecordBatch)];
}
