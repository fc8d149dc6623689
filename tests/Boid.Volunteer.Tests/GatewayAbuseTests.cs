using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Boid.Abstractions.Gateway;
using Boid.Abstractions.Model;
using Boid.Eosio;
using Boid.Testing;
using Boid.Testing.Processes;

namespace Boid.Volunteer.Tests;

/// <summary>One dispatcher process on loopback with short tokens and a small daily quota, shared by the abuse tests.</summary>
public sealed class AbuseDispatcherFixture : IAsyncLifetime
{
    public Dispatcher Dispatcher { get; } = new(nameof(GatewayAbuseTests), "127.0.0.1", new Dictionary<string, string>
    {
        ["Boid__Gateway__TokenTtl"] = "00:00:03",
        ["Boid__Gateway__DailyQuota"] = "4",
        ["Boid__Gateway__AnonymousRequestsPerSecond"] = "200", // every test signs sessions from 127.0.0.1
    });

    /// <summary>Accounts the protocol approves (join: approved); any other is refused.</summary>
    public string[] Approved { get; } = Enumerable.Range(0, 13).Select(i => Accounts.New($"ok{(char)('a' + i)}")).ToArray();

    /// <summary>Approved accounts for the honest remote worker processes.</summary>
    public string[] Honest { get; } = [Accounts.New("honesta"), Accounts.New("honestb")];

    public async Task InitializeAsync()
    {
        await Dispatcher.StartAsync();
        await Dispatcher.Client.AddProtocolAsync(Specs.Protocol("volabuse", join: "approved", results: "any", approved: [.. Approved, .. Honest]));
        await Dispatcher.Client.AddProtocolAsync(Specs.Protocol("volstrict", join: "approved", results: "replicated-only", approved: Approved));
    }

    public Task DisposeAsync()
    {
        Dispatcher.Dispose();
        return Task.CompletedTask;
    }
}

[Collection("volunteer")]
public sealed class GatewayAbuseTests(AbuseDispatcherFixture fixture) : IClassFixture<AbuseDispatcherFixture>
{
    private Dispatcher D => fixture.Dispatcher;

