using System.Text.Json.Nodes;
using Boid.Abstractions.Ledger;
using Boid.Abstractions.Model;
using Boid.Eosio;
using Boid.Ledger.Chain;
using Microsoft.Extensions.Logging.Abstractions;

namespace Boid.Ledger.Tests;

/// <summary>Boid.Eosio's client and the ledger's chain sink against the devchain (VeRT behind a nodeos-shaped API).</summary>
public sealed class ChainClientDevchainTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private Devchain _chain = null!;

    public async Task InitializeAsync() => _chain = await Devchain.StartAsync("localworker", "worker2");

    public async Task DisposeAsync()
    {
        await _chain.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task PushTransaction_SignedWithWrongKey_MissingAuthority()
    {
        var client = _chain.CreateClient(_http);
        using var wrongKey = PrivateKey.Parse(_chain.Keys["localworker"]);
        var sut = new TransactionBuilder(client, new PrivateKeySigner(wrongKey));
        var action = await sut.CreateActionAsync("clusterjobs", "recordbatch", [PermissionLevel.Parse("boiddispatch@active")], Batch("localworker", 1, 10));

        var exception = await Assert.ThrowsAsync<ChainAuthorizationException>(() => sut.PushAsync([action]));

        Assert.Equal("unsatisfied_authorization", exception.ErrorName);
        Assert.Contains("boiddispatch", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0UL, (await ChainTables.WorkerAsync(client, "montecarlo", "localworker")).Total);
    }

    [Fact]
    public async Task PushTransaction_SignerIsNotTheDispatcher_MissingRequiredAuthority()
    {
        var client = _chain.CreateClient(_http);
        using var workerKey = PrivateKey.Parse(_chain.Keys["localworker"]);
        var sut = new TransactionBuilder(client, new PrivateKeySigner(workerKey));
        var action = await sut.CreateActionAsync("clusterjobs", "recordbatch", [PermissionLevel.Parse("localworker@active")], Batch("localworker", 1, 10));

        var exception = await Assert.ThrowsAsync<ChainAuthorizationException>(() => sut.PushAsync([action]));

        Assert.Equal("missing_auth_exception", exception.ErrorName);
        Assert.Contains("missing authority of boiddispatch", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushTransaction_ContractAssertion_KeepsItsMessage()
    {
        var client = _chain.CreateClient(_http);
        using var key = PrivateKey.Parse(_chain.Keys["boiddispatch"]);
        var sut = new TransactionBuilder(client, new PrivateKeySigner(key));
        var action = await sut.CreateActionAsync("clusterjobs", "recordbatch", [PermissionLevel.Parse("boiddispatch@active")], Batch("nobody", 7, 10));

        var exception = await Assert.ThrowsAsync<ChainAssertException>(() => sut.PushAsync([action]));

        Assert.Equal("record 7: nobody is not a registered worker", exception.AssertMessage);
        Assert.NotNull(exception.TransactionId);
    }

    [Fact]
    public async Task PushTransaction_Accepted_CreditsAndReadsBack()
    {
        var client = _chain.CreateClient(_http);
        using var key = PrivateKey.Parse(_chain.Keys["boiddispatch"]);
        var sut = new TransactionBuilder(client, new PrivateKeySigner(key));
        var action = await sut.CreateActionAsync("clusterjobs", "recordbatch", [PermissionLevel.Parse("boiddispatch@active")], Batch("worker2", 99, 1234));

        var result = await sut.PushAsync([action]);

        Assert.Equal(64, result.TransactionId.Length);
        Assert.Equal((1234UL, 1UL), await ChainTables.WorkerAsync(client, "montecarlo", "worker2"));
    }

    [Fact]
    public async Task ChainSink_SameBatchTwice_CreditsOnceAndReportsAlreadyRecorded()
    {
        var client = _chain.CreateClient(_http);
        using var sut = new ChainLedgerSink(_chain.Url, "boiddispatch", "active", "clusterjobs", PrivateKey.Parse(_chain.Keys["boiddispatch"]),
            TimeProvider.System, NullLoggerFactory.Instance, ownsKey: true);
        ContributionRecord[] records =
        [
            new() { Id = 501, Protocol = "montecarlo", Contributor = "localworker", Amount = 1000, JobId = 5 },
            new() { Id = 502, Protocol = "montecarlo", Contributor = "localworker", Amount = 2000, JobId = 5 },
            new() { Id = 503, Protocol = "montecarlo", Contributor = "", Role = ContributorRole.Dispatcher, Amount = 700, JobId = 5 },
        ];

        var first = await sut.DeliverAsync("montecarlo", records);
        var second = await sut.DeliverAsync("montecarlo", records);

        Assert.False(first.AlreadyRecorded);
        Assert.True(second.AlreadyRecorded);
        Assert.Equal((3000UL, 2UL), await ChainTables.WorkerAsync(client, "montecarlo", "localworker"));
        Assert.Equal((700UL, 1UL), await ChainTables.WorkerAsync(client, "montecarlo", "boiddispatch", "dispatchers"));
    }

    [Fact]
    public async Task ChainSink_UnregisteredContributor_NamesTheRecord()
    {
        using var sut = new ChainLedgerSink(_chain.Url, "boiddispatch", "active", "clusterjobs", PrivateKey.Parse(_chain.Keys["boiddispatch"]),
            TimeProvider.System, NullLoggerFactory.Instance, ownsKey: true);

        var exception = await Assert.ThrowsAsync<LedgerDeliveryException>(() => sut.DeliverAsync("montecarlo",
            [new ContributionRecord { Id = 601, Protocol = "montecarlo", Contributor = "stranger", Amount = 1, JobId = 6 }]));

        Assert.False(exception.Transient);
        Assert.Equal(601UL, exception.RecordId);
    }

    [Fact]
    public async Task ChainSink_JobAnchorAndFinalState_IdempotentOnRetry()
    {
        var client = _chain.CreateClient(_http);
        using var sut = new ChainLedgerSink(_chain.Url, "boiddispatch", "active", "clusterjobs", PrivateKey.Parse(_chain.Keys["boiddispatch"]),
            TimeProvider.System, NullLoggerFactory.Instance, ownsKey: true);
        var hash = new string('a', 64);
        var anchor = new LedgerOperation { Kind = LedgerOperationKind.NewJob, Protocol = "montecarlo", JobId = 77, Researcher = "student1", ContentHash = hash, Units = 4 };
        var done = new LedgerOperation { Kind = LedgerOperationKind.JobState, Protocol = "montecarlo", JobId = 77, ContentHash = hash, State = 2, UnitsDone = 4 };

        Assert.False((await sut.DeliverAsync(anchor)).AlreadyRecorded);
        Assert.True((await sut.DeliverAsync(anchor)).AlreadyRecorded);
        Assert.False((await sut.DeliverAsync(done)).AlreadyRecorded);
        Assert.True((await sut.DeliverAsync(done)).AlreadyRecorded);

        var job = (await ChainTables.RowsAsync(client, "montecarlo", "jobs")).Single(r => ChainTables.U64(r, "id") == 77);
        Assert.Equal(2UL, ChainTables.U64(job, "state"));
        Assert.Equal(4UL, ChainTables.U64(job, "units_done"));
        Assert.Equal(hash, job.GetProperty("content_hash").GetString());
    }

    private static JsonObject Batch(string contributor, ulong id, ulong amount) => new()
    {
        ["dispatcher"] = "boiddispatch",
        ["protocol"] = "montecarlo",
        ["records"] = new JsonArray(new JsonObject { ["id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["contributor"] = contributor, ["role"] = 0, ["amount"] = amount.ToString(System.Globalization.CultureInfo.InvariantCulture), ["job_id"] = "1" }),
    };
}
