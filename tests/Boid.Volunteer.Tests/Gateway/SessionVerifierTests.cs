using System.Security.Cryptography;
using System.Text.Json;
using Boid.Abstractions.Errors;
using Boid.Abstractions.Gateway;
using Boid.Eosio;

namespace Boid.Volunteer.Tests.Gateway;

/// <summary>The signed session exchange's replay protection: dispatcher id, timestamp and single-use nonce.</summary>
public sealed class SessionVerifierTests
{
    [Fact]
    public async Task Verify_ReplayedNonce_UnauthorizedTheSecondTime()
    {
        await using var host = await GatewayAccessHost.StartAsync();
        using var key = PrivateKey.Generate();
        var (body, signature) = Sign(host, "alice", key, host.Time.GetUtcNow(), Nonce());

        Assert.True(host.Verifier.Verify(body, signature).Verified);
        var replay = host.Verifier.Verify(body, signature);
        Assert.False(replay.Verified);
        Assert.Equal(BoidErrorKind.Unauthorized, replay.Kind);
        Assert.Contains("replayed", replay.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ReplayAfterTheNonceIsForgotten_RefusedByItsTimestamp()
    {
        await using var host = await GatewayAccessHost.StartAsync();
        using var key = PrivateKey.Generate();
        var (body, signature) = Sign(host, "alice", key, host.Time.GetUtcNow(), Nonce());
        Assert.True(host.Verifier.Verify(body, signature).Verified);

        host.Time.Advance((2 * host.Options.ClockSkew) + TimeSpan.FromSeconds(1));
        var replay = host.Verifier.Verify(body, signature);
        Assert.False(replay.Verified);
        Assert.Contains("timestamp", replay.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SameNonceForAnotherAccount_Accepted()
    {
        await using var host = await GatewayAccessHost.StartAsync();
        using var alice = PrivateKey.Generate();
        using var bob = PrivateKey.Generate();
        var nonce = Nonce();
        var now = host.Time.GetUtcNow();

        var first = Sign(host, "alice", alice, now, nonce);
        Assert.True(host.Verifier.Verify(first.Body, first.Signature).Verified);
        var second = Sign(host, "bob", bob, now, nonce);
        Assert.True(host.Verifier.Verify(second.Body, second.Signature).Verified);
    }

    [Fact]
    public async Task Verify_SignedForAnotherDispatcher_Unauthorized()
    {
        await using var host = await GatewayAccessHost.StartAsync();
        await using var other = await GatewayAccessHost.StartAsync();
        using var key = PrivateKey.Generate();
        var (body, signature) = Sign(other, "alice", key, host.Time.GetUtcNow(), Nonce());

        var check = host.Verifier.Verify(body, signature);
        Assert.False(check.Verified);
        Assert.Equal(BoidErrorKind.Unauthorized, check.Kind);
        Assert.Contains("signed for dispatcher", check.Problem, StringComparison.Ordinal);
    }

    private static string Nonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static (byte[] Body, string Signature) Sign(GatewayAccessHost dispatcher, string account, PrivateKey key, DateTimeOffset at, string nonce)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new SessionRequest
        {
            Account = account,
            PublicKey = key.PublicKey.ToString(),
            DispatcherId = dispatcher.Tokens.DispatcherId,
            TimestampMs = at.ToUnixTimeMilliseconds(),
            Nonce = nonce,
            Capabilities = new WorkerCapabilities { Cores = 2, MemoryBytes = 2L << 30, Architecture = "linux-x64", Slots = 2 },
        }, GatewayProtocol.Json);
        return (body, key.SignDigest(GatewayProtocol.SessionDigest(body)).ToString());
    }
}
