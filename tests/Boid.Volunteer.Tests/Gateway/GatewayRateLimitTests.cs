using System.Net;
using System.Text.Json;

namespace Boid.Volunteer.Tests.Gateway;

/// <summary>The gateway's rate-limit partitions: per account for workers, per address for anonymous calls, upload slots per account.</summary>
public sealed class GatewayRateLimitTests
{
    [Fact]
    public async Task Worker_FloodFromOneAccount_TooManyRequestsWhileAnotherAccountIsServed()
    {
        await using var sut = await GatewayAccessHost.StartAsync(new Dictionary<string, string?> { ["RequestsPerSecond"] = "1", ["Burst"] = "3" });
        var (alice, bob) = (sut.TokenFor("alice"), sut.TokenFor("bob"));
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await sut.SendAsync(HttpMethod.Get, "/probe/me", alice));
        }

        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        await AssertTooManyAsync(refused, "at most 1 requests per second for alice");

        using var served = await sut.SendAsync(HttpMethod.Get, "/probe/me", bob);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task Anonymous_FloodFromOneAddress_TooManyRequestsButWorkersAreServed()
    {
        await using var sut = await GatewayAccessHost.StartAsync(new Dictionary<string, string?> { ["AnonymousRequestsPerSecond"] = "1" });
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 10; i++)
        {
            answers.Add(await sut.SendAsync(HttpMethod.Get, "/anonymous", token: null));
        }

        await AssertTooManyAsync(answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests), "too many requests from this address");

        // Same address, but a worker's calls are limited by its account, not by where it calls from.
        using var worker = await sut.SendAsync(HttpMethod.Get, "/probe/me", sut.TokenFor("alice"));
        Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
        answers.ForEach(a => a.Dispose());
    }

    [Fact]
    public async Task Upload_MoreThanItsSlotsAtOnce_TooManyRequestsWhileAnotherAccountUploads()
    {
        await using var sut = await GatewayAccessHost.StartAsync(new Dictionary<string, string?> { ["ConcurrentUploads"] = "1" });
        var (alice, bob) = (sut.TokenFor("alice"), sut.TokenFor("bob"));
        var held = sut.SendAsync(HttpMethod.Put, "/probe/upload?hold=true", alice);
        await sut.HeldUploadStarted.WaitAsync(TimeSpan.FromSeconds(30)); // its slot is taken once its handler runs
        using var second = await sut.SendAsync(HttpMethod.Put, "/probe/upload", alice);
        await AssertTooManyAsync(second, "at most 1 uploads at once for alice");

        using var other = await sut.SendAsync(HttpMethod.Put, "/probe/upload", bob);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        sut.ReleaseHeldUploads();
        using var first = await held;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var after = await sut.SendAsync(HttpMethod.Put, "/probe/upload", alice);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Upload_AccountOutOfRequestBudget_TooManyRequests()
    {
        await using var sut = await GatewayAccessHost.StartAsync(new Dictionary<string, string?> { ["RequestsPerSecond"] = "1", ["Burst"] = "2" });
        var alice = sut.TokenFor("alice");
        for (var i = 0; i < 2; i++)
        {
            using var spent = await sut.SendAsync(HttpMethod.Get, "/probe/me", alice);
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }

        // Uploads spend from the same per-account budget as every other call (the global limiter), one at a time here,
        // so their slots are never what refuses them.
        var uploads = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            uploads.Add(await sut.SendAsync(HttpMethod.Put, "/probe/upload", alice));
        }

        await AssertTooManyAsync(uploads.First(u => u.StatusCode == HttpStatusCode.TooManyRequests), "requests per second for alice");
        uploads.ForEach(u => u.Dispose());
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("LimitExceeded", problem.RootElement.GetProperty("kind").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
