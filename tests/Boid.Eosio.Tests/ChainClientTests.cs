using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Boid.Eosio.Tests;

public sealed class ChainClientTests : IDisposable
{
    private static readonly PermissionLevel[] Auth = [PermissionLevel.Parse("boiddispatch@active")];
    private readonly FakeNodeos _nodeos = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly PrivateKey _key = PrivateKey.Parse(TestAbi.DevPrivateKeyWif);

    public void Dispose()
    {
        _http.Dispose();
        _nodeos.Dispose();
        _key.Dispose();
    }

    private AntelopeChainClient Client(TimeSpan? timeout = null, int attempts = 3) => new(_http, new AntelopeChainClientOptions
    {
        Endpoint = _nodeos.Endpoint,
        RequestTimeout = timeout ?? TimeSpan.FromSeconds(5),
        MaxReadAttempts = attempts,
        MaxPushAttempts = attempts,
        RetryDelay = TimeSpan.FromMilliseconds(5),
    });

    private PackedTransaction Signed(DateTimeOffset? expiration = null)
    {
        var trx = new Transaction
        {
            Expiration = expiration ?? DateTimeOffset.UtcNow.AddMinutes(5),
            RefBlockNum = 1,
            RefBlockPrefix = 2,
            Actions = [ChainAction.Create(TestAbi.Serializer, "clusterjobs", "recordbatch", Auth, TestAbi.RecordBatch(2))],
        };
        return trx.Sign(TestAbi.ChainId, _key);
    }

    [Fact]
    public async Task GetInfoAsync_NodeosAnswer_Decoded()
    {
        ChainInfo info = await Client().GetInfoAsync();

        Assert.Equal(TestAbi.ChainId, info.ChainId);
        Assert.Equal(42216u, info.LastIrreversibleBlockNum);
        Assert.Equal(FakeNodeos.LibBlockId, info.LastIrreversibleBlockId);
        Assert.Equal("v5.0.3", info.ServerVersionString);
    }

