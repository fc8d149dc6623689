using System.Globalization;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ledger;
using Boid.Client;
using Boid.Silo.Hosting;
using Boid.Testing;
using Boid.Testing.Specs;

namespace Boid.Ledger.Tests;

/// <summary>
/// End to end: the π example (20 units and its amalgamation, in Docker) on an embedded cluster built by
/// <see cref="BoidHost.Build"/> with the devchain as its chain; clusterjobs' tables must show each worker's accepted
/// container time, exactly once.
/// </summary>
public sealed class EmbeddedClusterLedgerTests : IAsyncLifetime
{
    private const int Units = 20;
    private readonly HttpClient _http = new();
    private Devchain _chain = null!;
    private string _keyFile = "";

    public async Task InitializeAsync()
    {
        _chain = await Devchain.StartAsync("localworker");
        _keyFile = Path.Combine(Repository.NewTempDirectory("boid-key"), "dispatch.key");
        await File.WriteAllTextAsync(_keyFile, _chain.Keys["boiddispatch"] + "\n");
    }

    public async Task DisposeAsync()
    {
        await _chain.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task PiJob_WithDevchain_CreditsEachWorkersContainerTimeExactlyOnce()
    {
        await using var host = await StartClusterAsync();
        var job = await SubmitAsync(host);

        var finished = await host.Client.WaitUntilFinishedAsync(job.Id, TimeSpan.FromMinutes(5));

        Assert.Equal(JobState.Done, finished.State);
        await AssertOnChainExactlyOnceAsync(host, finished);
    }

    [Fact]
    public async Task ChainDownMidJob_RecordsKeptThenDeliveredOnceAfterItReturns()
    {
        await using var host = await StartClusterAsync();
        var job = await SubmitAsync(host);
        await Wait.UntilAsync(async () => (await host.Client.GetJobAsync(job.Id)).Progress.Accepted >= 3, TimeSpan.FromMinutes(3), "3 accepted units");

        await _chain.StopAsync();
        var finished = await host.Client.WaitUntilFinishedAsync(job.Id, TimeSpan.FromMinutes(5));
        Assert.Equal(JobState.Done, finished.State);
        await Wait.UntilAsync(async () => (await host.Client.GetLedgerAsync()).LastError is not null, TimeSpan.FromSeconds(30), "a delivery error while the chain is down");
        var down = await host.Client.GetLedgerAsync();
        Assert.True(down.PendingRecords + down.PendingOperations > 0, "records made while the chain was down are kept");
        Assert.Contains("unreachable", down.LastError, StringComparison.OrdinalIgnoreCase);

        await _chain.RestartAsync();
        await AssertOnChainExactlyOnceAsync(host, finished);
    }

    private async Task<EmbeddedCluster> StartClusterAsync() => await LedgerCluster.StartAsync(SiloRoles.Embedded, new Dictionary<string, string?>
    {
        ["Chain"] = _chain.Url.ToString(),
        ["Account"] = _chain.Dispatcher,
        ["KeyFile"] = _keyFile,
        ["BatchSize"] = "5",
        ["MaxBatchAge"] = "00:00:01",
        ["PollInterval"] = "00:00:00.200",
        ["RetryInterval"] = "00:00:00.500",
        ["MaxRetryInterval"] = "00:00:02",
    });

    private static async Task<Job> SubmitAsync(EmbeddedCluster host)
    {
        await host.Client.AddProtocolAsync(await File.ReadAllTextAsync(Repository.Example("montecarlo-pi", "protocol.yaml")));
        return await host.Client.SubmitJobAsync(Spec.Example("montecarlo-pi", "job.yaml", ("units: 200", $"units: {Units}")));
    }

    private async Task AssertOnChainExactlyOnceAsync(EmbeddedCluster host, Job job)
    {
        // What the dispatcher measured: each accepted unit's container time, by worker.
        var expected = new Dictionary<ulong, (string Worker, long Micros)>();
        foreach (var key in Enumerable.Range(0, Units + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))) // the last: the amalgamation
        {
            var unit = await host.Client.GetUnitAsync(job.Id, key);
            Assert.Equal(UnitStatus.Accepted, unit.Status);
            var accepted = unit.Attempts[^1];
            Assert.True(accepted.RunTimeMicroseconds > 0);
            expected[LedgerIds.WorkerRecord(job.Id, key, accepted.Attempt)] = (accepted.Worker, accepted.RunTimeMicroseconds);
        }

        await Wait.UntilAsync(async () => await host.Client.GetLedgerAsync() is { PendingRecords: 0, PendingOperations: 0, LastError: null }, TimeSpan.FromSeconds(60), "the ledger to deliver everything");
        var status = await host.Client.GetLedgerAsync();
        Assert.Equal(Units + 2, status.ConfirmedRecords); // units, amalgamation, dispatcher time
        Assert.Empty(status.Rejected);
        Assert.Equal(64, status.LastTransactionId?.Length);

        var client = _chain.CreateClient(_http);
        var records = await ChainTables.RowsAsync(client, "montecarlo", "records");
        var workerRecords = records.Where(r => ChainTables.U64(r, "role") == 0).ToList();
        Assert.Equal(expected.Keys.Order(), workerRecords.Select(r => ChainTables.U64(r, "id")).Order());
        foreach (var row in workerRecords)
        {
            var (worker, micros) = expected[ChainTables.U64(row, "id")];
            Assert.Equal(worker, row.GetProperty("contributor").GetString());
            Assert.Equal((ulong)micros, ChainTables.U64(row, "amount"));
        }

        foreach (var worker in expected.Values.GroupBy(v => v.Worker))
        {
            var (total, count) = await ChainTables.WorkerAsync(client, "montecarlo", worker.Key);
            Assert.Equal((ulong)worker.Sum(v => v.Micros), total);
            Assert.Equal((ulong)worker.Count(), count);
        }

        var dispatcher = records.Single(r => ChainTables.U64(r, "role") == 1);
        Assert.Equal(LedgerIds.DispatcherRecord(job.Id), ChainTables.U64(dispatcher, "id"));
        Assert.Equal((ChainTables.U64(dispatcher, "amount"), 1UL), await ChainTables.WorkerAsync(client, "montecarlo", "boiddispatch", "dispatchers"));

        var anchored = (await ChainTables.RowsAsync(client, "montecarlo", "jobs")).Single();
        Assert.Equal(LedgerIds.JobId(job.Id), ChainTables.U64(anchored, "id"));
        Assert.Equal(2UL, ChainTables.U64(anchored, "state"));
        Assert.Equal((ulong)Units, ChainTables.U64(anchored, "units_done"));
        Assert.Equal(Boid.Abstractions.Model.JobRecordHash.Sha256(await host.Grains.GetGrain<IJobGrain>(job.Id).GetSpecAsync()), anchored.GetProperty("content_hash").GetString());
    }
}
