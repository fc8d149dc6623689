using System.Globalization;
using Boid.Abstractions.Grains;
using Boid.Abstractions.Ledger;
using Boid.Client;
using Boid.Silo.Hosting;

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
        _keyFile = Path.Combine(TestPaths.NewTempDirectory("boid-key"), "dispatch.key");
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

        var finished = await host.Client.WaitForJobAsync(job.Id, cancellationToken: Timeout(TimeSpan.FromMinutes(5)));

        Assert.Equal(JobState.Done, finished.State);
        await AssertOnChainExactlyOnceAsync(host, finished);
    }

    [Fact]
    public async Task ChainDownMidJob_RecordsKeptThenDeliveredOnceAfterItReturns()
    {
        await using var host = await StartClusterAsync();
        var job = await SubmitAsync(host);
        await Until(async () => (await host.Client.GetJobAsync(job.Id)).Progress.Accepted >= 3, "3 accepted units", TimeSpan.FromMinutes(3));

        await _chain.StopAsync();
        var finished = await host.Client.WaitForJobAsync(job.Id, cancellationToken: Timeout(TimeSpan.FromMinutes(5)));
        Assert.Equal(JobState.Done, finished.State);
        await Until(async () => (await host.Client.GetLedgerAsync()).LastError is not null, "a delivery error while the chain is down", TimeSpan.FromSeconds(30));
        var down = await host.Client.GetLedgerAsync();
        Assert.True(down.PendingRecords + down.PendingOperations > 0, "records made while the chain was down are kept");
        Assert.Contains("unreachable", down.LastError, StringComparison.OrdinalIgnoreCase);

        await _chain.RestartAsync();
        await AssertOnChainExactlyOnceAsync(host, finished);
    }

    private async Task<LedgerHost> StartClusterAsync() => await LedgerHost.StartAsync(SiloRoles.Embedded, new Dictionary<string, string?>
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

    private static async Task<Job> SubmitAsync(LedgerHost host)
    {
        var example = Path.Combine(TestPaths.RepoRoot, "examples", "montecarlo-pi");
        await host.Client.AddProtocolAsync(await File.ReadAllTextAsync(Path.Combine(example, "protocol.yaml")));
        var spec = (await File.ReadAllTextAsync(Path.Combine(example, "job.yaml"))).Replace("units: 200", $"units: {Units}", StringComparison.Ordinal);
        Assert.Contains($"units: {Units}", spec, StringComparison.Ordinal);
        return await host.Client.SubmitJobAsync(spec);
    }

    private async Task AssertOnChainExactlyOnceAsync(LedgerHost host, Job job)
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

        await Until(async () => await host.Client.GetLedgerAsync() is { PendingRecords: 0, PendingOperations: 0, LastError: null },
            "the ledger to deliver everything", TimeSpan.FromSeconds(60));
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
        Assert.Equal(Boid.Abstractions.Model.JobRecordHash.Sha256(await host.App.Services.GetRequiredServiceJobSpecAsync(job.Id)), anchored.GetProperty("content_hash").GetString());
    }

    private static CancellationToken Timeout(TimeSpan after) => new CancellationTokenSource(after).Token;

    private static async Task Until(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds} s for {what}");
            }

            await Task.Delay(200);
        }
    }
}

internal static class ServiceProviderJobSpecExtensions
{
    public static Task<Boid.Abstractions.Model.JobSpec> GetRequiredServiceJobSpecAsync(this IServiceProvider services, string jobId) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IGrainFactory>(services)
            .GetGrain<IJobGrain>(jobId).GetSpecAsync();
}