    [Fact]
    public async Task GetAbiAsync_Published_ParsesAbi_AndNoAbiGivesNull()
    {
        AbiDefinition? abi = await Client().GetAbiAsync("clusterjobs");
        Assert.NotNull(abi);
        Assert.Contains(abi.Actions, a => a.Name == "recordbatch");

        _nodeos.Handler = (path, _, _) => new FakeResponse(200, """{"account_name":"alice"}""");
        Assert.Null(await Client().GetAbiAsync("alice"));
        Assert.Equal("alice", _nodeos.Requests.Last().Body!["account_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetAllTableRowsAsync_Paged_FollowsNextKey()
    {
        _nodeos.Handler = (path, body, _) =>
        {
            string? lower = body?["lower_bound"]?.GetValue<string>();
            return lower switch
            {
                null => new FakeResponse(200, """{"rows":[{"id":1},{"id":2}],"more":true,"next_key":"3"}"""),
                "3" => new FakeResponse(200, """{"rows":[{"id":3},{"id":4}],"more":true,"next_key":"5"}"""),
                _ => new FakeResponse(200, """{"rows":[{"id":5}],"more":false,"next_key":""}"""),
            };
        };
        var request = new TableRowsRequest { Code = "clusterjobs", Scope = "clusterjobs", Table = "workers", Limit = 2 };

        var ids = new List<int>();
        await foreach (JsonElement row in Client().GetAllTableRowsAsync(request))
        {
            ids.Add(row.GetProperty("id").GetInt32());
        }

        Assert.Equal([1, 2, 3, 4, 5], ids);
        JsonNode first = _nodeos.Requests.First().Body!;
        Assert.True(first["json"]!.GetValue<bool>());
        Assert.Equal("workers", first["table"]!.GetValue<string>());
        Assert.Equal(2, first["limit"]!.GetValue<int>());
    }

    [Fact]
    public async Task PushTransactionAsync_Accepted_SendsPackedTrxAndReturnsId()
    {
        PackedTransaction packed = Signed();
        _nodeos.Handler = (path, body, _) => new FakeResponse(200, FakeNodeos.PushOk(packed.Id));

        PushTransactionResult result = await Client().PushTransactionAsync(packed);

        Assert.Equal(packed.Id, result.TransactionId);
        Assert.False(result.AlreadyApplied);
        Assert.Equal(42226u, result.BlockNum);
        JsonNode sent = _nodeos.Requests.Single().Body!;
        Assert.Equal("/v1/chain/push_transaction", _nodeos.Requests.Single().Path);
        Assert.Equal(0, sent["compression"]!.GetValue<int>());
        Transaction decoded = Transaction.Deserialize(Convert.FromHexString(sent["packed_trx"]!.GetValue<string>()));
        Assert.Equal(packed.Transaction, decoded);
        var signature = Signature.Parse(sent["signatures"]![0]!.GetValue<string>());
        Assert.Equal(_key.PublicKey, signature.RecoverPublicKey(decoded.SigningDigest(TestAbi.ChainId)));
    }

    [Fact]
    public async Task PushTransactionAsync_AssertFails_ThrowsWithContractMessage()
    {
        _nodeos.Handler = (_, _, _) => new FakeResponse(500, FakeNodeos.Error(3050003, "eosio_assert_message_exception", "eosio_assert_message assertion failure", "assertion failure with message: record already credited"));
        PackedTransaction packed = Signed();

        ChainAssertException ex = await Assert.ThrowsAsync<ChainAssertException>(() => Client().PushTransactionAsync(packed));

        Assert.Equal("record already credited", ex.AssertMessage);
        Assert.Contains("record already credited", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3050003, ex.ErrorCode);
        Assert.Equal(packed.Id, ex.TransactionId);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, _nodeos.Count("push_transaction"));
    }

    [Fact]
    public async Task PushTransactionAsync_MissingAuthority_ThrowsAuthorizationError()
    {
        const string detail = "transaction declares authority '{\"actor\":\"boiddispatch\",\"permission\":\"active\"}', but does not have signatures for it.";
        _nodeos.Handler = (_, _, _) => new FakeResponse(500, FakeNodeos.Error(3090003, "unsatisfied_authorization", "Provided keys, permissions, and delays do not satisfy declared authorizations", detail));

        ChainAuthorizationException ex = await Assert.ThrowsAsync<ChainAuthorizationException>(() => Client().PushTransactionAsync(Signed()));

        Assert.Equal("unsatisfied_authorization", ex.ErrorName);
        Assert.Contains(detail, ex.Details);
        Assert.Contains("do not satisfy declared authorizations", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_key.ToSecretString(), ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushTransactionAsync_DuplicateOnFirstAttempt_Throws()
    {
        _nodeos.Handler = (_, _, _) => new FakeResponse(409, FakeNodeos.Error(3040008, "tx_duplicate", "Duplicate transaction", "duplicate transaction abc"));

        await Assert.ThrowsAsync<DuplicateTransactionException>(() => Client().PushTransactionAsync(Signed()));
    }

    [Fact]
    public async Task PushTransactionAsync_ConnectionDroppedThenDuplicate_ReportsAlreadyApplied()
    {
        PackedTransaction packed = Signed();
        var bodies = new List<string>();
        _nodeos.Handler = (path, body, attempt) =>
        {
            bodies.Add(body!.ToJsonString());
            return attempt == 1
                ? new FakeResponse(0, string.Empty, Abort: true)
                : new FakeResponse(500, FakeNodeos.Error(3040008, "tx_duplicate", "Duplicate transaction", $"duplicate transaction {packed.Id}"));
        };

        PushTransactionResult result = await Client().PushTransactionAsync(packed);

        Assert.True(result.AlreadyApplied);
        Assert.Equal(packed.Id, result.TransactionId);
        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0], bodies[1]);
    }

    [Fact]
    public async Task PushTransactionAsync_TimeoutEveryTime_ThrowsTimeoutWithTransactionId()
    {
        PackedTransaction packed = Signed();
        _nodeos.Handler = (_, _, _) => new FakeResponse(200, FakeNodeos.PushOk(packed.Id), Delay: TimeSpan.FromSeconds(3));

        ChainTimeoutException ex = await Assert.ThrowsAsync<ChainTimeoutException>(() => Client(TimeSpan.FromMilliseconds(200), attempts: 2).PushTransactionAsync(packed));

        Assert.True(ex.IsTransient);
        Assert.Equal(packed.Id, ex.TransactionId);
        Assert.Equal(2, _nodeos.Count("push_transaction"));
    }

    [Fact]
    public async Task PushTransactionAsync_Expired_NotRetried()
    {
        PackedTransaction packed = Signed(DateTimeOffset.UtcNow.AddMinutes(-1));
        _nodeos.Handler = (_, _, _) => new FakeResponse(503, "busy");

        ChainUnavailableException ex = await Assert.ThrowsAsync<ChainUnavailableException>(() => Client().PushTransactionAsync(packed));

        Assert.Equal(503, ex.HttpStatus);
        Assert.Equal(1, _nodeos.Count("push_transaction"));
    }

    [Fact]
    public async Task PushTransactionAsync_ChainError_NeverRetried()
    {
        _nodeos.Handler = (_, _, _) => new FakeResponse(500, FakeNodeos.Error(3080004, "tx_cpu_usage_exceeded", "Transaction exceeded the current CPU usage limit imposed on the transaction", "billed CPU time (400 us) is greater than the maximum"));

        ChainResourceExceededException ex = await Assert.ThrowsAsync<ChainResourceExceededException>(() => Client().PushTransactionAsync(Signed()));

        Assert.True(ex.IsTransient);
        Assert.Equal(1, _nodeos.Count("push_transaction"));
    }

    [Fact]
    public async Task GetInfoAsync_UnavailableTwiceThenUp_RetriesReads()
    {
        _nodeos.Handler = (path, _, attempt) => attempt <= 2 ? new FakeResponse(502, "<html>bad gateway</html>") : FakeNodeos.Default(path);

        ChainInfo info = await Client().GetInfoAsync();

        Assert.Equal(TestAbi.ChainId, info.ChainId);
        Assert.Equal(3, _nodeos.Count("get_info"));
    }

    [Fact]
    public async Task GetInfoAsync_UnreachableEndpoint_ThrowsUnavailable()
    {
        var client = new AntelopeChainClient(_http, new AntelopeChainClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:1/"),
            MaxReadAttempts = 2,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        });

        ChainUnavailableException ex = await Assert.ThrowsAsync<ChainUnavailableException>(() => client.GetInfoAsync());

        Assert.True(ex.IsTransient);
        Assert.Contains("unreachable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetInfoAsync_UnknownEndpoint_ThrowsApiErrorWithDetails()
    {
        _nodeos.Handler = (_, _, _) => FakeNodeos.Default("/v1/chain/nope");

        ChainApiException ex = await Assert.ThrowsAsync<ChainApiException>(() => Client().GetInfoAsync());

        Assert.Equal(404, ex.HttpStatus);
        Assert.Contains("Unknown Endpoint", ex.Details);
        Assert.Equal(1, _nodeos.Count("get_info"));
    }

    [Fact]
    public async Task GetInfoAsync_Cancelled_ThrowsOperationCanceled()
    {
        _nodeos.Handler = (path, _, _) => FakeNodeos.Default(path) with { Delay = TimeSpan.FromSeconds(3) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().GetInfoAsync(cts.Token));
    }

    [Fact]
    public async Task TransactionBuilder_PushAsync_UsesTaposExpirationAbiAndKey()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 19, 11, 0, 250, TimeSpan.Zero));
        PackedTransaction? pushed = null;
        _nodeos.Handler = (path, body, _) =>
        {
            if (path != "/v1/chain/push_transaction")
            {
                return FakeNodeos.Default(path);
            }

            var trx = Transaction.Deserialize(Convert.FromHexString(body!["packed_trx"]!.GetValue<string>()));
            var signatures = body["signatures"]!.AsArray().Select(s => Signature.Parse(s!.GetValue<string>())).ToArray();
            pushed = new PackedTransaction(trx, signatures);
            return new FakeResponse(200, FakeNodeos.PushOk(pushed.Id));
        };
        var sut = new TransactionBuilder(Client(), new PrivateKeySigner(_key), time, new TransactionBuilderOptions { ExpireAfter = TimeSpan.FromSeconds(90) });

        ChainAction action = await sut.CreateActionAsync("clusterjobs", "recordbatch", Auth, TestAbi.RecordBatch(3));
        PushTransactionResult result = await sut.PushAsync([action]);

        Assert.NotNull(pushed);
        Assert.Equal(pushed.Id, result.TransactionId);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 19, 12, 30, TimeSpan.Zero), pushed.Transaction.Expiration);
        Assert.Equal((ushort)0xa4e8, pushed.Transaction.RefBlockNum);
        Assert.Equal(0x01efcdabu, pushed.Transaction.RefBlockPrefix); // bytes 8..11 of the block id, little-endian
        Assert.Equal(action, pushed.Transaction.Actions.Single());
        Assert.Equal(_key.PublicKey, pushed.Signatures.Single().RecoverPublicKey(pushed.Transaction.SigningDigest(TestAbi.ChainId)));
        Assert.Equal(1, _nodeos.Count("get_abi"));

        await sut.CreateActionAsync("clusterjobs", "recordbatch", Auth, TestAbi.RecordBatch(1));
        Assert.Equal(1, _nodeos.Count("get_abi"));
    }

    [Fact]
    public async Task TransactionBuilder_BadActionData_ThrowsBeforePushing()
    {
        var sut = new TransactionBuilder(Client(), new PrivateKeySigner(_key));
        JsonObject data = TestAbi.RecordBatch(1);
        data["records"]![0]!["micros"] = "lots";

        AbiException ex = await Assert.ThrowsAsync<AbiException>(() => sut.CreateActionAsync("clusterjobs", "recordbatch", Auth, data));

        Assert.Equal("records[0].micros", ex.Path);
        Assert.Equal(0, _nodeos.Count("push_transaction"));
    }
}