    [Fact]
    public async Task Session_AccountBoundToOtherKey_Unauthorized()
    {
        var account = fixture.Approved[0];
        using var first = PrivateKey.Generate();
        using var second = PrivateKey.Generate();
        using var ok = await PostSessionAsync(Sign(account, first, await DispatcherIdAsync()));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var refused = await PostSessionAsync(Sign(account, second, await DispatcherIdAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("different key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_SignedWithAnotherKeyThanClaimed_Unauthorized()
    {
        using var claimed = PrivateKey.Generate();
        using var signer = PrivateKey.Generate();
        var (body, _) = Sign(fixture.Approved[1], claimed, await DispatcherIdAsync());
        var forged = signer.SignDigest(GatewayProtocol.SessionDigest(body)).ToString();
        using var response = await PostSessionAsync((body, forged));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("signature does not match", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_UnapprovedAccount_Forbidden()
    {
        using var key = PrivateKey.Generate();
        using var response = await PostSessionAsync(Sign(Accounts.New("nobody"), key, await DispatcherIdAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not admitted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lease_WithoutSessionToken_Unauthorized()
    {
        using var response = await D.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/gateway/v1/leases")
        {
            Content = JsonContent.Create(new LeaseRequest { Max = 1 }),
            Headers = { Authorization = null },
        });
        // The researcher's bearer token is no gateway token.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Session_ReplayedSignedRequest_Unauthorized()
    {
        using var key = PrivateKey.Generate();
        var signed = Sign(fixture.Approved[2], key, await DispatcherIdAsync());
        using var first = await PostSessionAsync(signed);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var replay = await PostSessionAsync(signed);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("replayed", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_StaleTimestamp_Unauthorized()
    {
        using var key = PrivateKey.Generate();
        using var response = await PostSessionAsync(Sign(fixture.Approved[2], key, await DispatcherIdAsync(), DateTimeOffset.UtcNow.AddMinutes(-5)));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("timestamp", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lease_FloodFromOneContributor_TooManyRequestsWhileOthersAreServed()
    {
        using var flooderKey = PrivateKey.Generate();
        using var otherKey = PrivateKey.Generate();
        var flooder = await SessionTokenAsync(fixture.Approved[8], flooderKey);
        var other = await SessionTokenAsync(fixture.Approved[9], otherKey);
        var answers = await Task.WhenAll(Enumerable.Range(0, 150).Select(async _ =>
        {
            using var response = await LeaseAsync(flooder, 0);
            return response.StatusCode;
        }));
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);

        using var served = await LeaseAsync(other, 0);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Lease_ExpiredToken_Unauthorized()
    {
        using var key = PrivateKey.Generate();
        var token = await SessionTokenAsync(fixture.Approved[3], key);
        using (var fresh = await LeaseAsync(token, 0))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        await Task.Delay(TimeSpan.FromSeconds(4)); // the fixture's tokens live 3 s
        using var expired = await LeaseAsync(token, 0);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_LargerThanUnitOutputCap_PayloadTooLarge()
    {
        var id = await D.SubmitAsync(Specs.Pi("volabuse", units: 1, samples: 1000, maxSize: "1Ki"));
        try
        {
            using var key = PrivateKey.Generate();
            var token = await SessionTokenAsync(fixture.Approved[4], key);
            var lease = await LeaseOneAsync(token, id);
            var data = new byte[4096];
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/gateway/v1/jobs/{id}/units/{lease.UnitKey}/leases/{lease.LeaseId}/outputs/result.txt")
            {
                Content = new ByteArrayContent(data),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Content.Headers.Add(GatewayProtocol.Sha256Header, Convert.ToHexStringLower(SHA256.HashData(data)));
            using var response = await D.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("at most 1024 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await D.Http.PostAsync(new Uri($"/api/v1/jobs/{id}/cancel", UriKind.Relative), null);
        }
    }

    [Fact]
    public async Task Lease_DailyQuotaExceeded_TooManyRequests()
    {
        var id = await D.SubmitAsync(Specs.Pi("volabuse", units: 10, samples: 1000));
        try
        {
            using var key = PrivateKey.Generate();
            var token = await SessionTokenAsync(fixture.Approved[5], key);
            using var first = await LeaseAsync(token, 10);
            var leased = (await first.Content.ReadFromJsonAsync<LeaseResponse>(GatewayProtocol.Json))!.Leases.Count;
            Assert.Equal(4, leased); // the fixture's daily quota

            using var refused = await LeaseAsync(token, 1);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("daily quota", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await D.Http.PostAsync(new Uri($"/api/v1/jobs/{id}/cancel", UriKind.Relative), null);
        }
    }

    [Fact]
    public async Task Lease_UnreplicatedJobUnderReplicatedOnlyPolicy_NotGivenToUntrustedRemote()
    {
        var id = await D.SubmitAsync(Specs.Pi("volstrict", units: 2, samples: 1000));
        try
        {
            using var key = PrivateKey.Generate();
            var token = await SessionTokenAsync(fixture.Approved[6], key);
            using var response = await LeaseAsync(token, 2);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty((await response.Content.ReadFromJsonAsync<LeaseResponse>(GatewayProtocol.Json))!.Leases);
        }
        finally
        {
            await D.Http.PostAsync(new Uri($"/api/v1/jobs/{id}/cancel", UriKind.Relative), null);
        }
    }

    [Fact]
    public async Task Lease_JobRequirementsTheWorkerDoesNotMeet_NoUnits()
    {
        var otherArch = GatewayProtocol.CurrentArchitecture() == "linux-arm64" ? "linux-x64" : "linux-arm64";
        var wrongArch = await D.SubmitAsync(Specs.Pi("volabuse", units: 1, samples: 1000, extra: $"requirements: {{arch: [{otherArch}]}}"));
        var gpu = await D.SubmitAsync(Specs.Pi("volabuse", units: 1, samples: 1000, extra: "requirements: {gpus: 1, min_memory: 1Gi}"));
        try
        {
            using var key = PrivateKey.Generate();
            var token = await SessionTokenAsync(fixture.Approved[10], key); // advertises 2 cores, 2 GiB, no GPU
            using var response = await LeaseAsync(token, 2);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty((await response.Content.ReadFromJsonAsync<LeaseResponse>(GatewayProtocol.Json))!.Leases);
        }
        finally
        {
            await D.Http.PostAsync(new Uri($"/api/v1/jobs/{wrongArch}/cancel", UriKind.Relative), null);
            await D.Http.PostAsync(new Uri($"/api/v1/jobs/{gpu}/cancel", UriKind.Relative), null);
        }
    }

    [Fact]
    public async Task LeaseCalls_TokenOfAnotherAccount_NotTheirsToRenewReportOrUpload()
    {
        var id = await D.SubmitAsync(Specs.Pi("volabuse", units: 1, samples: 1000));
        try
        {
            using var holderKey = PrivateKey.Generate();
            using var otherKey = PrivateKey.Generate();
            var holder = await SessionTokenAsync(fixture.Approved[11], holderKey);
            var other = await SessionTokenAsync(fixture.Approved[12], otherKey);
            var lease = await LeaseOneAsync(holder, id);
            var path = $"/gateway/v1/jobs/{id}/units/{lease.UnitKey}/leases/{lease.LeaseId}";

            using (var renew = await SendRawAsync(other, HttpMethod.Post, path + "/renew", null))
            {
                Assert.False((await renew.Content.ReadFromJsonAsync<LeaseAnswer>(GatewayProtocol.Json))!.Current);
            }

            var report = new UnitReport { JobId = id, UnitKey = lease.UnitKey, LeaseId = lease.LeaseId, Outcome = AttemptOutcome.Succeeded };
            using (var reported = await SendRawAsync(other, HttpMethod.Post, path + "/report", report))
            {
                Assert.Equal(HttpStatusCode.NotFound, reported.StatusCode);
            }

            using (var committed = await SendRawAsync(other, HttpMethod.Post, path + "/outputs", new Manifest()))
            {
                Assert.Equal(HttpStatusCode.NotFound, committed.StatusCode);
            }

            // The holder's lease is untouched by the other account's calls.
            using var own = await SendRawAsync(holder, HttpMethod.Post, path + "/renew", null);
            Assert.True((await own.Content.ReadFromJsonAsync<LeaseAnswer>(GatewayProtocol.Json))!.Current);
        }
        finally
        {
            await D.Http.PostAsync(new Uri($"/api/v1/jobs/{id}/cancel", UriKind.Relative), null);
        }
    }

    /// <summary>A lying remote worker's copy loses the quorum: the unit is accepted from honest copies and the liar's reputation records the loss.</summary>
    [Fact]
    public async Task Report_WrongOutputsUnderQuorum_RejectedAndReputationRecorded()
    {
        var id = await D.SubmitAsync(Specs.Pi("volabuse", units: 1, samples: 20000, extra: "replication: {copies: 2, quorum: 2, max_copies: 4}"));
        using var key = PrivateKey.Generate();
        var liar = fixture.Approved[7];
        var token = await SessionTokenAsync(liar, key);
        var lease = await LeaseOneAsync(token, id);

        // Wrong outputs, uploaded correctly (hash matches), reported as a success.
        var bogus = "1 20000\n"u8.ToArray();
        var path = $"/gateway/v1/jobs/{id}/units/{lease.UnitKey}/leases/{lease.LeaseId}";
        using (var put = new HttpRequestMessage(HttpMethod.Put, path + "/outputs/result.txt") { Content = new ByteArrayContent(bogus) })
        {
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            put.Content.Headers.Add(GatewayProtocol.Sha256Header, Convert.ToHexStringLower(SHA256.HashData(bogus)));
            using var uploaded = await D.Http.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        }

        await SendAsync(token, HttpMethod.Post, path + "/outputs", new Manifest { Files = [new ManifestFile { Path = "result.txt", Length = bogus.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bogus)) }] });
        await SendAsync(token, HttpMethod.Post, path + "/report", new UnitReport { JobId = id, UnitKey = lease.UnitKey, LeaseId = lease.LeaseId, Outcome = AttemptOutcome.Succeeded });

        // Two honest remote workers (separate processes, on loopback here) supply the copies the quorum needs.
        var honest = new List<BoidProcess>();
        try
        {
            // Fresh approved accounts: their keys bind on first use (accounts 0-6 are bound to the other tests' keys).
            foreach (var account in fixture.Honest)
            {
                honest.Add(D.Deployment.StartRemoteWorker("honest-" + account, account, Specs.NewKeyFile(), slots: 1));
            }

            await D.WaitDoneAsync(id, TimeSpan.FromMinutes(3));
        }
        finally
        {
            foreach (var worker in honest)
            {
                worker.Dispose();
            }
        }

        var result = JsonDocument.Parse(await D.ResultAsync(id)).RootElement;
        Assert.NotEqual(1, result.GetProperty("hits").GetInt64());
        var reputation = await D.WorkerAsync(liar);
        Assert.Equal(1, reputation.GetProperty("quorumLosses").GetInt64());
        Assert.Equal(0, reputation.GetProperty("unitsAccepted").GetInt64());
    }

    private async Task<string> DispatcherIdAsync() =>
        (await D.Http.GetFromJsonAsync<GatewayInfo>(new Uri("/gateway/v1/info", UriKind.Relative), GatewayProtocol.Json))!.DispatcherId;

    private static (byte[] Body, string Signature) Sign(string account, PrivateKey key, string dispatcherId, DateTimeOffset? at = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new SessionRequest
        {
            Account = account,
            PublicKey = key.PublicKey.ToString(),
            DispatcherId = dispatcherId,
            TimestampMs = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds(),
            Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Capabilities = new WorkerCapabilities { Cores = 2, MemoryBytes = 2L << 30, Architecture = GatewayProtocol.CurrentArchitecture(), Slots = 2 },
        }, GatewayProtocol.Json);
        return (body, key.SignDigest(GatewayProtocol.SessionDigest(body)).ToString());
    }

    private Task<HttpResponseMessage> PostSessionAsync((byte[] Body, string Signature) signed)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/gateway/v1/sessions") { Content = new ByteArrayContent(signed.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(GatewayProtocol.SignatureHeader, signed.Signature);
        return D.Http.SendAsync(request);
    }

    private async Task<string> SessionTokenAsync(string account, PrivateKey key)
    {
        using var response = await PostSessionAsync(Sign(account, key, await DispatcherIdAsync()));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonSerializer.Deserialize<SessionResponse>(body, GatewayProtocol.Json)!.Token;
    }

    private Task<HttpResponseMessage> LeaseAsync(string token, int max)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/gateway/v1/leases") { Content = JsonContent.Create(new LeaseRequest { Max = max }, options: GatewayProtocol.Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return D.Http.SendAsync(request);
    }

    private async Task<UnitAssignment> LeaseOneAsync(string token, string jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await LeaseAsync(token, 1);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            var leases = JsonSerializer.Deserialize<LeaseResponse>(body, GatewayProtocol.Json)!.Leases;
            if (leases.FirstOrDefault(l => l.JobId == jobId) is { } lease)
            {
                return lease;
            }

            Assert.True(DateTime.UtcNow < deadline, $"waited 30 s for a lease of job {jobId}");
            await Task.Delay(300);
        }
    }

    private async Task SendAsync(string token, HttpMethod method, string path, object body)
    {
        using var response = await SendRawAsync(token, method, path, body);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpResponseMessage> SendRawAsync(string token, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: GatewayProtocol.Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await D.Http.SendAsync(request);
    }
}
